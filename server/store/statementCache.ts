/**
 * better-sqlite3 compiles SQL text into a statement on every `prepare`, and Kysely's SQLite driver
 * prepares every query it runs, so each request paid for compiling the same few statements again
 * (a tenth of a GET's CPU). This keeps prepared statements by their SQL text, least recently used
 * first out. Safe because the store has one connection whose queries Kysely runs one at a time,
 * and the only statement state Kysely relies on (bound parameters) is passed anew on every run;
 * SQLite itself re-prepares a cached statement when a migration changed the schema under it.
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

export function cachePreparedStatements(db: SqliteDatabase.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase.Database {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, SqliteDatabase.Statement>();
  db.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached) {
      // Re-insert to mark it most recently used (a Map iterates in insertion order).
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = prepare(source);
    // Kysely's SQLite compiler writes every value as a `?` placeholder.
    if (!worthKeepingPrepared(countPlaceholders(source))) return statement;
    cache.set(source, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return statement;
  }) as typeof db.prepare;
  return db;
}
