/**
 * The PostgreSQL store, for several backend instances sharing one database (`DATABASE_URL`).
 *
 * Every explicit transaction runs SERIALIZABLE and is retried when PostgreSQL reports a
 * serialization failure or a deadlock: the domain rules (one userName per connection, the last
 * owner, one-time codes) were written against SQLite, where writers take turns, and SERIALIZABLE
 * gives the same "as if one at a time" outcome without auditing every rule for races. Transaction
 * callbacks must therefore be safe to run again (they only touch the database; side effects such
 * as live events are collected per attempt, see domain/transaction.ts).
 */
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, type QueryExecutorProvider, type TransactionBuilder } from 'kysely';
import type { Database } from './schema.js';
import { DeferredBeginClient } from './postgresDeferredBegin.js';
import { AnalyzeAfterBulkLoad } from './postgresAnalyzeAfterBulkLoad.js';

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
/** After this many the caller answers 503 + Retry-After (the directory retries later). */
const MAX_ATTEMPTS = 10;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/**
 * Runs retried transactions one at a time in this process. Losers of a race on one hot row (30
 * PATCHes of one user at once) would otherwise collide again on every retry; queued, each retry
 * runs alone and only has to beat fresh first attempts.
 */
class RetryLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

async function withSerializationRetry<T>(run: () => Promise<T>, lane: RetryLane): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isRetryableTransactionError(error)) throw error;
    let lastError = error;
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        return await lane.run(run);
      } catch (retryError) {
        if (!isRetryableTransactionError(retryError)) throw retryError;
        lastError = retryError;
      }
    }
    throw lastError;
  }
}

class SerializableKysely<DB> extends Kysely<DB> {
  private readonly lane = new RetryLane();

  override transaction(): TransactionBuilder<DB> {
    const builder = super.transaction().setIsolationLevel('serializable');
    const execute = builder.execute.bind(builder);
    return Object.assign(builder, {
      execute: <T>(callback: Parameters<typeof execute<T>>[0]) => withSerializationRetry(() => execute(callback), this.lane),
    });
  }
}

/** 64-bit integers (count(*), identity columns) as numbers; ours stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresStoreOptions {
  /** Connections this process keeps open at most (default 10). */
  poolSize?: number;
  /** Told about connections the database dropped while idle (a restart); the pool replaces them. */
  onIdleError?: (error: Error) => void;
  /** Told when the NOTIFY sent behind a committed write failed: other instances miss those live events. */
  onNotifyFailed?: (error: Error) => void;
}

export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    // Repeated statements as named prepared statements (parsed and planned once per connection), and
    // a transaction's BEGIN sent with its first statement (postgresDeferredBegin.ts).
    Client: DeferredBeginClient,
    // While the database is unreachable a request fails within seconds (503) instead of queueing forever.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits 'error'; unhandled, it would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  // So does a checked-out one (pg-pool listens only while a client is idle) when the database goes
  // away between or during its queries: the running query fails on its own (503 to the request),
  // and the pool drops the broken client when it is released.
  // A directory filling a fresh table (an initial sync) gets statistics before autovacuum looks.
  const analyzer = new AnalyzeAfterBulkLoad(() => pool.query('analyze scim_users'));
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onIdleError?.(error));
    (client as unknown as DeferredBeginClient).whenUserInserted(() => analyzer.noteInsertedUser());
    (client as unknown as DeferredBeginClient).whenNotifyFails((error) => options.onNotifyFailed?.(error));
  });
  pool.on('release', (_error: Error | undefined, client: pg.PoolClient) => (client as unknown as DeferredBeginClient).forgetUnsentBegin());
  return new SerializableKysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Which database a store (or a transaction on it) talks to. */
export function isPostgresStore(db: QueryExecutorProvider): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
