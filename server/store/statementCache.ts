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
    cache.set(source, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return statement;
  }) as typeof db.prepare;
  return db;
}
