/**
 * Pool search is answered from indexes, never by reading every directory user's row: the trigram
 * index for queries of three or more characters, kept in step with every directory write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { listPool } from '../../server/domain/pool.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

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
  orgId = (await server.db.selectFrom('scim_connections').select('org_id').where('id', '=', connectionId).executeTakeFirstOrThrow()).org_id;
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

describe('pool search', () => {
  it('finds by any part of name, email or userName, ignoring case, with the trigram index', async () => {
    expect(await search('LOVELACE')).toEqual(['ada@search.example']);
    expect(await search('ada lov')).toEqual(['ada@search.example']);
    expect(await search('search.example')).toHaveLength(3);
    expect(await search('al')).toEqual(['alan@search.example']);
    const plan = await sql<{ detail: string }>`explain query plan select rowid from scim_users_search where search_text like ${'%lovelace%'}`.execute(server.db);
    expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/VIRTUAL TABLE INDEX/);
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
