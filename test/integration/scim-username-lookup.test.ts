/**
 * `GET /Users?filter=userName eq "…"` on a first page (Okta's and Entra's lookup) is read by one
 * statement keyed by the stored lower-cased userName (findUserByUserNameWithGroups) instead of the
 * filter compiler's COUNT + page + groups. Whatever path answers, a directory must read the same:
 * each lookup is compared byte for byte with the same question asked in a form only the compiler
 * answers (`userName eq "x" or userName eq "x"`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient, filterQuery } from '../support/scimClient.js';
import { generatePeople } from '../idp/common.js';
import { OKTA_USER_AGENT, oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { SCIM_GROUP, SCIM_USER } from '../../shared/scim/urns.js';

describe('userName lookups read the same as the filter compiler answers them', () => {
  let server: TestServer;
  let client: ScimClient;
  const people = generatePeople(3);
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const connection = await server.createConnection({ provider: 'okta' });
    client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret, userAgent: OKTA_USER_AGENT });
    for (const person of people) ids.push((await client.post('/Users', oktaCreateUserBody(oktaProfileOf(person)))).body.id as string);
    // Two groups for the first user, created in this order (the order `groups` lists them in).
    for (const name of ['Zeta', 'Alpha']) {
      expect((await client.post('/Groups', { schemas: [SCIM_GROUP], displayName: name, members: [{ value: ids[0] }] })).status).toBe(201);
    }
    // A userName that was deleted and then created again: one deleted row, one live one.
    expect((await client.delete(`/Users/${ids[2]}`)).status).toBe(204);
    expect((await client.post('/Users', oktaCreateUserBody(oktaProfileOf(people[2]!)))).status).toBe(201);
    // Case folding beyond ASCII.
    expect((await client.post('/Users', { schemas: [SCIM_USER], userName: 'ÅSA.Öberg@Example.com' })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
  });

  const compilerOnly = (value: string) => `userName eq ${JSON.stringify(value)} or userName eq ${JSON.stringify(value)}`;

  it.each([
    ['a user in two groups', () => people[0]!.email],
    ['another case', () => people[0]!.email.toUpperCase()],
    ['a user with no group', () => people[1]!.email],
    ['a userName deleted and created again', () => people[2]!.email],
    ['non-ASCII case', () => 'åsa.öberg@example.COM'],
    ['no such user', () => 'nobody@example.com'],
    ['the empty string', () => ''],
  ])('%s', async (_what, value) => {
    const userName = value();
    for (const paging of ['', '&startIndex=1&count=100', '&count=1']) {
      const lookup = await client.get(`/Users?${filterQuery(`userName eq ${JSON.stringify(userName)}`)}${paging}`);
      const compiled = await client.get(`/Users?${filterQuery(compilerOnly(userName))}${paging}`);
      expect(lookup.status, lookup.text).toBe(200);
      expect(lookup.text).toBe(compiled.text);
      expect(lookup.headers.get('content-type')).toBe(compiled.headers.get('content-type'));
    }
    const { body } = await client.get(`/Users?${filterQuery(`userName eq ${JSON.stringify(userName)}`)}`);
    expect(body.totalResults).toBe(body.Resources.length);
    if (userName.toLowerCase() === people[0]!.email.toLowerCase()) {
      expect(body.Resources[0].groups.map((g: { display: string }) => g.display)).toEqual(['Zeta', 'Alpha']);
    }
  });

  it('pages other than the first and other filter forms still answer (through the compiler)', async () => {
    const email = people[1]!.email;
    const second = await client.get(`/Users?${filterQuery(`userName eq "${email}"`)}&startIndex=2`);
    expect(second.body).toMatchObject({ totalResults: 1, startIndex: 2, itemsPerPage: 0, Resources: [] });
    const none = await client.get(`/Users?${filterQuery(`userName eq "${email}"`)}&count=0`);
    expect(none.body).toMatchObject({ totalResults: 1, itemsPerPage: 0 });
    const qualified = await client.get(`/Users?${filterQuery(`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "${email}"`)}`);
    expect(qualified.body).toMatchObject({ totalResults: 1, Resources: [{ id: ids[1] }] });
  });
});
