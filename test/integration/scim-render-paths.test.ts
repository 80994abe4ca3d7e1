/**
 * Reads without `attributes`/`excludedAttributes` are rendered straight to JSON text
 * (server/scim/resource/renderJson.ts); reads with a projection go through the object path. A
 * projection that removes nothing (`excludedAttributes` naming an attribute the type does not
 * have) must therefore answer exactly the same bytes and Content-Type: what Okta and Entra read
 * back does not depend on which path served it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { generatePeople } from '../idp/common.js';
import { OKTA_USER_AGENT, oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { ENTRA_USER_AGENT, entraCreateUserBody } from '../idp/entra.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP } from '../../shared/scim/urns.js';

/** Names no attribute: the object path runs, and removes nothing. */
const NO_OP_PROJECTION = 'excludedAttributes=notAnAttribute';

describe.each([
  { provider: 'okta' as const, userAgent: OKTA_USER_AGENT, body: (i: number) => oktaCreateUserBody(oktaProfileOf(generatePeople(6)[i]!)) },
  { provider: 'azure-ad' as const, userAgent: ENTRA_USER_AGENT, body: (i: number) => entraCreateUserBody(generatePeople(6)[i]!) },
])('$provider users read back the same whichever render path serves them', ({ provider, userAgent, body }) => {
  let server: TestServer;
  let client: ScimClient;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const connection = await server.createConnection({ provider });
    client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret, userAgent });
    for (let i = 0; i < 6; i++) {
      const created = await client.post('/Users', body(i));
      expect(created.status).toBe(201);
      ids.push(created.body.id as string);
    }
    // Groups, so users carry `groups` (one user in two groups, one in none).
    for (const [name, members] of [['Engineering', ids.slice(0, 3)], ['Admins', [ids[0]!, ids[4]!]]] as const) {
      const group = await client.post('/Groups', { schemas: [SCIM_GROUP], displayName: name, members: members.map((value) => ({ value })) });
      expect(group.status).toBe(201);
    }
    // A written user (version 2, lastModified moved), so meta is not just the create's.
    expect((await client.patch(`/Users/${ids[1]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('GET /Users/{id}: same bytes and Content-Type with and without a no-op projection', async () => {
    for (const id of ids) {
      const plain = await client.get(`/Users/${id}`);
      const projected = await client.get(`/Users/${id}?${NO_OP_PROJECTION}`);
      expect(plain.status).toBe(200);
      expect(plain.text).toBe(projected.text);
      expect(plain.headers.get('content-type')).toBe(projected.headers.get('content-type'));
      expect(plain.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    }
    const first = (await client.get(`/Users/${ids[0]}`)).body;
    expect(first.groups.map((g: { display: string }) => g.display)).toEqual(['Engineering', 'Admins']);
    expect(first.meta).toMatchObject({ resourceType: 'User', location: `${client.endpointBaseUrl}/Users/${ids[0]}`, version: 'W/"1"' });
    expect((await client.get(`/Users/${ids[1]}`)).body.meta.version).toBe('W/"2"');
    if (provider === 'azure-ad') expect(first[SCIM_ENTERPRISE_USER]).toHaveProperty('department');
  });

  it('GET /Users pages and filters: same bytes with and without a no-op projection', async () => {
    for (const query of ['startIndex=1&count=4', 'startIndex=5&count=4', 'startIndex=50&count=4', 'count=0', `filter=${encodeURIComponent(`userName eq "${generatePeople(6)[2]!.userName}"`)}`]) {
      const plain = await client.get(`/Users?${query}`);
      const projected = await client.get(`/Users?${query}&${NO_OP_PROJECTION}`);
      expect(plain.status).toBe(200);
      expect(plain.text).toBe(projected.text);
      expect(plain.headers.get('content-type')).toBe(projected.headers.get('content-type'));
    }
    const page = (await client.get('/Users?startIndex=1&count=100')).body;
    expect(page.totalResults).toBe(6);
    expect(page.Resources.map((r: { id: string }) => r.id)).toEqual(ids);
  });

  it('PUT and PATCH of a User answer the bytes a GET then reads, and the same as with a no-op projection', async () => {
    const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
    const title = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Staff Engineer' }] };
    const patched = await client.patch(`/Users/${ids[0]}`, title);
    expect(patched.status).toBe(200);
    expect(patched.text).toBe((await client.get(`/Users/${ids[0]}`)).text);
    expect(patched.headers.get('content-type')).toBe((await client.get(`/Users/${ids[0]}`)).headers.get('content-type'));
    expect(patched.body.groups.map((g: { display: string }) => g.display)).toEqual(['Engineering', 'Admins']);
    // Repeated: nothing changes, the same bytes again; with a projection that removes nothing, too.
    expect((await client.patch(`/Users/${ids[0]}`, title)).text).toBe(patched.text);
    expect((await client.patch(`/Users/${ids[0]}?${NO_OP_PROJECTION}`, title)).text).toBe(patched.text);

    const { meta: _meta, groups: _groups, ...stored } = patched.body;
    const put = await client.put(`/Users/${ids[0]}`, { ...stored, displayName: 'Renamed Person' });
    expect(put.status).toBe(200);
    expect(put.text).toBe((await client.get(`/Users/${ids[0]}`)).text);
    expect(put.headers.get('content-type')).toBe(patched.headers.get('content-type'));
    expect((await client.put(`/Users/${ids[0]}?${NO_OP_PROJECTION}`, { ...stored, displayName: 'Renamed Person' })).text).toBe(put.text);
  });

  it('POST /Users answers the bytes a GET then reads, and the same as with a no-op projection', async () => {
    const plain = await client.post('/Users', { ...body(0), userName: `posted.${provider}@example.com`, externalId: `posted-${provider}` });
    expect(plain.status).toBe(201);
    expect(plain.headers.get('location')).toBe(`${client.endpointBaseUrl}/Users/${plain.body.id}`);
    const read = await client.get(`/Users/${plain.body.id}`);
    expect(plain.text).toBe(read.text);
    expect(plain.headers.get('content-type')).toBe(read.headers.get('content-type'));
    const projected = await client.post(`/Users?${NO_OP_PROJECTION}`, { ...body(0), userName: `projected.${provider}@example.com`, externalId: `projected-${provider}` });
    expect(projected.status).toBe(201);
    expect(projected.text).toBe((await client.get(`/Users/${projected.body.id}`)).text);
    expect(projected.headers.get('content-type')).toBe(plain.headers.get('content-type'));
    await client.delete(`/Users/${plain.body.id}`);
    await client.delete(`/Users/${projected.body.id}`);
  });

  it('GET /Groups pages: same bytes with and without a no-op projection', async () => {
    const plain = await client.get('/Groups');
    expect(plain.text).toBe((await client.get(`/Groups?${NO_OP_PROJECTION}`)).text);
    expect(plain.body.Resources.map((g: { members?: unknown[] }) => g.members?.length)).toEqual([3, 2]);
  });
});
