/**
 * The issue's acceptance story, end to end over real HTTP: the admin API as the desktop app calls
 * it, the SCIM endpoints as Okta and Entra call them (test/idp simulators), and the live events
 * as a signed-in admin's app receives them (SSE).
 *
 * Two connections in one org, one `okta` and one `azure-ad`, so that each simulator talks to a
 * connection set up for its own directory (as an admin would set it up) and both deprovisioning
 * dialects take part: Okta's path-less `{"op":"replace","value":{"active":false}}` and Entra's
 * `"False"` string. The org's pool is the two connections' pools together: 100 + 100 = 200.
 *
 * "Within a second" is measured the way an admin would notice it: the SSE subscriber opened
 * before the directory's request must receive the event within 1 s of the SCIM response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { AdminClient, expectStatus, redeem, signInOwner, type SignedIn } from '../support/adminClient.js';
import { subscribeEvents, type SseEvent, type SseSubscription } from '../support/sse.js';
import { ScimClient } from '../support/scimClient.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { EntraSimulator } from '../idp/entra.js';
import { generatePeople, personAt, type Person } from '../idp/common.js';
import type { PoolEntry } from '../../shared/api/pool.js';
import type { InviteOutcome } from '../../shared/api/invites.js';

const WITHIN_A_SECOND = 1000;
const HOUR_S = 3600;

// One backend for the file, with a clock the grace-period test can move forward.
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;
let server: TestServer;

beforeAll(async () => {
  // Generous limits: these tests send wrong secrets and revoked tokens on purpose, all from 127.0.0.1.
  // (startTestServer passes its options through to buildApp; `failedSignIn` is not in its type yet.)
  const options = { clock, failedAuth: { maxFailures: 10_000, windowMs: 60_000 }, failedSignIn: { maxFailures: 10_000, windowMs: 60_000 } };
  server = await startTestServer(options);
});
afterAll(async () => server?.close());

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

interface CreatedConnection {
  id: string;
  endpointBaseUrl: string;
  secret: string;
  name: string;
}

async function createConnection(admin: AdminClient, name: string, provider: 'okta' | 'azure-ad' | 'other'): Promise<CreatedConnection> {
  const response = await admin.post('/connections', { name, provider });
  const body = expectStatus(response, 201, `POST /connections ${provider}`);
  expect(body.connection).toMatchObject({ name, provider });
  expect(body.connection.endpointBaseUrl).toBe(`${server.baseUrl}/scim/v2/${body.connection.id}`);
  expect(typeof body.authenticationSecret).toBe('string');
  return { id: body.connection.id, endpointBaseUrl: body.connection.endpointBaseUrl, secret: body.authenticationSecret, name };
}

async function pool(admin: AdminClient, connectionId: string, query: Record<string, string | number> = {}) {
  const response = await admin.get(`/connections/${connectionId}/pool`, { pageSize: 500, ...query });
  return expectStatus<{ items: PoolEntry[]; total: number; page: number; pageSize: number }>(response, 200, 'GET pool');
}

async function poolEntry(admin: AdminClient, connectionId: string, userName: string): Promise<PoolEntry> {
  const page = await pool(admin, connectionId, { search: userName });
  const entry = page.items.find((e) => e.userName === userName);
  if (!entry) throw new Error(`no pool entry for ${userName}: ${JSON.stringify(page)}`);
  return entry;
}

async function inviteFromPool(admin: AdminClient, connectionId: string, poolEntryIds: string[], role: 'member' | 'admin' = 'member'): Promise<InviteOutcome[]> {
  const response = await admin.post('/invites/from-pool', { connectionId, poolEntryIds, role });
  expect([200, 201], response.text).toContain(response.status);
  return (response.body as { results: InviteOutcome[] }).results;
}

const auditItems = async (admin: AdminClient, query: Record<string, string | number>) =>
  expectStatus(await admin.get('/audit', { pageSize: 500, ...query }), 200, 'GET /audit').items as any[];

const activeMemberIds = async (admin: AdminClient) =>
  (expectStatus(await admin.get('/members', { pageSize: 500 }), 200, 'GET /members').items as any[]).map((m) => m.id as string);

/** Awaits the event and says how long after `since` (a performance.now()) it arrived. */
async function arrivesWithinASecond<T>(events: SseSubscription, type: string, predicate: (e: SseEvent<T>) => boolean, since: number) {
  const event = await events.next<T>(type, WITHIN_A_SECOND, predicate);
  expect(event.receivedAt - since).toBeLessThan(WITHIN_A_SECOND);
  return event;
}

function oktaFor(connection: CreatedConnection, record = true) {
  return new OktaSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.secret, record });
}
function entraFor(connection: CreatedConnection, record = true) {
  return new EntraSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.secret, record });
}

// ---------------------------------------------------------------------------------------------
// 1. The whole story
// ---------------------------------------------------------------------------------------------

describe('the whole story: provision 200, invite 5, 3 accept, the directories take 3 away', () => {
  let owner: SignedIn;
  let events: SseSubscription;
  let oktaConnection: CreatedConnection;
  let entraConnection: CreatedConnection;
  let okta: OktaSimulator;
  let entra: EntraSimulator;
  const oktaPeople = generatePeople(100, { seed: 11, prefix: 'okta-', domain: 'story.example' });
  const entraPeople = generatePeople(100, { seed: 12, prefix: 'entra-', domain: 'story.example', externalIdStyle: 'entra' });
  /** SCIM ids the directories got back, by userName. */
  const scimIds = new Map<string, string>();

  // o1, o2, o3 from Okta (as members); e1, e2 from Entra (as admins, so e1 can watch live events).
  // o1, o2 and e1 accept; o3 and e2 stay pending.
  const invited: Record<'o1' | 'o2' | 'o3' | 'e1' | 'e2', { person: Person; entry?: PoolEntry; outcome?: InviteOutcome; signedIn?: SignedIn }> = {
    o1: { person: oktaPeople[3]! },
    o2: { person: oktaPeople[42]! },
    o3: { person: oktaPeople[77]! },
    e1: { person: entraPeople[5]! },
    e2: { person: entraPeople[60]! },
  };

  beforeAll(async () => {
    owner = await signInOwner(server, 'Story Org', 'owner@story.example', { ownerName: 'Olivia Owner' });
    events = await subscribeEvents(server.baseUrl, owner.deviceToken);
  });
  afterAll(async () => events?.close());

  it('the admin creates an Okta and an Azure AD connection through the admin API; both directories connect', async () => {
    oktaConnection = await createConnection(owner.client, 'Okta', 'okta');
    entraConnection = await createConnection(owner.client, 'Entra ID', 'azure-ad');
    okta = oktaFor(oktaConnection, false);
    entra = entraFor(entraConnection, false);
    expect((await okta.testConnection()).status).toBe(200);
    const entraTest = await entra.testConnection();
    expect(entraTest.users.status).toBe(200);
    expect(entraTest.users.body.totalResults).toBe(0);
  });

  it('the directories provision 200 users and the pool shows all 200 as available', async () => {
    const provision = async (people: Person[], push: (p: Person) => Promise<{ id?: string; created: boolean; create?: { status: number; text: string } }>) => {
      for (const person of people) {
        const result = await push(person);
        if (!result.created || !result.id) throw new Error(`provisioning ${person.userName} failed: ${result.create?.status} ${result.create?.text}`);
        scimIds.set(person.userName, result.id);
      }
    };
    await Promise.all([
      provision(oktaPeople, (p) => okta.pushNewUser(oktaProfileOf(p))),
      provision(entraPeople, (p) => entra.provisionUser(p)),
    ]);
    expect(scimIds.size).toBe(200);

    const oktaPool = await pool(owner.client, oktaConnection.id);
    const entraPool = await pool(owner.client, entraConnection.id);
    expect(oktaPool.total + entraPool.total).toBe(200);
    expect(oktaPool.total).toBe(100);
    expect(entraPool.total).toBe(100);
    expect(oktaPool.items).toHaveLength(100);
    expect(new Set([...oktaPool.items, ...entraPool.items].map((e) => e.status))).toEqual(new Set(['available']));
    expect(new Set(entraPool.items.map((e) => e.userName))).toEqual(new Set(entraPeople.map((p) => p.userName)));
    const sample = oktaPool.items.find((e) => e.userName === oktaPeople[0]!.userName);
    expect(sample).toMatchObject({
      connectionId: oktaConnection.id,
      name: oktaPeople[0]!.displayName,
      email: oktaPeople[0]!.email,
      directoryActive: true,
      deletedInDirectory: false,
      memberId: null,
      inviteId: null,
    });
    // Server-side paging and search.
    const page2 = await pool(owner.client, entraConnection.id, { page: 2, pageSize: 30 });
    expect(page2).toMatchObject({ total: 100, page: 2, pageSize: 30 });
    expect(page2.items).toHaveLength(30);
    const found = await pool(owner.client, oktaConnection.id, { search: oktaPeople[42]!.email });
    expect(found.items.map((e) => e.userName)).toEqual([oktaPeople[42]!.userName]);

    // The health line sees both directories.
    const list = expectStatus(await owner.client.get('/connections'), 200, 'GET /connections');
    const byId = new Map<string, any>((list.items ?? list).map((c: any) => [c.id, c]));
    expect(byId.get(oktaConnection.id)?.health).toMatchObject({ detectedProvider: 'okta', syncedUsers: 100 });
    expect(byId.get(entraConnection.id)?.health).toMatchObject({ detectedProvider: 'azure-ad', syncedUsers: 100 });

    // The request log shows the directory's requests, with Okta's random passwords redacted.
    const log = expectStatus(await owner.client.get(`/connections/${oktaConnection.id}/requests`), 200, 'GET requests');
    expect(log.items.length).toBeGreaterThan(0);
    expect(log.items.some((r: any) => r.method === 'POST' && r.path.endsWith('/Users') && r.status === 201)).toBe(true);
    expect(JSON.stringify(log)).not.toContain(oktaProfileOf(oktaPeople[99]!).password);
    expect(JSON.stringify(log)).not.toContain(oktaConnection.secret);
  });

  it('the admin invites 5 from the pool (3 from Okta, 2 from Entra) and each gets a one-time code', async () => {
    for (const key of Object.keys(invited) as Array<keyof typeof invited>) {
      const connectionId = key.startsWith('o') ? oktaConnection.id : entraConnection.id;
      invited[key].entry = await poolEntry(owner.client, connectionId, invited[key].person.userName);
    }
    const fromOkta = await inviteFromPool(owner.client, oktaConnection.id, [invited.o1.entry!.id, invited.o2.entry!.id, invited.o3.entry!.id]);
    const fromEntra = await inviteFromPool(owner.client, entraConnection.id, [invited.e1.entry!.id, invited.e2.entry!.id], 'admin');
    for (const [key, outcome] of [...(['o1', 'o2', 'o3'] as const).map((k, i) => [k, fromOkta[i]] as const), ...(['e1', 'e2'] as const).map((k, i) => [k, fromEntra[i]] as const)]) {
      expect(outcome, key).toMatchObject({
        poolEntryId: invited[key].entry!.id,
        email: invited[key].person.email,
        outcome: 'invited',
        invite: {
          status: 'pending',
          email: invited[key].person.email,
          name: invited[key].person.displayName,
          role: key.startsWith('o') ? 'member' : 'admin',
          poolEntryId: invited[key].entry!.id,
          connectionId: key.startsWith('o') ? oktaConnection.id : entraConnection.id,
        },
      });
      expect(typeof outcome!.inviteCode).toBe('string');
      invited[key].outcome = outcome!;
    }
    const after = await poolEntry(owner.client, oktaConnection.id, invited.o1.person.userName);
    expect(after).toMatchObject({ status: 'invited', inviteId: invited.o1.outcome!.invite!.id });
    const pending = expectStatus(await owner.client.get('/invites', { status: 'pending' }), 200, 'GET /invites');
    expect(pending.items.map((i: any) => i.id).sort()).toEqual(Object.values(invited).map((i) => i.outcome!.invite!.id).sort());
  });

  it('3 accept: redeeming their codes yields device tokens, and they are members', async () => {
    for (const key of ['o1', 'o2', 'e1'] as const) {
      const signedIn = await redeem(server.baseUrl, invited[key].outcome!.inviteCode!, `${key}'s laptop`);
      expect(signedIn.member).toMatchObject({ email: invited[key].person.email, role: key === 'e1' ? 'admin' : 'member' });
      expect(signedIn.org.id).toBe(owner.org.id);
      expect((await signedIn.client.get('/session')).status).toBe(200);
      invited[key].signedIn = signedIn;
    }
    // A code works once.
    expect((await new AdminClient(server.baseUrl).post('/session/redeem', { code: invited.o1.outcome!.inviteCode, deviceLabel: 'again' })).status).toBe(401);
    const members = await activeMemberIds(owner.client);
    for (const key of ['o1', 'o2', 'e1'] as const) expect(members).toContain(invited[key].signedIn!.member.id);
    expect(members).toContain(owner.member.id);
    expect(await poolEntry(owner.client, oktaConnection.id, invited.o1.person.userName)).toMatchObject({
      status: 'member',
      memberId: invited.o1.signedIn!.member.id,
    });
  });

  it('the directories deactivate two members and delete one pending invitee; within a second each is gone and every admin hears it', async () => {
    const o1Id = scimIds.get(invited.o1.person.userName)!;
    const e1Id = scimIds.get(invited.e1.person.userName)!;
    const e2Id = scimIds.get(invited.e2.person.userName)!;
    const o1Member = invited.o1.signedIn!.member.id;
    const e1Member = invited.e1.signedIn!.member.id;
    const e2Invite = invited.e2.outcome!.invite!.id;

    // Okta (OIN): one path-less PATCH. The directory reads back what it wrote.
    const [oktaPatch] = await okta.deactivate(o1Id);
    const oktaAnsweredAt = performance.now();
    expect(oktaPatch!.status).toBe(200);
    expect(oktaPatch!.body.active).toBe(false);
    const o1Removed = await arrivesWithinASecond<any>(events, 'member.removed', (e) => e.data.memberId === o1Member, oktaAnsweredAt);
    expect(o1Removed.data).toMatchObject({
      type: 'member.removed',
      email: invited.o1.person.email,
      by: { type: 'connection', id: oktaConnection.id },
      revokedDevices: 1,
    });
    expect((await invited.o1.signedIn!.client.get('/session')).status).toBe(401);

    // Entra (default mode): `"Replace"` with the string "False". e1 is an admin watching live events.
    const e1Events = await subscribeEvents(server.baseUrl, invited.e1.signedIn!.deviceToken);
    const entraPatch = await entra.disable(e1Id);
    const entraAnsweredAt = performance.now();
    expect([200, 204]).toContain(entraPatch.status);
    if (entraPatch.status === 200) expect(entraPatch.body.active).toBe(false);
    const e1Removed = await arrivesWithinASecond<any>(events, 'member.removed', (e) => e.data.memberId === e1Member, entraAnsweredAt);
    expect(e1Removed.data).toMatchObject({ email: invited.e1.person.email, by: { type: 'connection', id: entraConnection.id }, revokedDevices: 1 });
    expect((await invited.e1.signedIn!.client.get('/session')).status).toBe(401);
    // The removed admin's own live stream ends too.
    const e1StreamEnded = await e1Events.endsWithin(WITHIN_A_SECOND);
    await e1Events.close();
    expect(e1StreamEnded).toBe(true);

    // Entra deletes a user who was invited but never accepted.
    const deletion = await entra.deleteUser(e2Id);
    const deletedAt = performance.now();
    expect(deletion.status).toBe(204);
    const cancelled = await arrivesWithinASecond<any>(events, 'invite.cancelled', (e) => e.data.inviteId === e2Invite, deletedAt);
    expect(cancelled.data).toMatchObject({ email: invited.e2.person.email, by: { type: 'connection', id: entraConnection.id } });

    // Admins watching the pool hear of each change too.
    for (const [connectionId, id] of [[oktaConnection.id, o1Id], [entraConnection.id, e1Id], [entraConnection.id, e2Id]] as const) {
      await events.next<any>('pool.changed', WITHIN_A_SECOND, (e) => e.data.connectionId === connectionId && e.data.poolEntryIds.includes(id));
    }
  });

  it('afterwards: members, tokens, invites, pool and audit log all agree', async () => {
    const o1Member = invited.o1.signedIn!.member.id;
    const e1Member = invited.e1.signedIn!.member.id;

    // Members: the two are gone, the others stay.
    const active = await activeMemberIds(owner.client);
    expect(active).not.toContain(o1Member);
    expect(active).not.toContain(e1Member);
    expect(active).toContain(invited.o2.signedIn!.member.id);
    expect(active).toContain(owner.member.id);
    const removed = expectStatus(await owner.client.get('/members', { status: 'removed', pageSize: 500 }), 200, 'GET /members?status=removed').items as any[];
    expect(removed.find((m) => m.id === o1Member)).toMatchObject({ status: 'removed', removedBy: { type: 'connection', id: oktaConnection.id } });
    expect(removed.find((m) => m.id === e1Member)).toMatchObject({ status: 'removed', removedBy: { type: 'connection', id: entraConnection.id } });

    // Tokens: 401 for the removed, 200 for the one still a member.
    expect((await invited.o1.signedIn!.client.get('/session')).status).toBe(401);
    expect((await invited.e1.signedIn!.client.get('/session')).status).toBe(401);
    expect((await invited.o2.signedIn!.client.get('/session')).status).toBe(200);

    // Invites: e2's is cancelled (its code no longer works), o3's is still pending.
    const invites = expectStatus(await owner.client.get('/invites', { pageSize: 500 }), 200, 'GET /invites').items as any[];
    const byId = new Map(invites.map((i) => [i.id, i]));
    expect(byId.get(invited.e2.outcome!.invite!.id)).toMatchObject({ status: 'cancelled' });
    expect(byId.get(invited.o3.outcome!.invite!.id)).toMatchObject({ status: 'pending' });
    expect(byId.get(invited.o1.outcome!.invite!.id)).toMatchObject({ status: 'accepted' });
    expect((await new AdminClient(server.baseUrl).post('/session/redeem', { code: invited.e2.outcome!.inviteCode, deviceLabel: 'late' })).status).toBe(401);

    // Pool: the three are deactivated (one deleted), the others unchanged.
    expect(await poolEntry(owner.client, oktaConnection.id, invited.o1.person.userName)).toMatchObject({ status: 'deactivated', directoryActive: false });
    expect(await poolEntry(owner.client, entraConnection.id, invited.e1.person.userName)).toMatchObject({ status: 'deactivated', directoryActive: false });
    const deletedEntry = (await pool(owner.client, entraConnection.id, { status: 'deactivated' })).items.find((e) => e.userName === invited.e2.person.userName);
    expect(deletedEntry).toMatchObject({ deletedInDirectory: true, directoryActive: false, status: 'deactivated' });
    expect(await poolEntry(owner.client, oktaConnection.id, invited.o2.person.userName)).toMatchObject({ status: 'member' });

    // Audit: each change with the connection as the actor.
    const byConnection = await auditItems(owner.client, { actorType: 'connection' });
    const find = (kind: string, subjectId: string) => byConnection.find((e) => e.kind === kind && e.subject?.id === subjectId);
    expect(find('member.removed', o1Member)).toMatchObject({ actor: { type: 'connection', id: oktaConnection.id, label: 'Okta' } });
    expect(find('member.removed', e1Member)).toMatchObject({ actor: { type: 'connection', id: entraConnection.id, label: 'Entra ID' } });
    expect(find('invite.cancelled', invited.e2.outcome!.invite!.id)).toMatchObject({ actor: { type: 'connection', id: entraConnection.id } });
    // Filters narrow it down.
    const oktaRemovals = await auditItems(owner.client, { actorId: oktaConnection.id, kind: 'member.removed' });
    expect(oktaRemovals.map((e) => e.subject?.id)).toEqual([o1Member]);
    expect(await auditItems(owner.client, { kind: 'member.removed', since: new Date(clock() + 60_000).toISOString() })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Last owner, reactivation, secret rotation, deleted connection
// ---------------------------------------------------------------------------------------------

describe('the rules around the story', () => {
  let owner: SignedIn & { orgId: string; ownerMemberId: string };
  let events: SseSubscription;
  let connection: CreatedConnection;
  let okta: OktaSimulator;

  beforeAll(async () => {
    owner = await signInOwner(server, 'Rules Org', 'founder@rules.example', { ownerName: 'Frida Founder' });
    events = await subscribeEvents(server.baseUrl, owner.deviceToken);
    connection = await createConnection(owner.client, 'Okta (rules)', 'okta');
    okta = oktaFor(connection);
  });
  afterAll(async () => events?.close());

  /** Pushes a person to the Okta connection; returns its SCIM id and pool entry. */
  async function push(person: Person): Promise<{ scimId: string; entry: PoolEntry }> {
    const pushed = await okta.pushNewUser(oktaProfileOf(person));
    expect(pushed.created, pushed.create?.text).toBe(true);
    return { scimId: pushed.id!, entry: await poolEntry(owner.client, connection.id, person.userName) };
  }

  it('the last owner is never removed: the directory is answered normally, the owner stays, an alert and the audit say why', async () => {
    const founder: Person = { ...personAt(0, { seed: 99, domain: 'rules.example' }), userName: 'founder@rules.example', email: 'founder@rules.example' };
    const { scimId, entry } = await push(founder);
    expect(entry.email).toBe('founder@rules.example');

    const link = await owner.client.post(`/members/${owner.member.id}/link`, { poolEntryId: entry.id });
    expect(link.status, link.text).toBe(200);
    const linked = (expectStatus(await owner.client.get('/members'), 200, 'GET /members').items as any[]).find((m) => m.id === owner.member.id);
    expect(linked).toMatchObject({ role: 'owner', source: { kind: 'directory', connectionId: connection.id, poolEntryId: entry.id } });
    expect(await poolEntry(owner.client, connection.id, founder.userName)).toMatchObject({ status: 'member', memberId: owner.member.id });

    const [patch] = await okta.deactivate(scimId);
    const answeredAt = performance.now();
    expect(patch!.status).toBe(200);
    expect(patch!.body.active).toBe(false);
    const refused = await arrivesWithinASecond<any>(events, 'member.removal_refused', (e) => e.data.memberId === owner.member.id, answeredAt);
    expect(refused.data).toMatchObject({ by: { type: 'connection', id: connection.id } });

    expect((await owner.client.get('/session')).status).toBe(200);
    expect(await activeMemberIds(owner.client)).toContain(owner.member.id);
    const alerts = expectStatus(await owner.client.get('/alerts'), 200, 'GET /alerts').items as any[];
    const alert = alerts.find((a) => a.id === refused.data.alertId);
    expect(alert).toMatchObject({ kind: 'last_owner_removal_refused', dismissedAt: null });
    expect(alert.message).toContain('founder@rules.example');
    const audit = await auditItems(owner.client, { kind: 'member.removal_refused' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: { type: 'connection', id: connection.id }, subject: { type: 'member', id: owner.member.id } });

    // The directory repeating itself raises no second alert.
    expect((await okta.deactivate(scimId))[0]!.status).toBe(200);
    const again = expectStatus(await owner.client.get('/alerts'), 200, 'GET /alerts').items as any[];
    expect(again.filter((a) => a.kind === 'last_owner_removal_refused' && a.dismissedAt === null)).toHaveLength(1);

    // The admin dismisses it.
    const dismiss = await owner.client.post(`/alerts/${alert.id}/dismiss`, {});
    expect([200, 204], dismiss.text).toContain(dismiss.status);
    const afterDismiss = expectStatus(await owner.client.get('/alerts'), 200, 'GET /alerts').items as any[];
    const stillListed = afterDismiss.find((a) => a.id === alert.id);
    if (stillListed) expect(stillListed.dismissedAt).not.toBeNull();
  });

  it('reactivation in the directory makes a removed person invitable again', async () => {
    const person = personAt(1, { seed: 99, domain: 'rules.example', prefix: 'react-' });
    const { scimId, entry } = await push(person);
    const [first] = await inviteFromPool(owner.client, connection.id, [entry.id]);
    expect(first!.outcome).toBe('invited');
    const member = await redeem(server.baseUrl, first!.inviteCode!);

    await okta.deactivate(scimId);
    await events.next<any>('member.removed', WITHIN_A_SECOND, (e) => e.data.memberId === member.member.id);
    expect(await poolEntry(owner.client, connection.id, person.userName)).toMatchObject({ status: 'deactivated' });
    const [refused] = await inviteFromPool(owner.client, connection.id, [entry.id]);
    expect(refused).toMatchObject({ outcome: 'deactivated', inviteCode: null });

    const [reactivate] = await okta.reactivate(scimId);
    expect(reactivate!.status).toBe(200);
    expect(await poolEntry(owner.client, connection.id, person.userName)).toMatchObject({ status: 'available', directoryActive: true, memberId: null });
    // Reactivation does not bring the membership back by itself…
    expect((await member.client.get('/session')).status).toBe(401);
    // …but the person can be invited again and join.
    const [second] = await inviteFromPool(owner.client, connection.id, [entry.id]);
    expect(second!.outcome).toBe('invited');
    const rejoined = await redeem(server.baseUrl, second!.inviteCode!);
    expect(rejoined.member.id).not.toBe(member.member.id);
    expect(await poolEntry(owner.client, connection.id, person.userName)).toMatchObject({ status: 'member', memberId: rejoined.member.id });
  });

  it('reactivation by Entra ("True") makes a removed person invitable again too', async () => {
    const entraConnection = await createConnection(owner.client, 'Entra (rules)', 'azure-ad');
    const entra = entraFor(entraConnection);
    const person = personAt(3, { seed: 99, domain: 'rules.example', prefix: 'entra-react-', externalIdStyle: 'entra' });
    const provisioned = await entra.provisionUser(person);
    expect(provisioned.created).toBe(true);
    const entry = await poolEntry(owner.client, entraConnection.id, person.userName);
    const [first] = await inviteFromPool(owner.client, entraConnection.id, [entry.id]);
    const member = await redeem(server.baseUrl, first!.inviteCode!);

    expect([200, 204]).toContain((await entra.disable(provisioned.id!)).status);
    await events.next<any>('member.removed', WITHIN_A_SECOND, (e) => e.data.memberId === member.member.id);
    expect((await inviteFromPool(owner.client, entraConnection.id, [entry.id]))[0]).toMatchObject({ outcome: 'deactivated' });

    expect([200, 204]).toContain((await entra.enable(provisioned.id!)).status);
    expect(await poolEntry(owner.client, entraConnection.id, person.userName)).toMatchObject({ status: 'available', directoryActive: true });
    const [second] = await inviteFromPool(owner.client, entraConnection.id, [entry.id]);
    expect(second!.outcome).toBe('invited');
    expect((await redeem(server.baseUrl, second!.inviteCode!)).member.email).toBe(person.email);
  });

  it('secret rotation without a grace period: the old secret stops at once', async () => {
    const rotating = await createConnection(owner.client, 'Rotate now', 'okta');
    const oldSecret = rotating.secret;
    const response = await owner.client.post(`/connections/${rotating.id}/rotate-secret`, { graceSeconds: 0 });
    const body = expectStatus(response, 200, 'rotate-secret');
    const newSecret = body.authenticationSecret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(body.connection?.id ?? body.connectionId).toBe(rotating.id);
    expect((await new ScimClient(rotating.endpointBaseUrl, { secret: oldSecret }).get('/Users')).status).toBe(401);
    expect((await new ScimClient(rotating.endpointBaseUrl, { secret: newSecret }).get('/Users')).status).toBe(200);
    // The secret never appears again.
    expect(JSON.stringify((await owner.client.get(`/connections/${rotating.id}`)).body)).not.toContain(newSecret);
  });

  it('secret rotation with a grace period: both secrets work until it ends, then only the new one', async () => {
    const rotating = await createConnection(owner.client, 'Rotate gently', 'azure-ad');
    const oldSecret = rotating.secret;
    const body = expectStatus(await owner.client.post(`/connections/${rotating.id}/rotate-secret`, { graceSeconds: HOUR_S }), 200, 'rotate-secret');
    const newSecret = body.authenticationSecret as string;
    const as = (secret: string) => new ScimClient(rotating.endpointBaseUrl, { secret });
    expect((await as(oldSecret).get('/Users')).status).toBe(200);
    expect((await as(newSecret).get('/Users')).status).toBe(200);
    offsetMs += (HOUR_S - 60) * 1000;
    expect((await as(oldSecret).get('/Users')).status).toBe(200);
    offsetMs += 120 * 1000;
    expect((await as(oldSecret).get('/Users')).status).toBe(401);
    expect((await as(newSecret).get('/Users')).status).toBe(200);
    // Out-of-range grace periods are refused, not clamped.
    const tooLong = await owner.client.post(`/connections/${rotating.id}/rotate-secret`, { graceSeconds: 8 * 24 * HOUR_S });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'invalid_request', field: 'graceSeconds' });
  });

  it('a deleted connection answers 410 and removes nobody', async () => {
    const doomed = await createConnection(owner.client, 'Doomed', 'okta');
    const doomedOkta = oktaFor(doomed);
    const person = personAt(2, { seed: 99, domain: 'rules.example', prefix: 'doomed-' });
    const pushed = await doomedOkta.pushNewUser(oktaProfileOf(person));
    const entry = await poolEntry(owner.client, doomed.id, person.userName);
    const [outcome] = await inviteFromPool(owner.client, doomed.id, [entry.id]);
    const member = await redeem(server.baseUrl, outcome!.inviteCode!);

    const deletion = await owner.client.delete(`/connections/${doomed.id}`);
    expect([200, 204], deletion.text).toContain(deletion.status);
    expect((await owner.client.get(`/connections/${doomed.id}`)).status).toBe(404);
    const list = expectStatus(await owner.client.get('/connections'), 200, 'GET /connections');
    expect((list.items ?? list).map((c: any) => c.id)).not.toContain(doomed.id);

    const [deactivate] = await doomedOkta.deactivate(pushed.id!);
    expect(deactivate!.status).toBe(410);
    expect(deactivate!.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '410' });
    expect((await doomedOkta.client.delete(`/Users/${pushed.id!}`)).status).toBe(410);
    expect((await doomedOkta.testConnection()).status).toBe(410);

    // Nobody was removed: the member is still active and still signed in.
    expect((await member.client.get('/session')).status).toBe(200);
    expect(await activeMemberIds(owner.client)).toContain(member.member.id);
    expect(events.collected('member.removed').filter((e) => e.data.memberId === member.member.id)).toEqual([]);
    // Its pool stays readable, as history.
    const history = await pool(owner.client, doomed.id);
    expect(history.items.find((e) => e.userName === person.userName)).toMatchObject({ memberId: member.member.id });
  });
});
