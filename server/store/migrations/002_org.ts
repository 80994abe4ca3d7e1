import { sql, type Kysely } from 'kysely';
import { sequenceColumn } from './sequenceColumn.js';

/** The org behind the pool: members, invites, one-time codes, device tokens, audit, alerts, request log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const seq = sequenceColumn(db);
  // Pool columns derived from the directory user, for search and display without parsing JSON.
  await db.schema.alterTable('scim_users').addColumn('email', 'text').execute();
  await db.schema.alterTable('scim_users').addColumn('full_name', 'text').execute();
  await db.schema.alterTable('scim_users').addColumn('search_text', 'text').execute();
  await db.schema.createIndex('scim_users_email').on('scim_users').columns(['connection_id', 'email']).execute();

  await db.schema.alterTable('scim_connections').addColumn('last_error', 'text').execute();
  await db.schema.alterTable('scim_connections').addColumn('last_error_at', 'text').execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scim_user_id', 'text', (c) => c.references('scim_users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('removed_by_type', 'text')
    .addColumn('removed_by_id', 'text')
    .addColumn('removed_by_label', 'text')
    .addColumn('removal_reason', 'text')
    .execute();
  // One active membership per email in an org; removed members stay as history.
  await sql`CREATE UNIQUE INDEX members_org_email ON members (org_id, email_lower) WHERE status = 'active'`.execute(db);
  await db.schema.createIndex('members_scim_user').on('members').column('scim_user_id').execute();
  await db.schema.createIndex('members_org_status').on('members').columns(['org_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('scim_user_id', 'text', (c) => c.references('scim_users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by_member_id', 'text', (c) => c.references('members.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', 'text')
    .addColumn('status_reason', 'text')
    .addColumn('member_id', 'text', (c) => c.references('members.id'))
    .execute();
  await sql`CREATE UNIQUE INDEX invites_pending_email ON invites (org_id, email_lower) WHERE status = 'pending'`.execute(db);
  await db.schema.createIndex('invites_scim_user').on('invites').column('scim_user_id').execute();
  await db.schema.createIndex('invites_org_status').on('invites').columns(['org_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('enrollment_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('device_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('device_tokens_member').on('device_tokens').column('member_id').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', seq.type, seq.build)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('subject_label', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_org').on('audit_events').columns(['org_id', 'seq']).execute();
  await db.schema.createIndex('audit_events_org_kind').on('audit_events').columns(['org_id', 'kind', 'seq']).execute();
  await db.schema.createIndex('audit_events_org_actor').on('audit_events').columns(['org_id', 'actor_id', 'seq']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('dismissed_at', 'text')
    .addColumn('dismissed_by_member_id', 'text')
    .execute();
  await db.schema.createIndex('alerts_org').on('alerts').columns(['org_id', 'dismissed_at', 'created_at']).execute();

  await db.schema
    .createTable('scim_request_log')
    .addColumn('seq', seq.type, seq.build)
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'real', (c) => c.notNull())
    .addColumn('error_detail', 'text')
    .addColumn('body', 'text')
    .execute();
  await db.schema.createIndex('scim_request_log_connection').on('scim_request_log').columns(['connection_id', 'seq']).execute();

  await db.schema
    .createTable('scim_request_stats')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('scim_request_stats_pk', ['connection_id', 'hour'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['scim_request_stats', 'scim_request_log', 'alerts', 'audit_events', 'device_tokens', 'enrollment_codes', 'invites', 'members']) {
    await db.schema.dropTable(table).execute();
  }
}
