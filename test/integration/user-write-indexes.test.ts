/**
 * Every index on `scim_users` is paid for by every create (an Entra initial sync writes 100,000
 * users): each one here must be one some query needs, with that query named. An index added
 * without a reader, or one left behind when its query goes, fails this test. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../../server/store/database.js';
import { isPostgresStore } from '../../server/store/postgres.js';
import { openTestStore } from '../support/testDatabase.js';

/** Index → the query it serves. */
const NEEDED_SQLITE: Record<string, string> = {
  sqlite_autoindex_scim_users_1: 'id unique: GET/PUT/PATCH/DELETE by id, group members, pool entries',
  scim_users_user_name: 'userName uniqueness (409) and the userName eq filter before every create',
  scim_users_external_id: 'the externalId eq filter',
  scim_users_connection_seq_search: 'pool pages and short pool searches (migration 004)',
  scim_users_live_seq: 'SCIM list pages and their totals (migration 005)',
  scim_users_deactivated_seq: "the pool's Deactivated filter (migration 007)",
};
const NEEDED_POSTGRES: Record<string, string> = {
  scim_users_pkey: 'seq, the row identity',
  scim_users_id_key: 'id unique: GET/PUT/PATCH/DELETE by id, group members, pool entries',
  scim_users_user_name: 'userName uniqueness (409) and the userName eq filter before every create',
  scim_users_external_id: 'the externalId eq filter',
  scim_users_connection_seq: 'pool pages in seq order',
  scim_users_search_trgm: 'pool search (pg_trgm)',
  scim_users_live_seq: 'SCIM list pages and their totals (migration 005)',
  scim_users_deactivated_seq: "the pool's Deactivated filter (migration 007)",
};

let db: Store;
let closeStore: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ db, close: closeStore } = await openTestStore());
});

afterAll(async () => {
  await closeStore?.();
});

async function indexesOfUsers(): Promise<string[]> {
  const { rows } = isPostgresStore(db)
    ? await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'scim_users'`.execute(db)
    : await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'scim_users'`.execute(db);
  return rows.map((r) => r.name).sort();
}

describe('scim_users indexes (each costs every create)', () => {
  it('are exactly those a query needs; the unused (connection_id, email) index is gone', async () => {
    const needed = isPostgresStore(db) ? NEEDED_POSTGRES : NEEDED_SQLITE;
    expect(await indexesOfUsers()).toEqual(Object.keys(needed).sort());
  });
});
