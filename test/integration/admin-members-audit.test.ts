/**
 * Members, roles, linking, the audit log and alerts over the admin API (real HTTP), with an Okta
 * simulator as the directory that deprovisions people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { createOrgWithOwner } from '../../server/domain/orgs.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { generatePeople, type Person } from '../idp/common.js';

let server: TestServer;
const T0 = Date.parse('2026-11-29T12:00:00Z');
let now = T0;
const MINUTE = 60_000;

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

function client(token: string | null): Call {
  return async (method, path, body) => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${server.baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

interface Signed {
  token: string;
  memberId: string;
  email: string;
  call: Call;
}

async function redeem(code: string): Promise<Signed> {
  const response = await client(null)('POST', '/session/redeem', { code });
  expect(response.status).toBe(201);
  return { token: response.body.deviceToken, memberId: response.body.member.id, email: response.body.member.email, call: client(response.body.deviceToken) };
}

async function signInOwner(orgName: string, ownerEmail: string): Promise<Signed> {
  const created = await createOrgWithOwner(server.db, { name: orgName, ownerEmail, ownerName: 'Olive Owner', clock: () => now });
  return redeem(created.enrollmentCode);
}

async function inviteByEmail(by: Signed, email: string, name: string, role: 'admin' | 'member' = 'member'): Promise<Signed> {
  const response = await by.call('POST', '/invites', { email, name, role });
  expect(response.body.results[0].outcome).toBe('invited');
  return redeem(response.body.results[0].inviteCode);
}

let owner: Signed;
let admin: Signed;
let plain: Signed;
let fromPool: Signed;
let okta: OktaSimulator;
let connectionId: string;
let people: Person[];
let ids: string[];
const tick = () => {
  now += MINUTE;
};

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  owner = await signInOwner('Members Org', 'owner@members.example');
  const connection = await server.createConnection({ org: 'Members Org', name: 'Okta', provider: 'okta' });
  connectionId = connection.connectionId;
  okta = new OktaSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret });
  people = generatePeople(5, { seed: 5, prefix: 'm.' });
  ids = [];
  for (const person of people) ids.push((await okta.createUser(oktaProfileOf(person))).body.id);
  tick();
  const invited = await owner.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[0]] });
  fromPool = await redeem(invited.body.results[0].inviteCode);
  admin = await inviteByEmail(owner, 'admin@members.example', 'Ari Admin', 'admin');
  plain = await inviteByEmail(owner, 'plain@members.example', 'Pat Plain');
  tick();
});
afterAll(async () => server.close());

describe('members', () => {
  it('lists active members with where each came from, to managers only', async () => {
    expect((await plain.call('GET', '/members')).status).toBe(403);
    const list = await owner.call('GET', '/members');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(4);
    const byEmail = new Map(list.body.items.map((m: any) => [m.email, m]));
    expect(byEmail.get('owner@members.example')).toMatchObject({ role: 'owner', status: 'active', source: { kind: 'email' }, removedBy: null });
    expect(byEmail.get(people[0]!.email)).toMatchObject({
      id: fromPool.memberId,
      name: people[0]!.displayName,
      role: 'member',
      source: { kind: 'directory', connectionId, connectionName: 'Okta', poolEntryId: ids[0] },
    });
    expect(byEmail.get('admin@members.example')).toMatchObject({ role: 'admin', source: { kind: 'email' } });

    const unmanaged = await owner.call('GET', '/members?unmanaged=true');
    expect(unmanaged.body.items.map((m: any) => m.email).sort()).toEqual(['admin@members.example', 'owner@members.example', 'plain@members.example']);
    expect(unmanaged.body.total).toBe(3);

    const paged = await owner.call('GET', '/members?pageSize=3&page=2');
    expect(paged.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(paged.body.items).toHaveLength(1);
    expect((await client(null)('GET', '/members')).status).toBe(401);
  });

  it('a plain member gets 403 on every manager route', async () => {
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/connections/${connectionId}/pool`],
      ['POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[1]] }],
      ['POST', '/invites', { email: 'x@members.example', name: 'X' }],
      ['GET', '/invites'],
      ['DELETE', '/invites/00000000-0000-4000-8000-000000000000'],
      ['DELETE', `/members/${admin.memberId}`],
      ['PATCH', `/members/${plain.memberId}`, { role: 'admin' }],
      ['POST', `/members/${plain.memberId}/link`, { poolEntryId: ids[1] }],
      ['GET', '/audit'],
      ['GET', '/alerts'],
      ['POST', '/alerts/00000000-0000-4000-8000-000000000000/dismiss'],
      ['GET', '/events'],
    ];
    for (const [method, path, body] of calls) {
      const response = await plain.call(method, path, body);
      expect([method, path, response.status]).toEqual([method, path, 403]);
      expect(response.body.error.code).toBe('forbidden');
    }
  });

  it('role changes: admins manage admins and members, only owners grant or take away owner', async () => {
    tick();
    expect((await admin.call('PATCH', `/members/${plain.memberId}`, { role: 'owner' })).status).toBe(403);
    expect((await admin.call('PATCH', `/members/${owner.memberId}`, { role: 'admin' })).status).toBe(403);
    const promoted = await admin.call('PATCH', `/members/${plain.memberId}`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: plain.memberId, role: 'admin' });
    expect((await admin.call('PATCH', `/members/${plain.memberId}`, { role: 'member' })).body.role).toBe('member');

    // The last owner can be neither demoted nor removed.
    const demoteSelf = await owner.call('PATCH', `/members/${owner.memberId}`, { role: 'admin' });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.body.error.message).toMatch(/last owner/);

    expect((await owner.call('PATCH', `/members/${admin.memberId}`, { role: 'owner' })).body.role).toBe('owner');
    // With two owners one may step down; then the other is the last owner again.
    expect((await admin.call('PATCH', `/members/${admin.memberId}`, { role: 'admin' })).body.role).toBe('admin');
    expect((await owner.call('PATCH', `/members/${owner.memberId}`, { role: 'member' })).status).toBe(409);

    expect((await owner.call('PATCH', `/members/00000000-0000-4000-8000-000000000000`, { role: 'admin' })).status).toBe(404);
    expect((await owner.call('PATCH', `/members/${plain.memberId}`, { role: 'boss' })).status).toBe(400);

    const audit = await owner.call('GET', '/audit?kind=member.role_changed');
    expect(audit.body.total).toBe(4);
    expect(audit.body.items[0]).toMatchObject({
      actor: { type: 'member', id: admin.memberId },
      subject: { type: 'member', id: admin.memberId },
      details: { from: 'owner', to: 'admin' },
    });
  });

  it('removing a member signs their devices out at once; admins cannot remove owners; the last owner is refused', async () => {
    tick();
    const extra = await inviteByEmail(owner, 'extra@members.example', 'Eli Extra');
    expect((await extra.call('GET', '/session')).status).toBe(200);
    expect((await admin.call('DELETE', `/members/${extra.memberId}`)).status).toBe(204);
    expect((await extra.call('GET', '/session')).status).toBe(401);
    expect((await extra.call('GET', '/members')).status).toBe(401);

    const removed = await owner.call('GET', '/members?status=removed');
    expect(removed.body.items).toEqual([
      expect.objectContaining({
        id: extra.memberId,
        status: 'removed',
        removedBy: { type: 'member', id: admin.memberId, label: 'admin@members.example' },
        removalReason: 'removed by admin@members.example',
      }),
    ]);
    expect((await admin.call('DELETE', `/members/${extra.memberId}`)).status).toBe(409);
    expect((await admin.call('DELETE', `/members/${owner.memberId}`)).status).toBe(403);

    const refused = await owner.call('DELETE', `/members/${owner.memberId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/last owner/);
    expect((await owner.call('GET', '/session')).status).toBe(200);
    const alerts = await owner.call('GET', '/alerts');
    expect(alerts.body.items).toHaveLength(1);
    expect(alerts.body.items[0]).toMatchObject({ kind: 'last_owner_removal_refused', dismissedAt: null, details: { memberId: owner.memberId } });
    expect((await owner.call('POST', `/alerts/${alerts.body.items[0].id}/dismiss`)).status).toBe(204);
    expect((await owner.call('GET', '/alerts')).body.items).toEqual([]);
    expect((await owner.call('POST', `/alerts/${alerts.body.items[0].id}/dismiss`)).status).toBe(204);
    expect((await owner.call('POST', `/alerts/00000000-0000-4000-8000-000000000000/dismiss`)).status).toBe(404);
  });
});

describe('linking a member invited by email to the directory', () => {
  let linked: Signed;

  it('links only to the active pool entry with the same email, once', async () => {
    tick();
    linked = await inviteByEmail(owner, people[1]!.email.toUpperCase(), 'Linda Linked');
    expect((await owner.call('GET', '/members?unmanaged=true')).body.items.map((m: any) => m.id)).toContain(linked.memberId);

    const wrongEmail = await owner.call('POST', `/members/${linked.memberId}/link`, { poolEntryId: ids[2] });
    expect(wrongEmail.status).toBe(422);
    expect(wrongEmail.body.error.message).toMatch(/same email/);
    const alreadyManaged = await owner.call('POST', `/members/${fromPool.memberId}/link`, { poolEntryId: ids[0] });
    expect(alreadyManaged.status).toBe(409);
    expect((await owner.call('POST', `/members/${linked.memberId}/link`, { poolEntryId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);

    await okta.deactivate(ids[3]!);
    const deactivatedEntry = await inviteByEmail(owner, people[3]!.email, 'Dee Activated');
    expect((await owner.call('POST', `/members/${deactivatedEntry.memberId}/link`, { poolEntryId: ids[3] })).status).toBe(409);

    const response = await admin.call('POST', `/members/${linked.memberId}/link`, { poolEntryId: ids[1] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: linked.memberId, source: { kind: 'directory', connectionId, connectionName: 'Okta', poolEntryId: ids[1] } });
    expect((await owner.call('POST', `/members/${linked.memberId}/link`, { poolEntryId: ids[1] })).status).toBe(409);

    const pool = await owner.call('GET', `/connections/${connectionId}/pool?status=member`);
    expect(pool.body.items.map((e: any) => [e.id, e.memberId])).toEqual([
      [ids[0], fromPool.memberId],
      [ids[1], linked.memberId],
    ]);
    const audit = await owner.call('GET', '/audit?kind=member.linked');
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: admin.memberId }), details: expect.objectContaining({ poolEntryId: ids[1], connectionId }) }),
    ]);
  });

  it('afterwards the directory manages them: deactivation removes them, recorded as the connection', async () => {
    tick();
    await okta.deactivate(ids[1]!);
    expect((await linked.call('GET', '/session')).status).toBe(401);
    const removed = await owner.call('GET', '/members?status=removed');
    expect(removed.body.items.find((m: any) => m.id === linked.memberId)).toMatchObject({
      removedBy: { type: 'connection', id: connectionId, label: 'Okta' },
      removalReason: 'deactivated in Okta',
    });
    const audit = await owner.call('GET', '/audit?kind=member.removed&actorType=connection');
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: { type: 'connection', id: connectionId, label: 'Okta' },
        subject: { type: 'member', id: linked.memberId, label: people[1]!.email.toUpperCase() },
        details: expect.objectContaining({ revokedDevices: 1 }),
      }),
    ]);
  });
});

describe('alerts', () => {
  it('the directory deactivating the last owner is refused and raises an alert admins can dismiss', async () => {
    tick();
    const created = await okta.createUser(
      oktaProfileOf({ ...people[4]!, userName: 'owner@members.example', email: 'owner@members.example', givenName: 'Olive', familyName: 'Owner', displayName: 'Olive Owner' }),
    );
    expect(created.status).toBe(201);
    expect((await owner.call('POST', `/members/${owner.memberId}/link`, { poolEntryId: created.body.id })).status).toBe(200);
    await okta.deactivate(created.body.id);

    expect((await owner.call('GET', '/session')).status).toBe(200);
    const alerts = await admin.call('GET', '/alerts');
    expect(alerts.body.items).toHaveLength(1);
    expect(alerts.body.items[0]).toMatchObject({
      kind: 'last_owner_removal_refused',
      message: expect.stringContaining('last owner'),
      details: { memberId: owner.memberId, requestedBy: { type: 'connection', id: connectionId } },
    });
    const refusal = await owner.call('GET', '/audit?kind=member.removal_refused&actorType=connection');
    expect(refusal.body.total).toBe(1);

    expect((await admin.call('POST', `/alerts/${alerts.body.items[0].id}/dismiss`)).status).toBe(204);
    expect((await admin.call('GET', '/alerts')).body.items).toEqual([]);
    expect((await owner.call('GET', '/audit?kind=alert.dismissed')).body.total).toBe(2);
  });
});

describe('the audit log', () => {
  it('is newest first, pages with an exact total, and filters by kind, actor and time', async () => {
    const all = await owner.call('GET', '/audit?pageSize=500');
    expect(all.status).toBe(200);
    const items = all.body.items as any[];
    expect(all.body.total).toBe(items.length);
    for (let i = 1; i < items.length; i++) expect(items[i - 1].at >= items[i].at).toBe(true);
    expect(new Set(items.map((e) => e.kind))).toEqual(
      new Set([
        'device.enrolled',
        'invite.created',
        'invite.accepted',
        'member.role_changed',
        'member.removed',
        'member.removal_refused',
        'alert.dismissed',
        'member.linked',
      ]),
    );

    const pages: any[] = [];
    for (let page = 1; (page - 1) * 7 < items.length; page++) {
      const response = await owner.call('GET', `/audit?pageSize=7&page=${page}`);
      expect(response.body.total).toBe(items.length);
      pages.push(...response.body.items);
    }
    expect(pages.map((e) => e.id)).toEqual(items.map((e) => e.id));

    const byAdmin = await owner.call('GET', `/audit?actorId=${admin.memberId}&pageSize=500`);
    expect(byAdmin.body.total).toBeGreaterThan(0);
    expect(byAdmin.body.items.every((e: any) => e.actor.id === admin.memberId)).toBe(true);
    const byConnection = await owner.call('GET', '/audit?actorType=connection&pageSize=500');
    expect(byConnection.body.items.every((e: any) => e.actor.type === 'connection')).toBe(true);
    expect(byConnection.body.items.map((e: any) => e.kind).sort()).toEqual(['member.removal_refused', 'member.removed']);

    // Setup happened at T0 and T0+1min; the rest later. Bounds are inclusive and need not carry milliseconds.
    const early = await owner.call('GET', `/audit?until=${encodeURIComponent('2026-11-29T12:01:00Z')}&pageSize=500`);
    expect(early.body.total).toBeGreaterThan(0);
    expect(early.body.items.every((e: any) => e.at <= '2026-11-29T12:01:00.000Z')).toBe(true);
    const late = await owner.call('GET', `/audit?since=${encodeURIComponent('2026-11-29T12:01:00.001Z')}&pageSize=500`);
    expect(early.body.total + late.body.total).toBe(items.length);
    const window = await owner.call('GET', `/audit?since=2026-11-29T12:03:00Z&until=2026-11-29T12:03:00Z&pageSize=500`);
    expect(window.body.items.map((e: any) => e.kind)).toEqual(['member.role_changed', 'member.role_changed', 'member.role_changed', 'member.role_changed']);
    expect((await owner.call('GET', '/audit?since=yesterday')).status).toBe(400);
    expect((await owner.call('GET', '/audit?actorType=robot')).status).toBe(400);
  });
});

describe('org isolation', () => {
  it('a second org sees none of the first org’s pool, members, invites, audit or alerts', async () => {
    const other = await signInOwner('Elsewhere Org', 'boss@elsewhere.example');
    expect((await other.call('GET', `/connections/${connectionId}/pool`)).status).toBe(404);
    const members = await other.call('GET', '/members?pageSize=500');
    expect(members.body.items.map((m: any) => m.email)).toEqual(['boss@elsewhere.example']);
    expect((await other.call('GET', '/members?status=removed')).body).toMatchObject({ total: 0, items: [] });
    expect((await other.call('GET', '/invites')).body).toMatchObject({ total: 0, items: [] });
    const audit = await other.call('GET', '/audit?pageSize=500');
    expect(audit.body.items.map((e: any) => e.kind)).toEqual(['device.enrolled']);
    expect((await other.call('GET', '/alerts')).body.items).toEqual([]);

    expect((await other.call('DELETE', `/members/${plain.memberId}`)).status).toBe(404);
    expect((await other.call('PATCH', `/members/${plain.memberId}`, { role: 'admin' })).status).toBe(404);
    expect((await other.call('POST', `/members/${other.memberId}/link`, { poolEntryId: ids[4] })).status).toBe(404);
    const invites = await owner.call('GET', '/invites?pageSize=500');
    expect((await other.call('DELETE', `/invites/${invites.body.items[0].id}`)).status).toBe(404);
    expect((await other.call('GET', `/audit?actorId=${owner.memberId}`)).body.total).toBe(0);
    expect((await plain.call('GET', '/session')).status).toBe(200);
  });
});
