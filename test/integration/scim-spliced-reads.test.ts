/**
 * Whole-resource reads (no `attributes`/`excludedAttributes`) of a row whose writer stored it in
 * the splice layout answer by splicing the stored text (server/scim/resource/spliceableText.ts);
 * other rows (written before migration 009) are parsed and rendered. Both must answer the bytes
 * the object path answers (a projection that removes nothing), on SQLite and PostgreSQL, and every
 * SCIM write must store the layout: a writer that forgot would leave its rows unmarked (slow) or,
 * worse, marked with a text in another order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient, filterQuery } from '../support/scimClient.js';
import { generatePeople } from '../idp/common.js';
import { OKTA_USER_AGENT, oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { ENTRA_USER_AGENT, entraCreateUserBody } from '../idp/entra.js';
import { storedResourceColumns, type ResourceTable } from '../../server/store/scimResources.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP } from '../../shared/scim/urns.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Names no attribute: the object path runs, and removes nothing. */
const NO_OP_PROJECTION = 'excludedAttributes=notAnAttribute';
const ODD = 'Zoë "Z" \\ } { ], 😀 \u2028';

let server: TestServer;
let okta: ScimClient;
let entra: ScimClient;

beforeAll(async () => {
  server = await startTestServer();
  const oktaConnection = await server.createConnection({ provider: 'okta', name: 'Okta' });
  okta = new ScimClient(oktaConnection.endpointBaseUrl, { secret: oktaConnection.authenticationSecret, userAgent: OKTA_USER_AGENT });
  const entraConnection = await server.createConnection({ provider: 'azure-ad', name: 'Entra' });
  entra = new ScimClient(entraConnection.endpointBaseUrl, { secret: entraConnection.authenticationSecret, userAgent: ENTRA_USER_AGENT });
});
afterAll(async () => {
  await server?.close();
});

async function storedRow(table: ResourceTable, id: string): Promise<{ resource: string; resource_layout: number | null }> {
  return server.db.selectFrom(table).select(['resource', 'resource_layout']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** The row holds the text the store's writer makes of its resource, marked spliceable. */
async function expectStoredSpliceable(table: ResourceTable, id: string): Promise<void> {
  const row = await storedRow(table, id);
  expect(row.resource_layout, `${table} ${id} is marked spliceable`).not.toBeNull();
  expect(row).toEqual(storedResourceColumns[table](JSON.parse(row.resource) as Record<string, unknown>));
}

/** The same bytes and Content-Type with and without a projection that removes nothing. */
async function expectSameAsObjectPath(client: ScimClient, pathAndQuery: string): Promise<string> {
  const plain = await client.get(pathAndQuery);
  const projected = await client.get(`${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}${NO_OP_PROJECTION}`);
  expect(plain.status).toBe(200);
  expect(plain.text).toBe(projected.text);
  expect(plain.headers.get('content-type')).toBe(projected.headers.get('content-type'));
  return plain.text;
}

/** What a writer before migration 009 left: the resource's keys in another order, no layout. */
async function rewriteAsBeforeMigration009(table: ResourceTable, id: string): Promise<void> {
  const { resource } = await storedRow(table, id);
  const reversed = Object.fromEntries(Object.entries(JSON.parse(resource) as Record<string, unknown>).reverse());
  await server.db.updateTable(table).set({ resource: JSON.stringify(reversed), resource_layout: null }).where('id', '=', id).execute();
  expect((await storedRow(table, id)).resource).not.toBe(resource);
}

describe('whole-resource reads spliced from the stored text', () => {
  it('every SCIM write of a User or a Group stores the splice layout, and reads answer the object path bytes', async () => {
    const [ada, grace] = generatePeople(2);
    const oktaUser = (await okta.post('/Users', oktaCreateUserBody(oktaProfileOf(ada!)))).body.id as string;
    const entraUser = (await entra.post('/Users', entraCreateUserBody(grace!))).body.id as string;
    const group = await entra.post('/Groups', { schemas: [SCIM_GROUP], displayName: 'Engineering', externalId: 'eng', members: [{ value: entraUser }] });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    for (const [table, id] of [['scim_users', oktaUser], ['scim_users', entraUser], ['scim_groups', groupId]] as const) await expectStoredSpliceable(table, id);

    // PATCH adds attributes at either side of `groups` and into the extension.
    const patched = await entra.patch(`/Users/${entraUser}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'add', path: 'nickName', value: 'G' },
        { op: 'add', path: 'roles', value: [{ value: 'admin' }] },
        { op: 'replace', path: `${SCIM_ENTERPRISE_USER}:costCenter`, value: 'CC-1' },
      ],
    });
    expect(patched.status).toBe(200);
    await expectStoredSpliceable('scim_users', entraUser);
    expect(patched.text).toBe(await expectSameAsObjectPath(entra, `/Users/${entraUser}`));
    expect(patched.body.groups.map((g: { display: string }) => g.display)).toEqual(['Engineering']);
    expect(Object.keys(patched.body).indexOf('roles')).toBe(Object.keys(patched.body).indexOf('groups') + 1);

    const { meta: _meta, groups: _groups, id: _id, ...body } = (await okta.get(`/Users/${oktaUser}`)).body;
    expect((await okta.put(`/Users/${oktaUser}`, { ...body, title: 'Engineer', entitlements: [{ value: 'e1' }] })).status).toBe(200);
    await expectStoredSpliceable('scim_users', oktaUser);

    expect((await entra.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Engineers' }] })).status).toBe(200);
    await expectStoredSpliceable('scim_groups', groupId);
    expect((await entra.put(`/Groups/${groupId}`, { schemas: [SCIM_GROUP], displayName: 'Engineering', members: [{ value: entraUser }] })).status).toBe(200);
    await expectStoredSpliceable('scim_groups', groupId);

    await expectSameAsObjectPath(okta, `/Users/${oktaUser}`);
    await expectSameAsObjectPath(entra, '/Users?startIndex=1&count=10');
    await expectSameAsObjectPath(entra, `/Users?${filterQuery(`userName eq "${grace!.userName}"`)}`);
    const groups = await expectSameAsObjectPath(entra, '/Groups');
    expect(JSON.parse(groups).Resources[0].members).toHaveLength(1);
  });

  it('keeps values with quotes, backslashes, braces and non-ASCII exact in every whole read', async () => {
    const person = generatePeople(3)[2]!;
    const body = entraCreateUserBody(person);
    const created = await entra.post('/Users', {
      ...body,
      userName: `odd.${person.userName}`,
      externalId: ODD,
      displayName: `"groups":[] ${ODD}`,
      name: { givenName: ODD, familyName: '}' },
      [SCIM_ENTERPRISE_USER]: { department: ODD, manager: { value: '}"' } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const group = await entra.post('/Groups', { schemas: [SCIM_GROUP], displayName: `Odd ${ODD}`, members: [{ value: id }] });
    expect(group.status).toBe(201);
    await expectStoredSpliceable('scim_users', id);

    const read = JSON.parse(await expectSameAsObjectPath(entra, `/Users/${id}`));
    expect(read).toMatchObject({ externalId: ODD, name: { givenName: ODD, familyName: '}' }, groups: [{ display: `Odd ${ODD}` }] });
    expect(read[SCIM_ENTERPRISE_USER]).toEqual({ department: ODD, manager: { value: '}"' } });
    await expectSameAsObjectPath(entra, `/Users?${filterQuery(`userName eq "odd.${person.userName}"`)}`);
    await expectSameAsObjectPath(entra, '/Users?startIndex=1&count=50');
    await expectSameAsObjectPath(entra, '/Groups');
  });

  it('rows written before migration 009 (no layout, keys in another order) read the same, and their next write marks them', async () => {
    const [person] = generatePeople(5).slice(4);
    const user = (await entra.post('/Users', { ...entraCreateUserBody(person!), userName: `old.${person!.userName}` })).body.id as string;
    const group = (await entra.post('/Groups', { schemas: [SCIM_GROUP], displayName: 'Old rows', externalId: 'old-rows', members: [{ value: user }] })).body.id as string;
    const before = { user: (await entra.get(`/Users/${user}`)).text, group: (await entra.get(`/Groups/${group}`)).text };

    await rewriteAsBeforeMigration009('scim_users', user);
    await rewriteAsBeforeMigration009('scim_groups', group);
    expect(await expectSameAsObjectPath(entra, `/Users/${user}`)).toBe(before.user);
    expect(await expectSameAsObjectPath(entra, `/Groups/${group}`)).toBe(before.group);
    await expectSameAsObjectPath(entra, '/Users?startIndex=1&count=50');
    await expectSameAsObjectPath(entra, '/Groups');

    const patched = await entra.patch(`/Users/${user}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(patched.status).toBe(200);
    await expectStoredSpliceable('scim_users', user);
    expect(patched.text).toBe(await expectSameAsObjectPath(entra, `/Users/${user}`));
    expect(patched.body.active).toBe(false);
    expect((await entra.patch(`/Groups/${group}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Old rows, renamed' }] })).status).toBe(200);
    await expectStoredSpliceable('scim_groups', group);
    expect(JSON.parse(await expectSameAsObjectPath(entra, `/Groups/${group}`)).members).toHaveLength(1);
  });
});
