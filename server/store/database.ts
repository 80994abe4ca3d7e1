/**
 * Opens the store. SQLite (better-sqlite3) is the embedded default: one file in the data folder,
 * WAL so that the CLI can write while `serve` runs, and synchronous=NORMAL, which in WAL mode keeps
 * every committed transaction across a crash of the process (only a power loss may drop the last
 * few, see docs/decisions.md). With a `postgres://` DATABASE_URL it is PostgreSQL instead
 * (postgres.ts), shared by several backend instances.
 */
import path from 'node:path';
import fs from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Migrator, SqliteDialect, type Dialect, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { cachePreparedStatements } from './statementCache.js';
import { isPostgresUrl, openPostgresStore, type PostgresStoreOptions } from './postgres.js';
import { GroupCommitKysely, type SqliteConnectionState } from './sqliteGroupCommit.js';
import { readDirectlyWhileIdle, SqliteIdleReads } from './sqliteIdleReads.js';

export type Store = Kysely<Database>;

export const DATABASE_FILE_NAME = 'scim-directory-sync.sqlite';

/**
 * Kysely's SQLite dialect, with every transaction started as BEGIN IMMEDIATE. A deferred
 * transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT when another
 * process (the CLI next to `serve`) committed in between; an immediate one takes the write lock
 * up front and waits for it (busy_timeout) instead. It also counts the queries waiting for the
 * connection, which the group commit (sqliteGroupCommit.ts) lets go first, and rolls back only a
 * transaction that SQLite has not already ended by itself. It tells `idleReads` when Kysely asks
 * for the connection and gives it back (sqliteIdleReads.ts).
 */
function immediateTransactionDialect(inner: SqliteDialect, sqlite: SqliteDatabase.Database, idleReads: SqliteIdleReads): { dialect: Dialect; connection: SqliteConnectionState } {
  let waiting = 0;
  const dialect: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => {
      const driver = inner.createDriver();
      const acquire = driver.acquireConnection.bind(driver);
      const release = driver.releaseConnection.bind(driver);
      const rollback = driver.rollbackTransaction.bind(driver);
      driver.acquireConnection = async () => {
        waiting++;
        idleReads.kyselyAcquiring();
        try {
          return await acquire();
        } catch (error) {
          idleReads.kyselyReleased();
          throw error;
        } finally {
          waiting--;
        }
      };
      driver.releaseConnection = async (connection) => {
        try {
          await release(connection);
        } finally {
          idleReads.kyselyReleased();
        }
      };
      driver.beginTransaction = async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      };
      driver.rollbackTransaction = async (connection) => {
        if (sqlite.inTransaction) await rollback(connection);
      };
      return driver;
    },
  };
  return { dialect, connection: { waitingQueries: () => waiting, inTransaction: () => sqlite.inTransaction } };
}

export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Group commit runs each transaction as a SAVEPOINT inside a shared BEGIN (sqliteGroupCommit.ts).
  // A unit that changes a page an earlier unit of its batch already changed first copies that page
  // into the savepoint's sub-journal, so that it could roll back alone. With temporary files on
  // disk (this build's default) that sub-journal is a real file: ≈ 16 pwrite calls per deprovisioning
  // PATCH (strace). In memory it holds at most one unit's pages, and it is never read after a crash.
  sqlite.pragma('temp_store = MEMORY');
  // SQLite's page cache (this build's default: 16 MB) fills only as far as a run touches pages, so
  // a 100,000-user store's deprovisioning wave peaked ~17 MiB above the same wave at 10,000 users
  // (the issue allows 15 %). 8 MiB is room for the indexes' inner pages and the small org tables;
  // what it loses are random user rows, which 16 MB did not hold either (a 100,000-user store is
  // ~160 MB): ≈ 0.4 more page reads per deprovisioning PATCH (strace).
  sqlite.pragma('cache_size = -8192');
  // The CLI and the server share the file; a writer waits for the other instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  const idleReads = new SqliteIdleReads(cachePreparedStatements(sqlite));
  const { dialect, connection } = immediateTransactionDialect(new SqliteDialect({ database: sqlite }), sqlite, idleReads);
  // Transactions share commits (sqliteGroupCommit.ts); the answers still wait for theirs.
  const store = new GroupCommitKysely<Database>({ dialect }, connection);
  // Reads outside transactions skip Kysely while it does not use the connection (sqliteIdleReads.ts).
  readDirectlyWhileIdle(store, idleReads);
  return store;
}

export function storeFileIn(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME);
}

export async function migrateToLatest(db: Store): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/** SQLite in `dataDir`, or PostgreSQL when `databaseUrl` is a postgres:// (or postgresql://) URL. */
export async function openStore(dataDir: string, databaseUrl?: string, postgres?: PostgresStoreOptions): Promise<Store> {
  const db = isPostgresUrl(databaseUrl) ? openPostgresStore(databaseUrl, postgres) : openSqliteStore(storeFileIn(dataDir));
  await migrateToLatest(db);
  return db;
}
