import { sql, type Kysely } from 'kysely';

/**
 * Every SCIM write of a user looks up the org member and the pending invites linked to that
 * directory user (`org_id = ? AND scim_user_id = ? AND status = ?`). SQLite, without statistics,
 * preferred the (org_id, status, …) indexes for that and walked every active member and every
 * pending invite of the org on each write: 5,000 members in a 100,000-user directory made each
 * write pay for all of them. Indexes led by the directory user, with org and status after it,
 * are the better match by the planner's own rules; they replace the single-column ones they extend.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX members_scim_user_org ON members (scim_user_id, org_id, status)`.execute(db);
  await sql`DROP INDEX members_scim_user`.execute(db);
  await sql`CREATE INDEX invites_scim_user_org ON invites (scim_user_id, org_id, status)`.execute(db);
  await sql`DROP INDEX invites_scim_user`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX invites_scim_user ON invites (scim_user_id)`.execute(db);
  await sql`DROP INDEX invites_scim_user_org`.execute(db);
  await sql`CREATE INDEX members_scim_user ON members (scim_user_id)`.execute(db);
  await sql`DROP INDEX members_scim_user_org`.execute(db);
}
