import { sql, type Kysely } from 'kysely';

/**
 * Drops `scim_users_email` (connection_id, email) from migration 002. No query looks directory users
 * up by that column: the pool reads `email` for display only and searches `search_text`; SCIM
 * filters on `emails` read the JSON. Yet every create paid for it: an insert at a random place in
 * the index, about one more WAL page per create (12.2 → 11.1 pages per Entra create on a
 * 100,000-user store, 4 creates per commit; see bench/RESULTS.md). Both databases had it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS scim_users_email`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS scim_users_email ON scim_users (connection_id, email)`.execute(db);
}
