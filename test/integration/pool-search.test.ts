/**
 * Pool search is answered from indexes, never by reading every directory user's row: the trigram
 * index for queries of three or more characters, kept in step with every directory write
 * (SQLite: FTS5 trigram table; PostgreSQL: pg_trgm GIN index).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { listPool } from '../../server/domain/pool.js';
import { isPostgresStore } from '../../server/store/postgres.js';
import { SCIM_PATCH_OP as PATCH, SCIM_USER as USER } from '../../shared/scim/urns.js';


let server: TestServer;
let scim: ScimClient;
let connectionId: string;
let orgId: string;

const search = async (text: string) =>
  (await listPool(server.db, orgId, connectionId, { search: text, page: 1, pageSize: 50 }, new Date().toISOString())).items.map((e) => e.userName);

beforeAll(async () => {
  server = await startTestServer();
  const connection = await server.createConnection({ org: 'Search Org' });
  connectionId = connection.connectionId;
  orgId = await server.orgIdOf(connectionId);
  scim = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
  for (const [userName, given, family] of [
    ['ada@search.example', 'Ada', 'Lovelace'],
    ['grace@search.example', 'Grace', 'Hopper'],
    ['alan@search.example', 'Alan', 'Turing'],
  ]) {
    expect((await scim.post('/Users', { schemas: [USER], userName, name: { givenName: given, familyName: family } })).status).toBe(201);
  }
});
afterAll(async () => server.close());

/** How the database answers a pool search pattern: SQLite's FTS5 table, PostgreSQL's pg_trgm index. */
async function searchPlan(pattern: string): Promise<string> {
  if (!isPostgresStore(server.db)) {
    const plan = await sql<{ detail: string }>`explain query plan select rowid from scim_users_search where search_text like ${pattern}`.execute(server.db);
    return plan.rows.map((r) => r.detail).join(' ');
  }
  // Three rows are cheaper to scan than any index; forbid the scan to see whether the index can answer.
  return server.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select seq from scim_users where search_text like ${pattern}`.execute(trx);
    return plan.rows.map((r) => r['QUERY PLAN']).join(' ');
  });
}

describe('pool search', () => {
  it('finds by any part of name, email or userName, ignoring case, with the trigram index', async () => {
    expect(await search('LOVELACE')).toEqual(['ada@search.example']);
    expect(await search('ada lov')).toEqual(['ada@search.example']);
    expect(await search('search.example')).toHaveLength(3);
    expect(await search('al')).toEqual(['alan@search.example']);
    expect(await searchPlan('%lovelace%')).toMatch(isPostgresStore(server.db) ? /scim_users_search_trgm/ : /VIRTUAL TABLE INDEX/);
  });

  it('follows renames and deletions from the directory', async () => {
    const ada = (await scim.get(`/Users?filter=${encodeURIComponent('userName eq "ada@search.example"')}`)).body.Resources[0];
    await scim.patch(`/Users/${ada.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'name.familyName', value: 'King' }] });
    expect(await search('lovelace')).toEqual([]);
    expect(await search('ada king')).toEqual(['ada@search.example']);
    // A deleted directory user stays in the pool (deactivated), still findable by name.
    await scim.delete(`/Users/${ada.id}`);
    expect(await search('ada king')).toEqual(['ada@search.example']);
  });
});
