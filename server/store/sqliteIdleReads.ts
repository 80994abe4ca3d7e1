/**
 * Reads on the SQLite store's one connection run straight through better-sqlite3 while Kysely is
 * not using that connection, and the reads of one event-loop turn share one read transaction.
 *
 * Why: a GET by id's statement costs ≈ 14 µs in a warm loop, of which ≈ 6 µs is starting and
 * ending its implicit read transaction (the WAL read lock: two `fcntl` calls and the wal-index
 * header check); under load several GETs are answered in one turn, and inside one BEGIN … COMMIT
 * the second and later pay none of it (bench/RESULTS.md). Kysely's executor, driver and mutex
 * around a read cost ≈ 1 µs more.
 *
 * Why the rows are what Kysely would have returned, as fresh:
 * - Kysely's SQLite connection runs a reader as `prepare(sql).all(parameters)` on this same handle
 *   (the same statement cache, statementCache.ts), and the store has no result plugins.
 * - A read never goes direct while Kysely is waiting for or holding the connection (a group-commit
 *   batch's open transaction, whose uncommitted changes it would see; sqliteGroupCommit.ts): then
 *   it returns undefined and goes through Kysely, waiting for the COMMIT as before. Kysely asking
 *   for the connection first ends the shared read transaction, so its statements never run
 *   inside it (a write there would be acknowledged before its COMMIT).
 * - The shared read transaction starts at the first direct read of a turn and ends at that turn's
 *   `setImmediate`: every request it answers had arrived before it started (they are answered in
 *   the same turn), and every write this process acknowledged had committed before it started. A
 *   write another process (the CLI) commits during the turn is seen from the next turn on, as if
 *   it had committed a moment later; WAL lets that process write meanwhile (a reader blocks no
 *   writer), and a checkpoint waits at most one turn for it.
 * Transactions (`trx`) and PostgreSQL stores are not registered here and always use Kysely.
 */
import type SqliteDatabase from 'better-sqlite3';

export class SqliteIdleReads {
  /** Kysely's queries waiting for the connection, plus the one holding it (if any). */
  private kyselyUsers = 0;
  private sharedReadOpen = false;
  private readonly begin: SqliteDatabase.Statement;
  private readonly commit: SqliteDatabase.Statement;

  constructor(private readonly sqlite: SqliteDatabase.Database) {
    this.begin = sqlite.prepare('begin');
    this.commit = sqlite.prepare('commit');
  }

  /** Kysely asks for the connection (synchronously, before it waits for it): the shared read ends. */
  kyselyAcquiring(): void {
    this.kyselyUsers++;
    this.endSharedRead();
  }

  /** Kysely gave the connection back (or failed to get it). */
  kyselyReleased(): void {
    this.kyselyUsers--;
  }

  /**
   * The rows of a read-only statement, or undefined when it must go through Kysely (Kysely is
   * using the connection, another transaction is open, the connection is closed, or `sql` writes).
   */
  rows<Row>(sql: string, parameters: readonly unknown[]): Row[] | undefined {
    const { sqlite } = this;
    if (this.kyselyUsers > 0 || !sqlite.open) return undefined;
    // Only the shared read may be open: any other transaction is not this module's to read inside.
    if (sqlite.inTransaction !== this.sharedReadOpen) return undefined;
    const statement = sqlite.prepare(sql);
    if (!statement.reader) return undefined;
    if (!this.sharedReadOpen) {
      this.begin.run();
      this.sharedReadOpen = true;
      setImmediate(() => this.endSharedRead());
    }
    return statement.all(parameters) as Row[];
  }

  private endSharedRead(): void {
    if (!this.sharedReadOpen) return;
    this.sharedReadOpen = false;
    // A statement's error can have ended it already; a closed connection ended it too.
    if (this.sqlite.open && this.sqlite.inTransaction) this.commit.run();
  }
}

const registered = new WeakMap<object, SqliteIdleReads>();

/** Lets reads on `store` (the root Kysely instance, not its transactions) use `reads`. */
export function readDirectlyWhileIdle(store: object, reads: SqliteIdleReads): void {
  registered.set(store, reads);
}

/** The rows of a read on `db` run now (see SqliteIdleReads.rows), or undefined: run it through Kysely. */
export function rowsIfIdle<Row>(db: object, sql: string, parameters: readonly unknown[]): Row[] | undefined {
  return registered.get(db)?.rows<Row>(sql, parameters);
}
