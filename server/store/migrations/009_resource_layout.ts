import { sql, type Kysely } from 'kysely';

/**
 * `resource_layout` on both resource tables: set by the writer when it stored `resource` as the
 * text that whole-resource reads splice into their answer instead of parsing and re-serialising it
 * (server/scim/resource/spliceableText.ts says what the number holds). NULL, as every row written
 * before this migration has, means "not known to be in that layout": those rows are read the
 * object way until their next write marks them. A plain nullable integer on both databases.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE scim_users ADD COLUMN resource_layout integer`.execute(db);
  await sql`ALTER TABLE scim_groups ADD COLUMN resource_layout integer`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE scim_groups DROP COLUMN resource_layout`.execute(db);
  await sql`ALTER TABLE scim_users DROP COLUMN resource_layout`.execute(db);
}
