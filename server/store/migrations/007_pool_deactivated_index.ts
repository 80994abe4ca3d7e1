import { sql, type Kysely } from 'kysely';

/**
 * The pool's "Deactivated" filter (`server/domain/pool.ts`) lists and counts the users a directory
 * deactivated or deleted, a few percent of a connection. No index held `active`, so the filter read
 * every user of the connection from the table to test it (~150–200 ms at 100,000 users). A partial
 * index over just those users answers the page and the count, in `seq` order. Its predicate is
 * the pool's own definition of "deactivated", written the same way in the query, which is what lets
 * SQLite and PostgreSQL use a partial index. Both databases support partial indexes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX scim_users_deactivated_seq ON scim_users (connection_id, seq) WHERE active = 0 OR deleted_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX scim_users_deactivated_seq`.execute(db);
}
