import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * SQLite only: drop the narrow (connection_id, seq) index, which the covering
 * (connection_id, seq, search_text) index of migration 003 serves in full. With both present the
 * planner picks the narrow one for a short pool search's page (`search_text LIKE '%ad%' ORDER BY
 * seq`) and reads every table row, JSON and all, to test the pattern: a two-letter search with
 * few matches took ~200 ms at 100,000 users instead of ~20 ms from the covering index.
 * PostgreSQL keeps it: it has no covering index (pg_trgm answers searches there).
 */
const isSqlite = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof SqliteAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) await sql`DROP INDEX IF EXISTS scim_users_connection_seq`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) await sql`CREATE INDEX IF NOT EXISTS scim_users_connection_seq ON scim_users (connection_id, seq)`.execute(db);
}
