/**
 * The admin API's SCIM Connections routes over real HTTP: create/list/get/rename/rotate/delete,
 * access by role and org, health, the request log (redacted, capped at 500), and OpenAPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { createOrgWithOwner, issueEnrollmentCode } from '../../server/domain/orgs.js';
import { newId, nowIso } from '../../server/domain/ids.js';
import { EventBus } from '../../server/domain/eventBus.js';
import { RequestLogRecorder } from '../../server/scim/requestLog.js';
import type { LiveEvent } from '../../shared/api/events.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const OKTA_AGENT = 'Okta SCIM Client 1.0.0';

interface Admin {
  token: string;
  orgId: string;
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; text: string }>;
}

let server: TestServer;

async function api(token: string | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${server.baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), text };
}

async function signIn(code: string, orgId: string): Promise<Admin> {
  const redeemed = await api(null, 'POST', '/session/redeem', { code });
  expect(redeemed.status, redeemed.text).toBe(201);
  const token = redeemed.body.deviceToken as string;
  return { token, orgId, call: (method, path, body) => api(token, method, path, body) };
}

async function newOrg(name: string): Promise<Admin> {
  const created = await createOrgWithOwner(server.db, { name, ownerEmail: `owner@${name.toLowerCase().replace(/\W/g, '')}.example` });
  return signIn(created.enrollmentCode, created.org.id);
}

/** Until the invites routes exist: a member row and an enrollment code, redeemed. */
async function addMember(orgId: string, role: 'admin' | 'member', email: string): Promise<Admin> {
  const id = newId();
  const now = nowIso();
  await server.db
    .insertInto('members')
    .values({
      id,
      org_id: orgId,
      email,
      email_lower: email.toLowerCase(),
      display_name: email.split('@')[0]!,
      role,
      status: 'active',
      scim_user_id: null,
      created_at: now,
      updated_at: now,
      removed_at: null,
      removed_by_type: null,
      removed_by_id: null,
      removed_by_label: null,
      removal_reason: null,
    })
    .execute();
  const { code } = await issueEnrollmentCode(server.db, id);
  return signIn(code, orgId);
}

/** Polls until the check passes (the request log is written every ~250 ms). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 2500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

const scim = (endpointBaseUrl: string, secret: string | null, userAgent?: string) =>
  new ScimClient(endpointBaseUrl, { secret, ...(userAgent ? { userAgent } : {}) });

describe('admin API: SCIM connections', () => {
  let owner: Admin;
  let admin: Admin;
  let member: Admin;
  let other: Admin;
  const secretsSeen: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await newOrg('Acme');
    admin = await addMember(owner.orgId, 'admin', 'ada@acme.example');
    member = await addMember(owner.orgId, 'member', 'max@acme.example');
    other = await newOrg('Globex');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('creates the first connection with the defaults and a strong secret that works at the SCIM endpoint', async () => {
    const created = await owner.call('POST', '/connections', {});
    expect(created.status, created.text).toBe(201);
    const { connection, authenticationSecret } = created.body;
    secretsSeen.push(authenticationSecret);
    expect(connection).toMatchObject({
      name: 'Default SCIM Connection',
      provider: 'okta',
      endpointBaseUrl: `${server.baseUrl}/scim/v2/${connection.id}`,
      health: { detectedProvider: null, lastRequestAt: null, requestsLast24h: 0, errorsLast24h: 0, lastError: null, syncedUsers: 0 },
    });
    // ≥ 128 bits: base64url carries 6 bits per character.
    expect(authenticationSecret.length * 6).toBeGreaterThanOrEqual(128);
    const config = await scim(connection.endpointBaseUrl, authenticationSecret).get('/ServiceProviderConfig');
    expect(config.status).toBe(200);

    const audit = await server.db.selectFrom('audit_events').selectAll().where('kind', '=', 'connection.created').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ org_id: owner.orgId, actor_type: 'member', subject_id: connection.id });
    expect(audit[0]!.details).not.toContain(authenticationSecret);
  });

  it('names a second connection without a name "SCIM Connection 2"; an admin may create', async () => {
    const created = await admin.call('POST', '/connections', { provider: 'azure-ad' });
    expect(created.status, created.text).toBe(201);
    secretsSeen.push(created.body.authenticationSecret);
    expect(created.body.connection).toMatchObject({ name: 'SCIM Connection 2', provider: 'azure-ad' });
  });

  it('refuses a duplicate name (ignoring case) with 409 on field name', async () => {
    const duplicate = await owner.call('POST', '/connections', { name: 'default scim CONNECTION' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'conflict', field: 'name' });
  });

  it('refuses a pasted secret that is too short with 400 on field pastedSecret; accepts a good one', async () => {
    const short = await owner.call('POST', '/connections', { name: 'Pasted', pastedSecret: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ code: 'invalid_request', field: 'pastedSecret' });

    const pasted = 'Directory-Portal-Secret-0123456789';
    const good = await owner.call('POST', '/connections', { name: 'Pasted', pastedSecret: pasted });
    expect(good.status, good.text).toBe(201);
    expect(good.body.authenticationSecret).toBe(pasted);
    secretsSeen.push(pasted);
    expect((await scim(good.body.connection.endpointBaseUrl, pasted).get('/ServiceProviderConfig')).status).toBe(200);
  });

  it('lists the live connections oldest first and gets one, never with a secret', async () => {
    const list = await owner.call('GET', '/connections');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => c.name)).toEqual(['Default SCIM Connection', 'SCIM Connection 2', 'Pasted']);
    const one = await owner.call('GET', `/connections/${list.body.items[0].id}`);
    expect(one.status).toBe(200);
    // Only the request counters may move in between: the request log is written every 250 ms.
    expect({ ...one.body, health: { ...one.body.health, requestsLast24h: 0 } }).toEqual({
      ...list.body.items[0],
      health: { ...list.body.items[0].health, requestsLast24h: 0 },
    });
    for (const secret of secretsSeen) {
      expect(list.text).not.toContain(secret);
      expect(one.text).not.toContain(secret);
    }
    expect(list.text).not.toMatch(/secret/i);
  });

  it('renames a connection; the new name must be free', async () => {
    const { body } = await owner.call('GET', '/connections');
    const target = body.items[2];
    const renamed = await owner.call('PATCH', `/connections/${target.id}`, { name: '  Okta production  ' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ id: target.id, name: 'Okta production' });
    expect((await owner.call('GET', `/connections/${target.id}`)).body.name).toBe('Okta production');
    const clash = await owner.call('PATCH', `/connections/${target.id}`, { name: 'SCIM CONNECTION 2' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.field).toBe('name');
    const empty = await owner.call('PATCH', `/connections/${target.id}`, { name: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('name');
    const audit = await server.db.selectFrom('audit_events').select('details').where('kind', '=', 'connection.renamed').execute();
    expect(audit.map((a) => JSON.parse(a.details))).toEqual([{ from: 'Pasted', to: 'Okta production' }]);
  });

  it('rotates the secret: without grace the old one stops working, with 3600 s both work', async () => {
    const created = await owner.call('POST', '/connections', { name: 'Rotating' });
    const id = created.body.connection.id;
    const base = created.body.connection.endpointBaseUrl;
    const first = created.body.authenticationSecret as string;

    const now = await owner.call('POST', `/connections/${id}/rotate-secret`, {});
    expect(now.status, now.text).toBe(200);
    const second = now.body.authenticationSecret as string;
    expect(second).not.toBe(first);
    expect(now.body.connection).toMatchObject({ id, name: 'Rotating' });
    expect((await scim(base, first).get('/ServiceProviderConfig')).status).toBe(401);
    expect((await scim(base, second).get('/ServiceProviderConfig')).status).toBe(200);

    const graceful = await owner.call('POST', `/connections/${id}/rotate-secret`, { graceSeconds: 3600 });
    expect(graceful.status).toBe(200);
    const third = graceful.body.authenticationSecret as string;
    expect((await scim(base, second).get('/ServiceProviderConfig')).status).toBe(200);
    expect((await scim(base, third).get('/ServiceProviderConfig')).status).toBe(200);

    const tooLong = await owner.call('POST', `/connections/${id}/rotate-secret`, { graceSeconds: 8 * 24 * 3600 });
    expect(tooLong.status).toBe(400);

    const audit = await server.db
      .selectFrom('audit_events')
      .select('details')
      .where('kind', '=', 'connection.secret_rotated')
      .where('subject_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => JSON.parse(a.details).graceSeconds)).toEqual([0, 3600]);
    for (const secret of [first, second, third]) expect(JSON.stringify(audit)).not.toContain(secret);
    secretsSeen.push(first, second, third);
  });

  it('deletes a connection: 204, the SCIM endpoint answers 410, members and synced users stay', async () => {
    const created = await owner.call('POST', '/connections', { name: 'Doomed' });
    const { id, endpointBaseUrl } = created.body.connection;
    const client = scim(endpointBaseUrl, created.body.authenticationSecret);
    expect((await client.post('/Users', { schemas: [USER], userName: 'kept@acme.example' })).status).toBe(201);
    const membersBefore = await server.db.selectFrom('members').select('id').where('org_id', '=', owner.orgId).where('status', '=', 'active').execute();

    const deleted = await owner.call('DELETE', `/connections/${id}`);
    expect(deleted.status).toBe(204);
    expect((await client.get('/Users')).status).toBe(410);
    expect((await owner.call('GET', `/connections/${id}`)).status).toBe(404);
    expect((await owner.call('DELETE', `/connections/${id}`)).status).toBe(404);
    expect((await owner.call('GET', '/connections')).body.items.map((c: any) => c.id)).not.toContain(id);
    const membersAfter = await server.db.selectFrom('members').select('id').where('org_id', '=', owner.orgId).where('status', '=', 'active').execute();
    expect(membersAfter).toEqual(membersBefore);
    const users = await server.db.selectFrom('scim_users').select('user_name').where('connection_id', '=', id).execute();
    expect(users).toEqual([{ user_name: 'kept@acme.example' }]);
    const audit = await server.db.selectFrom('audit_events').selectAll().where('kind', '=', 'connection.deleted').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ subject_id: id, org_id: owner.orgId });
  });

  it('answers 403 to a member and 401 without a token on every route', async () => {
    const id = (await owner.call('GET', '/connections')).body.items[0].id;
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/connections'],
      ['POST', '/connections', {}],
      ['GET', `/connections/${id}`],
      ['PATCH', `/connections/${id}`, { name: 'Mine' }],
      ['POST', `/connections/${id}/rotate-secret`, {}],
      ['DELETE', `/connections/${id}`],
      ['GET', `/connections/${id}/requests`],
    ];
    for (const [method, path, body] of routes) {
      const asMember = await member.call(method, path, body);
      expect(asMember.status, `${method} ${path}`).toBe(403);
      expect(asMember.body.error.code).toBe('forbidden');
      const anonymous = await api(null, method, path, body);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
    }
    // Nothing changed.
    expect((await owner.call('GET', `/connections/${id}`)).body.name).toBe('Default SCIM Connection');
  });

  it("answers 404 for another org's connection, on every route, without changing it", async () => {
    const id = (await owner.call('GET', '/connections')).body.items[0].id;
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/connections/${id}`],
      ['PATCH', `/connections/${id}`, { name: 'Stolen' }],
      ['POST', `/connections/${id}/rotate-secret`, {}],
      ['DELETE', `/connections/${id}`],
      ['GET', `/connections/${id}/requests`],
    ];
    for (const [method, path, body] of routes) {
      const response = await other.call(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    expect((await other.call('GET', '/connections')).body.items).toEqual([]);
    expect((await owner.call('GET', `/connections/${id}`)).body.name).toBe('Default SCIM Connection');
    expect((await scim(`${server.baseUrl}/scim/v2/${id}`, secretsSeen[0]!).get('/ServiceProviderConfig')).status).toBe(200);
  });

  it('reports health from SCIM traffic and logs requests with passwords redacted', async () => {
    const created = await owner.call('POST', '/connections', { name: 'Health' });
    const { id, endpointBaseUrl } = created.body.connection;
    const secret = created.body.authenticationSecret as string;
    secretsSeen.push(secret);
    const okta = scim(endpointBaseUrl, secret, OKTA_AGENT);

    const ann = await okta.post('/Users', { schemas: [USER], userName: 'ann@acme.example', active: true, password: 'Sup3r-Secret-Pass!' });
    expect(ann.status).toBe(201);
    expect((await okta.post('/Users', { schemas: [USER], userName: 'bob@acme.example' })).status).toBe(201);
    const patched = await okta.patch(`/Users/${ann.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'password', value: 'Patched-Pass-123!' }],
    });
    expect(patched.status).toBe(200);
    const missing = await okta.get('/Users/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect((await okta.get('/Users?filter=userName%20eq%20%22ann%40acme.example%22')).status).toBe(200);
    // A wrong secret is not this connection's traffic: not logged, not counted.
    expect((await scim(endpointBaseUrl, 'not-the-secret-at-all', OKTA_AGENT).get('/Users')).status).toBe(401);

    const health = (
      await eventually(
        () => owner.call('GET', `/connections/${id}`),
        (r) => r.body.health.requestsLast24h >= 5,
      )
    ).body.health;
    expect(health).toMatchObject({ detectedProvider: 'okta', requestsLast24h: 5, errorsLast24h: 1, syncedUsers: 2 });
    expect(health.lastRequestAt).toEqual(expect.any(String));
    expect(health.lastError).toEqual({ at: expect.any(String), detail: missing.body.detail });

    const log = await owner.call('GET', `/connections/${id}/requests`);
    expect(log.status).toBe(200);
    const items = log.body.items as any[];
    expect(items.map((e) => [e.method, e.path.split('?')[0], e.status])).toEqual([
      ['GET', '/Users', 200],
      ['GET', '/Users/00000000-0000-4000-8000-000000000000', 404],
      ['PATCH', `/Users/${ann.body.id}`, 200],
      ['POST', '/Users', 201],
      ['POST', '/Users', 201],
    ]);
    expect(items[0].path).toBe('/Users?filter=userName%20eq%20%22ann%40acme.example%22');
    expect(items[1].errorDetail).toBe(missing.body.detail);
    expect(items[0].errorDetail).toBeNull();
    for (const item of items) {
      expect(item.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(item.at)).not.toBeNaN();
    }
    const posted = JSON.parse(items[4].body);
    expect(posted).toMatchObject({ userName: 'ann@acme.example', password: '[REDACTED]' });
    expect(JSON.parse(items[2].body).Operations[0]).toEqual({ op: 'replace', path: 'password', value: '[REDACTED]' });
    expect(items[0].body).toBeNull();
    expect(log.text).not.toContain('Sup3r-Secret-Pass');
    expect(log.text).not.toContain('Patched-Pass');

    const stored = JSON.stringify(await server.db.selectFrom('scim_request_log').selectAll().execute());
    expect(stored).not.toContain('Sup3r-Secret-Pass');
    expect(stored).not.toContain('Patched-Pass');
  });

  it('keeps only the newest 500 requests per connection', async () => {
    const created = await owner.call('POST', '/connections', { name: 'Busy' });
    const { id, endpointBaseUrl } = created.body.connection;
    const client = scim(endpointBaseUrl, created.body.authenticationSecret);
    secretsSeen.push(created.body.authenticationSecret);
    for (let batch = 0; batch < 520; batch += 40) {
      const statuses = await Promise.all(
        Array.from({ length: Math.min(40, 520 - batch) }, (_, i) => client.get(`/ServiceProviderConfig?n=${batch + i}`).then((r) => r.status)),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    }
    const health = await eventually(
      () => owner.call('GET', `/connections/${id}`),
      (r) => r.body.health.requestsLast24h >= 520,
    );
    expect(health.body.health.requestsLast24h).toBe(520);
    const log = await owner.call('GET', `/connections/${id}/requests`);
    expect(log.body.items).toHaveLength(500);
    const rows = await server.db.selectFrom('scim_request_log').select('seq').where('connection_id', '=', id).execute();
    expect(rows).toHaveLength(500);
    // The oldest 20 are gone. Requests of one batch run in parallel and may finish (and be logged)
    // in any order, so "oldest" is known to the batch: the 20 missing all come from the first one.
    const numbers: number[] = log.body.items.map((e: any) => Number(new URL(e.path, 'http://x').searchParams.get('n')));
    expect(new Set(numbers).size).toBe(500);
    const missing = Array.from({ length: 520 }, (_, n) => n).filter((n) => !numbers.includes(n));
    expect(missing).toHaveLength(20);
    expect(missing.every((n) => n < 40)).toBe(true);
  });

  it('never shows a secret in GET responses or the request log', async () => {
    const list = await owner.call('GET', '/connections');
    const logs = await Promise.all(list.body.items.map((c: any) => owner.call('GET', `/connections/${c.id}/requests`)));
    const everything = [list.text, ...logs.map((l) => l.text)].join('\n');
    expect(secretsSeen.length).toBeGreaterThan(5);
    for (const secret of secretsSeen) expect(everything).not.toContain(secret);
    const storedLog = JSON.stringify(await server.db.selectFrom('scim_request_log').selectAll().execute());
    const storedAudit = JSON.stringify(await server.db.selectFrom('audit_events').selectAll().execute());
    for (const secret of secretsSeen) {
      expect(storedLog).not.toContain(secret);
      expect(storedAudit).not.toContain(secret);
    }
  });

  it('writes a buffered batch in one flush and publishes connection.health once per connection', async () => {
    const ids = (await owner.call('GET', '/connections')).body.items.slice(0, 2).map((c: any) => c.id as string);
    const bus = new EventBus();
    const events: LiveEvent[] = [];
    const unsubscribe = bus.subscribe(owner.orgId, (event) => events.push(event));
    const logged: string[] = [];
    const log = { error: (...args: unknown[]) => logged.push(String(args[1])), warn: () => undefined } as any;
    const recorder = new RequestLogRecorder({ db: server.db, bus, log, flushIntervalMs: 60_000 });
    const at = new Date().toISOString();
    for (const connectionId of [ids[0], ids[1], ids[0], ids[0]]) {
      recorder.record({ connectionId, orgId: owner.orgId, at, method: 'GET', path: '/Groups', status: 500, durationMs: 1, errorDetail: 'boom', body: null });
    }
    expect(events).toEqual([]);
    await recorder.close();
    unsubscribe();
    expect(logged).toEqual([]);
    expect(events).toEqual([
      { type: 'connection.health', connectionId: ids[0] },
      { type: 'connection.health', connectionId: ids[1] },
    ]);
    const rows = await server.db.selectFrom('scim_connections').select(['id', 'last_error', 'last_error_at']).where('id', 'in', ids).execute();
    for (const row of rows) expect(row).toMatchObject({ last_error: 'boom', last_error_at: at });
    const health = (await owner.call('GET', `/connections/${ids[0]}`)).body.health;
    expect(health.lastError).toEqual({ at, detail: 'boom' });
    expect(health.errorsLast24h).toBeGreaterThanOrEqual(3);
  });

  it('publishes the OpenAPI 3.1 document', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as any;
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.components.securitySchemes).toMatchObject({ deviceToken: { type: 'http', scheme: 'bearer' } });
    expect(Object.keys(document.paths['/connections/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(document.paths['/connections/{id}'].get.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    expect(document.paths['/connections'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('pastedSecret');
    expect(document.paths['/connections'].post.responses['201']).toBeDefined();
    expect(document.paths['/connections'].post.responses['4XX'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ApiError' });
    expect(document.paths['/session/redeem'].post.security).toEqual([]);
    expect(document.paths['/connections/{id}/rotate-secret'].post).toBeDefined();
    for (const path of Object.keys(document.paths)) expect(path).not.toContain(':');
    // Declared once per app instance, listed once.
    const operations = Object.values(document.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
    expect(new Set(operations).size).toBe(operations.length);
  });
});
