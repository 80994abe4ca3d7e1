import { sql, type Kysely } from 'kysely';
import { sequenceColumn } from './sequenceColumn.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const seq = sequenceColumn(db);
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scim_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('previous_secret_hash', 'text')
    .addColumn('previous_secret_expires_at', 'text')
    .addColumn('detected_provider', 'text')
    .addColumn('last_request_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  // Connection names are unique among an org's live connections, ignoring case.
  await sql`CREATE UNIQUE INDEX scim_connections_org_name ON scim_connections (org_id, lower(name)) WHERE deleted_at IS NULL`.execute(db);

  await db.schema
    .createTable('scim_users')
    .addColumn('seq', seq.type, seq.build)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('scim_connections.id'))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_name_lower', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('display_name', 'text')
    .addColumn('active', 'integer')
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  // The database, not the application, guarantees one userName per connection (RFC 7643 §4.1).
  // Deleted users stay as rows (the org keeps the record of who the directory removed), so the
  // guarantee covers live rows only and a directory may create the same userName again.
  await sql`CREATE UNIQUE INDEX scim_users_user_name ON scim_users (connection_id, user_name_lower) WHERE deleted_at IS NULL`.execute(db);
  await db.schema.createIndex('scim_users_external_id').on('scim_users').columns(['connection_id', 'external_id']).execute();
  await db.schema.createIndex('scim_users_connection_seq').on('scim_users').columns(['connection_id', 'seq']).execute();

  await db.schema
    .createTable('scim_groups')
    .addColumn('seq', seq.type, seq.build)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('scim_connections.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('display_name_lower', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  await sql`CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups (connection_id, display_name_lower) WHERE deleted_at IS NULL`.execute(
    db,
  );
  await db.schema.createIndex('scim_groups_external_id').on('scim_groups').columns(['connection_id', 'external_id']).execute();
  await db.schema.createIndex('scim_groups_connection_seq').on('scim_groups').columns(['connection_id', 'seq']).execute();

  await db.schema
    .createTable('scim_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('scim_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('scim_users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('scim_group_members_user').on('scim_group_members').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['scim_group_members', 'scim_groups', 'scim_users', 'scim_connections', 'orgs']) {
    await db.schema.dropTable(table).execute();
  }
}
