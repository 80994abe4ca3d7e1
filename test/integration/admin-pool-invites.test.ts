/**
 * The pool and invites over the admin API (real HTTP): Okta provisions 30 people into a
 * connection's pool; an admin pages, searches and filters it, invites from it, and the invitees
 * redeem their codes and become members the directory manages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { createOrgWithOwner } from '../../server/domain/orgs.js';
import { deleteConnection } from '../../server/domain/connections.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { generatePeople, type Person } from '../idp/common.js';

let server: TestServer;
let now = Date.parse('2026-11-29T12:00:00Z');
const DAY = 24 * 3600 * 1000;

interface Api {
  token: string;
  memberId: string;
  orgId: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

function client(token: string | null) {
  return async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${server.baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

async function redeem(code: string): Promise<{ status: number; body: any }> {
  return client(null)('POST', '/session/redeem', { code });
}

async function signInOwner(orgName: string, ownerEmail: string): Promise<Api> {
  const created = await createOrgWithOwner(server.db, { name: orgName, ownerEmail, clock: () => now });
  const redeemed = await redeem(created.enrollmentCode);
  expect(redeemed.status).toBe(201);
  const token = redeemed.body.deviceToken as string;
  return { token, memberId: created.ownerMemberId, orgId: created.org.id, call: client(token) };
}

async function oktaFor(orgName: string): Promise<{ okta: OktaSimulator; connectionId: string }> {
  const connection = await server.createConnection({ org: orgName, provider: 'okta' });
  return { okta: new OktaSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret }), connectionId: connection.connectionId };
}

async function provision(okta: OktaSimulator, people: Person[]): Promise<string[]> {
  const ids: string[] = [];
  for (const person of people) {
    const created = await okta.createUser(oktaProfileOf(person));
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
  return ids;
}

let admin: Api;
let okta: OktaSimulator;
let connectionId: string;
let people: Person[];
let ids: string[];

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  admin = await signInOwner('Pool Org', 'owner@pool.example');
  ({ okta, connectionId } = await oktaFor('Pool Org'));
  people = generatePeople(30, { seed: 42, prefix: 'pool.' });
  ids = await provision(okta, people);
});
afterAll(async () => server.close());

const pool = (query = '') => admin.call('GET', `/connections/${connectionId}/pool${query ? `?${query}` : ''}`);

describe('the pool', () => {
  it('lists every provisioned user, in provisioning order, with exact totals across pages', async () => {
    const all = await pool('pageSize=500');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(30);
    expect(all.body.items.map((e: any) => e.id)).toEqual(ids);
    const first = all.body.items[0];
    expect(first).toMatchObject({
      id: ids[0],
      connectionId,
      userName: people[0]!.userName,
      name: people[0]!.displayName,
      email: people[0]!.email,
      directoryActive: true,
      deletedInDirectory: false,
      status: 'available',
      memberId: null,
      inviteId: null,
    });
    expect(typeof first.lastDirectoryChangeAt).toBe('string');

    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const response = await pool(`page=${page}&pageSize=8`);
      expect(response.body).toMatchObject({ total: 30, page, pageSize: 8 });
      seen.push(...response.body.items.map((e: any) => e.id));
    }
    expect(seen).toEqual(ids);
    expect((await pool('page=5&pageSize=8')).body).toMatchObject({ total: 30, items: [] });
  });

  it('searches name, email and userName ignoring case, and treats LIKE wildcards literally', async () => {
    const person = people[7]!;
    const byName = await pool(`search=${encodeURIComponent(person.familyName.toUpperCase())}`);
    expect(byName.body.items.map((e: any) => e.id)).toContain(ids[7]);
    expect(byName.body.items.every((e: any) => e.name.toLowerCase().includes(person.familyName.toLowerCase()) || e.email.includes(person.familyName.toLowerCase()))).toBe(true);
    expect(byName.body.total).toBe(byName.body.items.length);

    const byEmail = await pool(`search=${encodeURIComponent(person.email.toUpperCase())}`);
    expect(byEmail.body.items.map((e: any) => e.id)).toEqual([ids[7]]);

    const byUserNamePart = await pool(`search=${encodeURIComponent(`.${person.index}@`)}`);
    expect(byUserNamePart.body.items.map((e: any) => e.id)).toEqual([ids[7]]);

    expect((await pool('search=%25')).body.total).toBe(0);
    expect((await pool('search=_')).body.total).toBe(0);
    expect((await pool('search=nobody-is-called-this')).body).toMatchObject({ total: 0, items: [] });
  });

  it('a connection of another org, or an unknown one, is not found', async () => {
    const other = await signInOwner('Other Pool Org', 'owner@other.example');
    const response = await other.call('GET', `/connections/${connectionId}/pool`);
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toContain(people[0]!.email);
    expect((await admin.call('GET', `/connections/00000000-0000-4000-8000-000000000000/pool`)).status).toBe(404);
    expect((await client(null)('GET', `/connections/${connectionId}/pool`)).status).toBe(401);
  });
});

describe('invites from the pool', () => {
  let codes: string[] = [];

  it('invites three people: one result each, in request order, with one-time codes and 7-day expiry', async () => {
    const picked = [ids[2]!, ids[0]!, ids[1]!];
    const response = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: picked });
    expect(response.status).toBe(200);
    const results = response.body.results;
    expect(results.map((r: any) => [r.poolEntryId, r.outcome])).toEqual(picked.map((id) => [id, 'invited']));
    for (const [i, result] of results.entries()) {
      const person = people[ids.indexOf(picked[i]!)]!;
      expect(result.email).toBe(person.email);
      expect(result.invite).toMatchObject({
        email: person.email,
        name: person.displayName,
        role: 'member',
        status: 'pending',
        poolEntryId: picked[i],
        connectionId,
        expiresAt: new Date(now + 7 * DAY).toISOString(),
      });
      expect(result.inviteCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    }
    codes = results.map((r: any) => r.inviteCode);

    const invited = await pool('status=invited');
    expect(invited.body.total).toBe(3);
    expect(new Set(invited.body.items.map((e: any) => e.id))).toEqual(new Set(picked));
    expect(invited.body.items.every((e: any) => typeof e.inviteId === 'string')).toBe(true);
    expect((await pool('status=available')).body.total).toBe(27);

    const audit = await admin.call('GET', '/audit?kind=invite.created');
    expect(audit.body.total).toBe(3);
    expect(audit.body.items[0].actor).toEqual({ type: 'member', id: admin.memberId, label: 'owner@pool.example' });
  });

  it('inviting them again says already_invited; unknown and foreign entries are not_found', async () => {
    const other = await signInOwner('Foreign Org', 'owner@foreign.example');
    const foreign = await oktaFor('Foreign Org');
    const [foreignId] = await provision(foreign.okta, generatePeople(1, { seed: 9, prefix: 'foreign.' }));
    const sameOrgOther = await oktaFor('Pool Org');
    const [otherConnectionId] = await provision(sameOrgOther.okta, generatePeople(1, { seed: 10, prefix: 'second.' }));

    const response = await admin.call('POST', '/invites/from-pool', {
      connectionId,
      poolEntryIds: [ids[0], foreignId, otherConnectionId, '00000000-0000-4000-8000-000000000000'],
    });
    expect(response.body.results.map((r: any) => r.outcome)).toEqual(['already_invited', 'not_found', 'not_found', 'not_found']);
    expect(response.body.results.every((r: any) => r.inviteCode === null && r.invite === null)).toBe(true);

    // The other org cannot invite from this org's connection at all.
    const stolen = await other.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[5]] });
    expect(stolen.status).toBe(404);
    expect((await other.call('GET', '/invites')).body).toMatchObject({ total: 0, items: [] });
  });

  it('deactivated and deleted entries cannot be invited; an entry without an email is refused clearly', async () => {
    await okta.deactivate(ids[10]!);
    await okta.replay('Delete', 'DELETE', `/Users/${ids[11]}`);
    const noEmail = await okta.replay('Create', 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'no-email-person',
      name: { givenName: 'Noemail', familyName: 'Person' },
      active: true,
    });
    expect(noEmail.status).toBe(201);

    const response = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[10], ids[11], noEmail.body.id] });
    expect(response.body.results.map((r: any) => r.outcome)).toEqual(['deactivated', 'deactivated', 'no_email']);
    expect(response.body.results[2].message).toMatch(/no email/);

    const deactivated = await pool('status=deactivated');
    expect(deactivated.body.items.map((e: any) => e.id)).toEqual([ids[10], ids[11]]);
    expect(deactivated.body.items[1]).toMatchObject({ deletedInDirectory: true, directoryActive: false });
    expect((await pool('pageSize=500')).body.total).toBe(31);
  });

  it('an accepted invite makes a member linked to the pool entry', async () => {
    const redeemed = await redeem(codes[1]!);
    expect(redeemed.status).toBe(201);
    expect(redeemed.body.member).toMatchObject({ email: people[0]!.email, name: people[0]!.displayName, role: 'member' });
    const entry = (await pool(`search=${encodeURIComponent(people[0]!.email)}`)).body.items[0];
    expect(entry).toMatchObject({ status: 'member', memberId: redeemed.body.member.id, inviteId: null });

    const members = await admin.call('GET', '/members');
    const member = members.body.items.find((m: any) => m.id === redeemed.body.member.id);
    expect(member.source).toMatchObject({ kind: 'directory', connectionId, poolEntryId: ids[0] });
    const invites = await admin.call('GET', '/invites?status=accepted');
    expect(invites.body.items.map((i: any) => i.poolEntryId)).toEqual([ids[0]]);

    const again = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[0]] });
    expect(again.body.results[0].outcome).toBe('already_member');
    // The code was used once and works no more.
    expect((await redeem(codes[1]!)).status).toBe(401);
  });

  it('invites by email, with the same refusals', async () => {
    const invited = await admin.call('POST', '/invites', { email: 'Contractor@Elsewhere.example', name: 'Casey Contractor', role: 'admin' });
    expect(invited.status).toBe(200);
    expect(invited.body.results).toHaveLength(1);
    expect(invited.body.results[0]).toMatchObject({
      outcome: 'invited',
      poolEntryId: null,
      invite: { email: 'Contractor@Elsewhere.example', name: 'Casey Contractor', role: 'admin', status: 'pending', poolEntryId: null, connectionId: null },
    });
    const twice = await admin.call('POST', '/invites', { email: 'contractor@elsewhere.example', name: 'Casey' });
    expect(twice.body.results[0].outcome).toBe('already_invited');
    const member = await admin.call('POST', '/invites', { email: 'OWNER@pool.example', name: 'Owner' });
    expect(member.body.results[0].outcome).toBe('already_member');
    // Owners are made by role change, not invited.
    expect((await admin.call('POST', '/invites', { email: 'x@y.example', name: 'X', role: 'owner' })).status).toBe(400);
    expect((await admin.call('POST', '/invites', { email: 'not-an-email', name: 'X' })).status).toBe(400);
  });

  it('revokes a pending invite: the code stops working, the entry is available again; revoking twice is 409', async () => {
    const list = await admin.call('GET', '/invites?status=pending');
    const invite = list.body.items.find((i: any) => i.poolEntryId === ids[2]);
    expect(invite).toBeDefined();
    expect((await admin.call('DELETE', `/invites/${invite.id}`)).status).toBe(204);
    expect((await redeem(codes[0]!)).status).toBe(401);
    const revoked = await admin.call('GET', '/invites?status=revoked');
    expect(revoked.body.items).toEqual([expect.objectContaining({ id: invite.id, status: 'revoked', statusReason: 'revoked by owner@pool.example' })]);
    expect((await pool(`search=${encodeURIComponent(people[2]!.email)}`)).body.items[0].status).toBe('available');
    expect((await admin.call('DELETE', `/invites/${invite.id}`)).status).toBe(409);
    expect((await admin.call('DELETE', `/invites/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await admin.call('GET', '/audit?kind=invite.revoked')).body.total).toBe(1);
  });

  it('expired invites report status expired, cannot be redeemed or revoked, and can be replaced', async () => {
    const response = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[20]] });
    const { inviteCode, invite } = response.body.results[0];
    now += 7 * DAY + 1000;
    try {
      const expired = await admin.call('GET', '/invites?status=expired');
      expect(expired.body.items.map((i: any) => i.id)).toContain(invite.id);
      expect(expired.body.items.every((i: any) => i.status === 'expired')).toBe(true);
      expect((await admin.call('GET', '/invites?status=pending')).body.items.map((i: any) => i.id)).not.toContain(invite.id);
      expect((await pool(`search=${encodeURIComponent(people[20]!.email)}`)).body.items[0].status).toBe('available');
      expect((await redeem(inviteCode)).status).toBe(401);
      expect((await admin.call('DELETE', `/invites/${invite.id}`)).status).toBe(409);

      const again = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[20]] });
      expect(again.body.results[0].outcome).toBe('invited');
      expect((await redeem(again.body.results[0].inviteCode)).status).toBe(201);
    } finally {
      now -= 7 * DAY + 1000;
    }
  });

  it('reactivation in the directory makes a deactivated entry available again, without re-adding anyone', async () => {
    const invited = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[12]] });
    const redeemed = await redeem(invited.body.results[0].inviteCode);
    expect(redeemed.status).toBe(201);
    const memberId = redeemed.body.member.id;

    await okta.deactivate(ids[12]!);
    const entry = async () => (await pool(`search=${encodeURIComponent(people[12]!.email)}`)).body.items[0];
    expect(await entry()).toMatchObject({ status: 'deactivated', memberId: null });
    const removed = await admin.call('GET', '/members?status=removed');
    expect(removed.body.items.find((m: any) => m.id === memberId)).toMatchObject({
      status: 'removed',
      removedBy: { type: 'connection', id: connectionId },
      removalReason: expect.stringContaining('deactivated'),
    });
    expect((await client(redeemed.body.deviceToken)('GET', '/session')).status).toBe(401);

    await okta.reactivate(ids[12]!);
    expect(await entry()).toMatchObject({ status: 'available', directoryActive: true, memberId: null });
    const active = await admin.call('GET', '/members?pageSize=500');
    expect(active.body.items.map((m: any) => m.email)).not.toContain(people[12]!.email);

    // ids[10] was deactivated earlier without ever being invited: reactivation makes it invitable.
    await okta.reactivate(ids[10]!);
    const result = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[10]] });
    expect(result.body.results[0].outcome).toBe('invited');
  });

  it('a directory deactivation cancels pending invites made from that entry', async () => {
    const invited = await admin.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [ids[25]] });
    await okta.deactivate(ids[25]!);
    const list = await admin.call('GET', '/invites?status=cancelled');
    expect(list.body.items.find((i: any) => i.id === invited.body.results[0].invite.id)).toMatchObject({ status: 'cancelled' });
    expect((await redeem(invited.body.results[0].inviteCode)).status).toBe(401);
  });

  it('paging and the status filter of the invite list', async () => {
    const all = await admin.call('GET', '/invites?pageSize=500');
    const firstPage = await admin.call('GET', '/invites?pageSize=2&page=1');
    const secondPage = await admin.call('GET', '/invites?pageSize=2&page=2');
    expect(firstPage.body.total).toBe(all.body.total);
    expect([...firstPage.body.items, ...secondPage.body.items].map((i: any) => i.id)).toEqual(all.body.items.slice(0, 4).map((i: any) => i.id));
    expect((await admin.call('GET', '/invites?status=bogus')).status).toBe(400);
  });

  it('a deleted connection: its pool stays readable, nobody can be invited from it, its members count as unmanaged', async () => {
    const doomed = await oktaFor('Pool Org');
    const person = generatePeople(1, { seed: 11, prefix: 'doomed.' })[0]!;
    const [entryId] = await provision(doomed.okta, [person]);
    const invited = await admin.call('POST', '/invites/from-pool', { connectionId: doomed.connectionId, poolEntryIds: [entryId] });
    const member = await redeem(invited.body.results[0].inviteCode);
    expect((await admin.call('GET', '/members?unmanaged=true&pageSize=500')).body.items.map((m: any) => m.id)).not.toContain(member.body.member.id);

    await deleteConnection(server.db, doomed.connectionId);
    const pool = await admin.call('GET', `/connections/${doomed.connectionId}/pool`);
    expect(pool.status).toBe(200);
    expect(pool.body.items).toEqual([expect.objectContaining({ id: entryId, status: 'member', memberId: member.body.member.id })]);
    const refused = await admin.call('POST', '/invites/from-pool', { connectionId: doomed.connectionId, poolEntryIds: [entryId] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/deleted/);
    expect((await admin.call('GET', '/members?unmanaged=true&pageSize=500')).body.items.map((m: any) => m.id)).toContain(member.body.member.id);

    // A live directory with the same person may take over.
    const successor = await oktaFor('Pool Org');
    const [successorEntry] = await provision(successor.okta, [person]);
    const linked = await admin.call('POST', `/members/${member.body.member.id}/link`, { poolEntryId: successorEntry });
    expect(linked.status).toBe(200);
    expect(linked.body.source).toMatchObject({ kind: 'directory', connectionId: successor.connectionId, poolEntryId: successorEntry });
  });
});
