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
 * (`NOTIFY_AT_COMMIT`, postgresEventRelay.ts) is held and sent right behind its COMMIT, in the
 * same batch (COMMIT's Parse/Bind/Execute, then the NOTIFY's, then one Sync): no round trip of its
 * own, never sent for a transaction that rolled back or whose COMMIT failed. Behind the COMMIT,
 * not inside the transaction: a transaction that NOTIFYs takes one cluster-wide lock at commit and
 * holds it through its WAL flush (PostgreSQL's async.c, to queue notifications in commit order),
 * so with the NOTIFY inside, every write waited for the previous write's fsync and commits were
 * never flushed together. The NOTIFY alone commits without waiting for a flush (it writes no WAL
 * but its commit record), so it holds that lock only for a moment. A NOTIFY that fails after the
 * COMMIT succeeded (PostgreSQL's notification queue full) does not fail the write, which is
 * committed: the client tells `whenNotifyFails`' listener and the store logs it (postgres.ts).
 */
import pg from 'pg';
import { NamedStatementClient, queryConfigFor } from './postgresNamedStatements.js';
import { USER_INSERT } from './postgresAnalyzeAfterBulkLoad.js';

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

type DescribingConnection = ProtocolConnection & { describe(message: { type: string; name: string }): void };

function sendHeld(connection: DescribingConnection, statements: HeldStatement[]): void {
  for (const { text, values } of statements) {
    connection.parse({ text, name: '', types: [] });
    connection.bind({ portal: '', statement: '', values });
    // Described so that rows it returns (pg_notify's) arrive as a result of their own.
    connection.describe({ type: 'P', name: '' });
    connection.execute({ portal: '' });
  }
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

  prepare(connection: DescribingConnection): void {
    sendHeld(connection, this.held);
    sendStatement.call(this, connection);
  }
}

/**
 * COMMIT with the statements held in front of it (an unsent BEGIN) and the NOTIFYs to send behind
 * it, before one Sync. Once COMMIT has completed, an error of a NOTIFY behind it is not the
 * COMMIT's: the caller gets COMMIT's answer and `onNotifyFailed` the error.
 */
class CommitThenNotify extends pg.Query {
  private completed = 0;
  private readonly commitAt: number;

  constructor(
    private readonly held: HeldStatement[],
    private readonly notifies: HeldStatement[],
    private readonly onNotifyFailed: (error: Error) => void,
    callback: (error: Error | undefined, result?: pg.QueryResult) => void,
  ) {
    super({ text: 'commit', values: [], queryMode: 'extended' } as pg.QueryConfig, ((error: Error | undefined) =>
      callback(error, error ? undefined : answered('COMMIT'))) as never);
    this.commitAt = held.length + 1;
  }

  prepare(connection: DescribingConnection): void {
    sendHeld(connection, this.held);
    connection.parse({ text: 'commit', name: '', types: [] });
    connection.bind({ portal: '', statement: '', values: [] });
    connection.describe({ type: 'P', name: '' });
    connection.execute({ portal: '' });
    sendHeld(connection, this.notifies);
    (connection as unknown as { sync(): void }).sync();
  }

  handleCommandComplete(message: unknown, connection: unknown): void {
    this.completed++;
    (pg.Query.prototype as unknown as { handleCommandComplete(this: pg.Query, m: unknown, c: unknown): void }).handleCommandComplete.call(this, message, connection);
  }

  handleError(error: Error, connection: unknown): void {
    if (this.completed >= this.commitAt) {
      this.onNotifyFailed(error);
      // The client dropped this query on the error; the transaction is committed, so say so.
      (this as unknown as { callback: (error: Error | undefined) => void }).callback(undefined);
      return;
    }
    (pg.Query.prototype as unknown as { handleError(this: pg.Query, e: Error, c: unknown): void }).handleError.call(this, error, connection);
  }
}

/** What PostgreSQL would have answered to a transaction command that was never sent. */
function answered(command: string): pg.QueryResult {
  return { command: command.toUpperCase(), rowCount: null, rows: [], fields: [], oid: 0 };
}

export class DeferredBeginClient extends NamedStatementClient {
  /** Statements to send in front of the next one: this transaction's BEGIN. */
  private held: HeldStatement[] = [];
  private beginHeld = false;
  /** NOTIFYs to send right behind this transaction's COMMIT. */
  private notifiesAtCommit: HeldStatement[] = [];

  /** Called when the pool takes the client back: what was not sent by then never will be. */
  forgetUnsentBegin(): void {
    this.held = [];
    this.beginHeld = false;
    this.notifiesAtCommit = [];
  }

  private notifyFailureListener: ((error: Error) => void) | undefined;
  private readonly notifyFailed = (error: Error) => this.notifyFailureListener?.(error);

  private userInsertListener: (() => void) | undefined;

  /** Told of each user INSERT sent (postgresAnalyzeAfterBulkLoad.ts). */
  whenUserInserted(listener: () => void): void {
    this.userInsertListener = listener;
  }

  /** Told when a NOTIFY sent behind a COMMIT that succeeded failed (the write stays committed). */
  whenNotifyFails(listener: (error: Error) => void): void {
    this.notifyFailureListener = listener;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values)) return super.query(...args);
    if (this.userInsertListener && USER_INSERT.test(text)) this.userInsertListener();
    if (values.length === 0 && this.held.length === 0 && TRANSACTION_START.test(text)) {
      this.held = [{ text, values: [] }];
      this.beginHeld = true;
      return Promise.resolve(answered('BEGIN'));
    }
    if (text === NOTIFY_AT_COMMIT) {
      if (!this.beginHeld && this.getTransactionStatus() !== 'T') return super.query(NOTIFY_STATEMENT, values);
      this.notifiesAtCommit.push({ text: NOTIFY_STATEMENT, values: values.map(String) });
      return Promise.resolve(answered('SELECT'));
    }
    const notifies = this.notifiesAtCommit;
    if (this.held.length === 0 && notifies.length === 0) return super.query(text, values);
    const held = this.held;
    const beginHeld = this.beginHeld;
    const onlyBegin = beginHeld && held.length === 1;
    const transactionEnd = values.length === 0 && TRANSACTION_END.test(text);
    if (!transactionEnd) {
      // A statement inside the transaction: the NOTIFYs wait on for its COMMIT.
      this.held = [];
      this.beginHeld = false;
      if (held.length === 0) return super.query(text, values);
    } else {
      this.forgetUnsentBegin();
      const rollback = /^rollback$/i.test(text);
      if (rollback) {
        // Nothing of it is to be kept, and nobody hears of it: an unsent BEGIN need not be sent either.
        return beginHeld ? Promise.resolve(answered(text)) : super.query(text, values);
      }
      // In a transaction that failed, COMMIT would only answer ROLLBACK: the NOTIFYs go in front of
      // it, fail there as before, and the caller hears that the transaction did not commit.
      if (notifies.length > 0 && this.getTransactionStatus() === 'E') return this.sendAfter([...held, ...notifies], text, values);
      if (notifies.length > 0) {
        return new Promise<pg.QueryResult>((resolve, reject) => {
          super.query(new CommitThenNotify(held, notifies, this.notifyFailed, (error, result) => (error ? reject(error) : resolve(result!))));
        });
      }
      // Nothing ran in the transaction: neither its BEGIN nor its COMMIT need be sent.
      if (onlyBegin) return Promise.resolve(answered(text));
    }
    return this.sendAfter(held, text, values);
  }

  private sendAfter(held: HeldStatement[], text: string, values: unknown[]): Promise<pg.QueryResult> {
    return new Promise<pg.QueryResult>((resolve, reject) => {
      // One result per statement sent: the caller asked for the last one's.
      const done: QueryCallback = (error, results) => (error ? reject(error) : resolve(Array.isArray(results) ? results[results.length - 1]! : results));
      super.query(new StatementAfterHeld(held, queryConfigFor(text, values), done));
    });
  }
}
