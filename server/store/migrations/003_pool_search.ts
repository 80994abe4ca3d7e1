import { sql, type Kysely } from 'kysely';
import { isPostgresStore } from '../postgres.js';

/**
 * Pool search without scanning the directory. A trigram full-text index over the derived
 * `search_text` answers `LIKE '%query%'` for queries of three or more characters (SQLite FTS5,
 * kept in step with `scim_users` by triggers); shorter queries scan a covering index of
 * (connection, order, search text) rather than the table rows with their JSON.
 * See bench/renderer/RESULTS.md for the numbers that motivated it.
 *
 * PostgreSQL: a pg_trgm GIN index on `search_text` serves `LIKE '%query%'` directly (escaped
 * wildcards included) and is kept up to date by the database, so no triggers are needed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgresStore(db)) {
    // pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    await sql`CREATE INDEX scim_users_search_trgm ON scim_users USING gin (search_text gin_trgm_ops)`.execute(db);
    return;
  }
  await sql`CREATE VIRTUAL TABLE scim_users_search USING fts5(search_text, content='scim_users', content_rowid='seq', tokenize='trigram')`.execute(db);
  await sql`CREATE TRIGGER scim_users_search_insert AFTER INSERT ON scim_users BEGIN
    INSERT INTO scim_users_search(rowid, search_text) VALUES (new.seq, new.search_text);
  END`.execute(db);
  await sql`CREATE TRIGGER scim_users_search_delete AFTER DELETE ON scim_users BEGIN
    INSERT INTO scim_users_search(scim_users_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
  END`.execute(db);
  await sql`CREATE TRIGGER scim_users_search_update AFTER UPDATE OF search_text ON scim_users BEGIN
    INSERT INTO scim_users_search(scim_users_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO scim_users_search(rowid, search_text) VALUES (new.seq, new.search_text);
  END`.execute(db);
  await sql`INSERT INTO scim_users_search(scim_users_search) VALUES ('rebuild')`.execute(db);
  await sql`CREATE INDEX scim_users_connection_seq_search ON scim_users (connection_id, seq, search_text)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgresStore(db)) {
    await sql`DROP INDEX scim_users_search_trgm`.execute(db);
    return;
  }
  await sql`DROP INDEX scim_users_connection_seq_search`.execute(db);
  for (const trigger of ['scim_users_search_insert', 'scim_users_search_delete', 'scim_users_search_update']) {
    await sql`DROP TRIGGER ${sql.raw(trigger)}`.execute(db);
  }
  await sql`DROP TABLE scim_users_search`.execute(db);
}
