/**
 * Client input never causes a 500: random JSON bodies shaped like SCIM requests (right and wrong
 * schemas, known attribute names with values of any type, PATCH operations with real and garbage
 * paths) against the real server.
 */
import { it, expect } from 'vitest';
import fc from 'fast-check';
import { startTestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';

it('random SCIM bodies (POST, PUT, PATCH of Users and Groups) never get a 5xx', async () => {
  const server = await startTestServer();
  const c = await server.createConnection();
  const client = new ScimClient(c.endpointBaseUrl, { secret: c.authenticationSecret });
  const u = await client.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'fuzz@x.y', emails: [{ value: 'a@b.c', type: 'work' }] });
  const g = await client.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'G', members: [{ value: u.body.id }] });
  const keys = fc.constantFrom('userName', 'active', 'emails', 'name', 'members', 'displayName', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'manager', 'groups', 'id', 'meta', 'phoneNumbers', 'addresses', 'externalId', 'password', 'roles', 'x509Certificates', 'schemas', 'Operations', 'op', 'path', 'value');
  const val = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.boolean(), fc.integer(), fc.constant(null), fc.double(), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(keys, tie('v'), { maxKeys: 4 })),
  })).v;
  const body = fc.record({
    schemas: fc.oneof(fc.constant(['urn:ietf:params:scim:schemas:core:2.0:User']), fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']), fc.constant(['urn:ietf:params:scim:schemas:core:2.0:Group']), val),
    rest: fc.dictionary(keys, val, { maxKeys: 6 }),
    ops: fc.array(fc.record({ op: fc.constantFrom('add', 'Replace', 'remove', 'x', 'ADD'), path: fc.oneof(fc.constantFrom('emails[type eq "work"].value', 'members', 'members[value eq "x"]', 'active', 'name.givenName', 'manager', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'groups', 'id', '', 'emails', 'addresses[type eq "work"].locality'), fc.string()), value: val }), { maxLength: 4 }),
  });
  const bad: string[] = [];
  await fc.assert(
    fc.asyncProperty(body, fc.constantFrom('POST /Users', 'PUT /Users/ID', 'PATCH /Users/ID', 'POST /Groups', 'PUT /Groups/GID', 'PATCH /Groups/GID'), async (b, route) => {
      const [method, p] = route.split(' ') as [string, string];
      const payload: any = { schemas: b.schemas, ...b.rest };
      if (method === 'PATCH') payload.Operations = b.ops;
      const r = await client.request(method, p.replace('GID', g.body.id).replace('ID', u.body.id), payload);
      if (r.status >= 500) bad.push(`${route} ${JSON.stringify(payload).slice(0, 300)} → ${r.status} ${r.text.slice(0, 200)}`);
      return r.status < 500;
    }),
    { numRuns: 400 },
  ).catch((error) => {
    // A 5xx is reported below with its request; anything else (a network error) is rethrown.
    if (bad.length === 0) throw error;
  });

  expect(bad).toEqual([]);
  await server.close();
}, 120000);
