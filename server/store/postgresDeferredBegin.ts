/**
 * A transaction's BEGIN travels with its first statement: one round trip instead of two.
 *
 * Kysely sends `start transaction isolation level serializable` and waits for its answer before
 * the transaction's first statement. Where the database shares the backend's core (the benchmark,
 * a small deployment) every round trip costs a loopback write and two context switches each way:
 * in the deprovision wave's profile the backend spent 28 % of its samples in `writev`. So this
 * client answers BEGIN at once without sending it, and sends it in front of the transaction's
 * first statement: BEGIN's Parse/Bind/Execute, then the statement's, then one Sync. PostgreSQL runs
 * the messages up to a Sync in order, and a BEGIN among them opens an ordinary transaction block
 * (as in libpq's pipeline mode). What a transaction sees and guarantees is unchanged:
 * - its first statement runs inside it, at its isolation level, as before;
 * - if that statement fails the transaction is aborted, as before, and Kysely's ROLLBACK ends it;
 * - a transaction that ran no statement sends neither its BEGIN nor its COMMIT/ROLLBACK;
 * - a client released to the pool with a BEGIN still unsent forgets it (`forgetUnsentBegin`), so
 *   the next borrower's statements never run inside a transaction they did not open.
 *
 * The same way, the NOTIFY that tells other instances about a transaction's live events
 * (`NOTIFY_AT_COMMIT`, postgresEventRelay.ts) is held and sent in front of its COMMIT: the events
 * reach the others exactly when the change commits, with no round trip (or transaction) of their own.
 */
import pg from 'pg';
import { NamedStatementClient, queryConfigFor } from './postgresNamedStatements.js';

const TRANSACTION_START = /^(?:begin|start transaction)\b/i;
const TRANSACTION_END = /^(?:commit|rollback)$/i;

/** pg_notify on channel $1 for each payload of $2 (a JSON array of strings), in order. */
export const NOTIFY_STATEMENT = 'select pg_notify($1, p) from json_array_elements_text($2::json) with ordinality as t(p, n) order by n';
/**
 * NOTIFY_STATEMENT to be sent with the transaction's COMMIT (PostgreSQL delivers notifications at
 * commit anyway, and drops them on rollback). Outside a transaction it runs at once.
 */
export const NOTIFY_AT_COMMIT = `/* at commit */ ${NOTIFY_STATEMENT}`;

/** The protocol connection pg's Query writes to (not part of pg's type declarations). */
interface ProtocolConnection {
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string }): void;
}

type QueryCallback = (error: Error | undefined, result: pg.QueryResult | pg.QueryResult[]) => void;

const sendStatement = (pg.Query.prototype as unknown as { prepare(this: pg.Query, connection: ProtocolConnection): void }).prepare;

interface HeldStatement {
  text: string;
  /** Text only: held statements are bound as they are, without pg's value conversion. */
  values: string[];
}

/** A statement whose Parse/Bind/Execute follow those of the statements held for it, before one Sync. */
class StatementAfterHeld extends pg.Query {
  constructor(
    private readonly held: HeldStatement[],
    config: pg.QueryConfig,
    callback: QueryCallback,
  ) {
    // Extended protocol even for a statement without parameters: the simple one has no room for the others.
    super({ ...config, queryMode: 'extended' } as pg.QueryConfig, callback as never);
  }

  prepare(connection: ProtocolConnection & { describe(message: { type: string; name: string }): void }): void {
    for (const { text, values } of this.held) {
      connection.parse({ text, name: '', types: [] });
      connection.bind({ portal: '', statement: '', values });
      // Described so that rows it returns (pg_notify's) arrive as a result of their own.
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    }
    sendStatement.call(this, connection);
  }
}

/** What PostgreSQL would have answered to a transaction command that was never sent. */
function answered(command: string): pg.QueryResult {
  return { command: command.toUpperCase(), rowCount: null, rows: [], fields: [], oid: 0 };
}

export class DeferredBeginClient extends NamedStatementClient {
  /** Statements to send in front of the next one: this transaction's BEGIN, its NOTIFY. */
  private held: HeldStatement[] = [];
  private beginHeld = false;

  /** Called when the pool takes the client back: what was not sent by then never will be. */
  forgetUnsentBegin(): void {
    this.held = [];
    this.beginHeld = false;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values)) return super.query(...args);
    if (values.length === 0 && this.held.length === 0 && TRANSACTION_START.test(text)) {
      this.held = [{ text, values: [] }];
      this.beginHeld = true;
      return Promise.resolve(answered('BEGIN'));
    }
    if (text === NOTIFY_AT_COMMIT) {
      if (!this.beginHeld && this.getTransactionStatus() !== 'T') return super.query(NOTIFY_STATEMENT, values);
      this.held.push({ text: NOTIFY_STATEMENT, values: values.map(String) });
      return Promise.resolve(answered('SELECT'));
    }
    if (this.held.length === 0) return super.query(text, values);
    const held = this.held;
    const beginHeld = this.beginHeld;
    const onlyBegin = beginHeld && held.length === 1;
    this.forgetUnsentBegin();
    if (values.length === 0 && TRANSACTION_END.test(text)) {
      const rollback = /^rollback$/i.test(text);
      // Nothing ran in the transaction, or nothing of it is to be kept: what was held need not be sent.
      if (onlyBegin || (rollback && beginHeld)) return Promise.resolve(answered(text));
      if (rollback) return super.query(text, values);
    }
    return new Promise<pg.QueryResult>((resolve, reject) => {
      // One result per statement sent: the caller asked for the last one's.
      const done: QueryCallback = (error, results) => (error ? reject(error) : resolve(Array.isArray(results) ? results[results.length - 1]! : results));
      super.query(new StatementAfterHeld(held, queryConfigFor(text, values), done));
    });
  }
}
