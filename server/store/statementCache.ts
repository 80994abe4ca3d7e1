/**
 * better-sqlite3 compiles SQL text into a statement on every `prepare`, and Kysely's SQLite driver
 * prepares every query it runs, so each request paid for compiling the same few statements again
 * (a tenth of a GET's CPU). This keeps prepared statements by their SQL text, those not used
 * lately leaving first (evictOne). Safe because the store has one connection whose queries Kysely
 * runs one at a time, and the only statement state Kysely relies on (bound parameters) is passed
 * anew on every run; SQLite itself re-prepares a cached statement when a migration changed the
 * schema under it.
 */
import type SqliteDatabase from 'better-sqlite3';

/** Distinct statements kept: every route's queries, plus room for the shapes filters compile to. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Statements with more parameters than this are prepared afresh each time, never kept: they are
 * multi-row inserts (the request log's batches) and long `in (…)` lists, whose text changes with
 * the row or list count. Kept, every count met once stayed in memory: a 300-row insert's prepared
 * program alone is ~0.3 MiB, and the benchmark's longest runs grew the server by 20–30 MiB.
 * The hot statements have a handful of parameters.
 */
export const MAX_CACHED_PARAMETERS = 32;

/** Whether a statement with `parameterCount` parameters is worth keeping prepared (see MAX_CACHED_PARAMETERS). */
export function worthKeepingPrepared(parameterCount: number): boolean {
  return parameterCount <= MAX_CACHED_PARAMETERS;
}

function countPlaceholders(source: string): number {
  let count = 0;
  for (let i = source.indexOf('?'); i !== -1; i = source.indexOf('?', i + 1)) count++;
  return count;
}

interface Kept {
  statement: SqliteDatabase.Statement;
  /** Used since it was kept or last passed over for eviction (a "second chance", see below). */
  used: boolean;
}

/**
 * Which statement leaves when the cache is full: the oldest one not used since it was kept or
 * last passed over; used ones passed over go to the back (the CLOCK approximation of least
 * recently used). A hit then only sets a flag: moving the entry to the back of the Map on every
 * hit (true LRU) was ≈ 0.7 % of a deprovisioning PATCH's CPU, about ten statements per PATCH.
 */
function evictOne(cache: Map<string, Kept>): void {
  // Ends within one pass: every entry passed over loses its flag.
  for (const [source, kept] of cache) {
    cache.delete(source);
    if (!kept.used) return;
    kept.used = false;
    cache.set(source, kept);
  }
}

export function cachePreparedStatements(db: SqliteDatabase.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase.Database {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Kept>();
  db.prepare = ((source: string) => {
    const kept = cache.get(source);
    if (kept) {
      kept.used = true;
      return kept.statement;
    }
    const statement = prepare(source);
    // Kysely's SQLite compiler writes every value as a `?` placeholder.
    if (!worthKeepingPrepared(countPlaceholders(source))) return statement;
    if (cache.size >= size) evictOne(cache);
    cache.set(source, { statement, used: false });
    return statement;
  }) as typeof db.prepare;
  return db;
}
