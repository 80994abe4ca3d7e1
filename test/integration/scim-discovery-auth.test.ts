/**
 * Discovery documents and per-connection bearer authentication, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { deleteConnection, rotateConnectionSecret } from '../../server/domain/connections.js';
import type { ConnectionWithSecret } from '../../server/domain/connections.js';

let server: TestServer;
let now = Date.parse('2026-11-29T12:00:00Z');

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
});
afterAll(async () => server.close());

const client = (c: ConnectionWithSecret, secret: string | null = c.authenticationSecret, userAgent?: string) =>
  new ScimClient(c.endpointBaseUrl, { secret, ...(userAgent ? { userAgent } : {}) });

describe('discovery', () => {
  it('ServiceProviderConfig says what is supported and what is not, with paging limits', async () => {
    const connection = await server.createConnection();
    const response = await client(connection).get('/ServiceProviderConfig');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(response.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      'urn:scim-directory-sync:params:scim:extension:2.0:Paging': { defaultCount: 100, maxCount: 1000 },
      meta: { location: `${connection.endpointBaseUrl}/ServiceProviderConfig` },
    });
  });

  it('ResourceTypes lists User (with the enterprise extension) and Group', async () => {
    const connection = await server.createConnection();
    const list = await client(connection).get('/ResourceTypes');
    expect(list.body.totalResults).toBe(2);
    expect(list.body.Resources.map((r: any) => r.id)).toEqual(['User', 'Group']);
    const user = await client(connection).get('/ResourceTypes/User');
    expect(user.body).toMatchObject({
      endpoint: '/Users',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }],
    });
    expect((await client(connection).get('/ResourceTypes/Device')).status).toBe(404);
  });

  it('Schemas describe every attribute, and one schema is readable by its URN', async () => {
    const connection = await server.createConnection();
    const list = await client(connection).get('/Schemas');
    expect(list.body.Resources.map((s: any) => s.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    const user = await client(connection).get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    const userName = user.body.attributes.find((a: any) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });
    const password = user.body.attributes.find((a: any) => a.name === 'password');
    expect(password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect((await client(connection).get('/Schemas/urn:example:nope')).status).toBe(404);
  });
});

describe('bearer authentication per connection', () => {
  it('refuses a missing, malformed or wrong secret with 401 and a SCIM error body', async () => {
    const connection = await server.createConnection();
    for (const secret of [null, 'wrong-secret-wrong-secret']) {
      const response = await client(connection, secret).get('/Users');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    }
    const basic = await new ScimClient(connection.endpointBaseUrl, { secret: null }).request('GET', '/Users', undefined, {
      headers: { Authorization: `Basic ${Buffer.from(`x:${connection.authenticationSecret}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
  });

  it('once a secret was accepted, near misses of it are still refused (the remembered secret is compared whole)', async () => {
    const connection = await server.createConnection();
    const secret = connection.authenticationSecret;
    expect((await client(connection).get('/Users')).status).toBe(200);
    const lastChanged = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    const firstChanged = (secret.startsWith('A') ? 'B' : 'A') + secret.slice(1);
    for (const nearMiss of [lastChanged, firstChanged, secret.slice(0, -1), `${secret}x`, `${secret}${secret}`]) {
      expect((await client(connection, nearMiss).get('/Users')).status).toBe(401);
    }
    expect((await client(connection).get('/Users')).status).toBe(200);
  });

  it("refuses another connection's secret", async () => {
    const first = await server.createConnection();
    const second = await server.createConnection();
    const response = await client(first, second.authenticationSecret).get('/Users');
    expect(response.status).toBe(401);
    expect((await client(second).get('/Users')).status).toBe(200);
  });

  it('answers 401, not 404, for an unknown connection id', async () => {
    const connection = await server.createConnection();
    const unknown = connection.endpointBaseUrl.replace(connection.connectionId, '00000000-0000-4000-8000-000000000000');
    expect((await new ScimClient(unknown, { secret: connection.authenticationSecret }).get('/Users')).status).toBe(401);
    expect((await new ScimClient(`${server.baseUrl}/scim/v2/not-a-uuid`, { secret: 'x' }).get('/Users')).status).toBe(401);
  });

  it('after a rotation without grace only the new secret works, at once although the old one was just used', async () => {
    const connection = await server.createConnection();
    expect((await client(connection).get('/Users')).status).toBe(200);
    const rotated = await rotateConnectionSecret(server.db, { connectionId: connection.connectionId, publicUrl: server.baseUrl });
    expect(rotated.authenticationSecret).not.toBe(connection.authenticationSecret);
    expect((await client(connection).get('/Users')).status).toBe(401);
    expect((await client(rotated).get('/Users')).status).toBe(200);
  });

  it('after a rotation with a grace period both work until the period ends', async () => {
    const connection = await server.createConnection();
    const rotated = await rotateConnectionSecret(server.db, {
      connectionId: connection.connectionId,
      publicUrl: server.baseUrl,
      graceSeconds: 3600,
      clock: () => now,
    });
    expect((await client(connection).get('/Users')).status).toBe(200);
    expect((await client(rotated).get('/Users')).status).toBe(200);
    now += 3600 * 1000 + 1;
    expect((await client(connection).get('/Users')).status).toBe(401);
    expect((await client(rotated).get('/Users')).status).toBe(200);
  });

  it('a deleted connection answers 410 Gone and keeps its users in the database', async () => {
    const connection = await server.createConnection();
    const created = await client(connection).post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'kept@example.com',
    });
    expect(created.status).toBe(201);
    await deleteConnection(server.db, connection.connectionId);
    const response = await client(connection).get('/Users');
    expect(response.status).toBe(410);
    expect(response.body).toMatchObject({ status: '410' });
    const rows = await server.db.selectFrom('scim_users').select('user_name').where('connection_id', '=', connection.connectionId).execute();
    expect(rows).toEqual([{ user_name: 'kept@example.com' }]);
  });

  it('records which directory called and when, recognised from its User-Agent', async () => {
    const okta = await server.createConnection({ provider: 'okta' });
    const entra = await server.createConnection({ provider: 'azure-ad' });
    await client(okta, okta.authenticationSecret, 'Okta SCIM Client 1.0.0').get('/Users?startIndex=1&count=2');
    await client(entra, entra.authenticationSecret, 'Microsoft.Identity.Provisioning').get('/Users?filter=userName%20eq%20%22x%22');
    // The usage write happens after the response is sent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rows = await server.db
      .selectFrom('scim_connections')
      .select(['id', 'detected_provider', 'last_request_at'])
      .where('id', 'in', [okta.connectionId, entra.connectionId])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(okta.connectionId)).toMatchObject({ detected_provider: 'okta', last_request_at: new Date(now).toISOString() });
    expect(byId.get(entra.connectionId)?.detected_provider).toBe('azure-ad');
  });

  it('answers a SCIM 404 for an unknown endpoint under a connection', async () => {
    const connection = await server.createConnection();
    const response = await client(connection).get('/Devices');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
  });
});
