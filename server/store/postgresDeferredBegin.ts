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
 */
import pg from 'pg';
import { NamedStatementClient, queryConfigFor } from './postgresNamedStatements.js';

const TRANSACTION_START = /^(?:begin|start transaction)\b/i;
const TRANSACTION_END = /^(?:commit|rollback)$/i;

/** The protocol connection pg's Query writes to (not part of pg's type declarations). */
interface ProtocolConnection {
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string }): void;
}

type QueryCallback = (error: Error | undefined, result: pg.QueryResult | pg.QueryResult[]) => void;

const sendStatement = (pg.Query.prototype as unknown as { prepare(this: pg.Query, connection: ProtocolConnection): void }).prepare;

/** A statement whose Parse/Bind/Execute follow those of the transaction's BEGIN, before one Sync. */
class StatementAfterBegin extends pg.Query {
  constructor(
    private readonly begin: string,
    config: pg.QueryConfig,
    callback: QueryCallback,
  ) {
    // Extended protocol even for a statement without parameters: the simple one has no room for BEGIN.
    super({ ...config, queryMode: 'extended' } as pg.QueryConfig, callback as never);
  }

  prepare(connection: ProtocolConnection): void {
    connection.parse({ text: this.begin, name: '', types: [] });
    connection.bind({ portal: '', statement: '', values: [] });
    connection.execute({ portal: '' });
    sendStatement.call(this, connection);
  }
}

/** What PostgreSQL would have answered to a transaction command that was never sent. */
function answered(command: string): pg.QueryResult {
  return { command: command.toUpperCase(), rowCount: null, rows: [], fields: [], oid: 0 };
}

export class DeferredBeginClient extends NamedStatementClient {
  private unsentBegin: string | undefined;

  /** Called when the pool takes the client back: a BEGIN not sent by then never will be. */
  forgetUnsentBegin(): void {
    this.unsentBegin = undefined;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values)) return super.query(...args);
    if (this.unsentBegin === undefined) {
      if (values.length > 0 || !TRANSACTION_START.test(text)) return super.query(text, values);
      this.unsentBegin = text;
      return Promise.resolve(answered('BEGIN'));
    }
    const begin = this.unsentBegin;
    this.unsentBegin = undefined;
    if (values.length === 0 && TRANSACTION_END.test(text)) return Promise.resolve(answered(text));
    return new Promise<pg.QueryResult>((resolve, reject) => {
      // Two results come back, BEGIN's and the statement's: the caller asked for the statement's.
      const done: QueryCallback = (error, results) => (error ? reject(error) : resolve(Array.isArray(results) ? results[results.length - 1]! : results));
      super.query(new StatementAfterBegin(begin, queryConfigFor(text, values), done));
    });
  }
}
