/**
 * Who may call the admin API, over real HTTP.
 *
 * Driven by `declaredRoutes` (every route declared with `adminRoute`, with its `access`), read
 * after the app is built: a route added later is covered without touching this file.
 *  - every 'member' or 'manager' route: 401 without a token and with a garbage token;
 *  - every 'manager' route: 403 for a plain member;
 *  - only the routes listed in PUBLIC_ROUTES may be public.
 * Then two orgs in one backend: org B's owner never sees org A's connections, pool, members,
 * invites, audit, alerts or live events, whatever ids it sends.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { AdminClient, expectStatus, redeem, signInOwner, type SignedIn } from '../support/adminClient.js';
import { subscribeEvents, type SseSubscription } from '../support/sse.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { generatePeople, personAt } from '../idp/common.js';
import { declaredRoutes } from '../../server/admin/route.js';
import type { PoolEntry } from '../../shared/api/pool.js';

/** The routes that may be called without a device token; anything else public is a hole. */
const PUBLIC_ROUTES = ['POST /session/redeem', 'GET /openapi.json'];

/**
 * The routes a plain member (not owner or admin) may call. The issue says every admin endpoint
 * refuses members; the session routes are what signing in means. A new member-level route fails
 * this list until someone decides it belongs here.
 */
const MEMBER_ROUTES = ['GET /session', 'DELETE /session'];

/** The admin API of the issue; each must be declared (so it is covered below). */
const CONTRACT_ROUTES = [
  'POST /session/redeem',
  'GET /session',
  'DELETE /session',
  'GET /connections',
  'POST /connections',
  'GET /connections/:id',
  'PATCH /connections/:id',
  'DELETE /connections/:id',
  'POST /connections/:id/rotate-secret',
  'GET /connections/:id/requests',
  'GET /connections/:connectionId/pool',
  'POST /invites/from-pool',
  'POST /invites',
  'GET /invites',
  'DELETE /invites/:id',
  'GET /members',
  'DELETE /members/:id',
  'PATCH /members/:id',
  'POST /members/:id/link',
  'GET /audit',
  'GET /alerts',
  'POST /alerts/:id/dismiss',
  'GET /events',
];

/** Manager-only in the issue: a plain member must get 403 from each. */
const CONTRACT_MANAGER_ROUTES = [
  'POST /connections',
  'PATCH /connections/:id',
  'DELETE /connections/:id',
  'POST /connections/:id/rotate-secret',
  'POST /invites/from-pool',
  'POST /invites',
  'DELETE /invites/:id',
  'DELETE /members/:id',
  'PATCH /members/:id',
  'POST /members/:id/link',
];

let server: TestServer;
let orgA: SignedIn & { orgId: string };
let orgB: SignedIn & { orgId: string };
let memberOfA: SignedIn;
/** A device of org A that signed out (DELETE /session): its token must be as dead as garbage. */
let signedOutToken: string;
let routes: Array<{ method: string; url: string; access: string }>;

/** `/connections/:id/pool` → a path with a syntactically valid id in each parameter. */
const fill = (url: string, id = randomUUID()) => url.replace(/:[A-Za-z]+/g, id);
/** Same shape regardless of parameter names, for comparing with the contract. */
const shape = (route: string) => route.replace(/:[A-Za-z]+/g, ':_');
const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

/**
 * The admin routes Fastify serves, as `METHOD /path` with parameters written `:_`, read from
 * `printRoutes({ commonPrefix: false })` (a tree: 4 characters of indentation per level, methods in
 * parentheses; HEAD is Fastify's automatic twin of GET).
 */
function servedAdminRoutes(tree: string): string[] {
  const parents: string[] = [];
  const served: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    // `/:id|:connectionId`: one node for parameters named differently on different routes.
    const segment = match[2]!.replace(/:[A-Za-z0-9_]+(?:\|:[A-Za-z0-9_]+)*/g, ':_');
    const path = (parents[depth - 1] ?? '') + segment;
    parents[depth] = path;
    parents.length = depth + 1;
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (method !== '' && method !== 'HEAD') served.push(`${method} ${path.slice('/api/v1'.length)}`);
    }
  }
  return served;
}

async function inviteByEmailAndRedeem(admin: SignedIn, email: string, role: 'member' | 'admin'): Promise<SignedIn> {
  const invite = await admin.client.post('/invites', { email, name: email.split('@')[0], role });
  expect([200, 201], invite.text).toContain(invite.status);
  const code: string | undefined = invite.body?.inviteCode ?? invite.body?.results?.[0]?.inviteCode;
  if (!code) throw new Error(`POST /invites returned no inviteCode: ${invite.text}`);
  return redeem(admin.client.baseUrl, code);
}

function send(client: AdminClient, method: string, url: string) {
  return client.request(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
}

beforeAll(async () => {
  // Garbage tokens count as failed sign-ins per address; all of them come from 127.0.0.1 here.
  // (startTestServer passes its options through to buildApp; `failedSignIn` is not in its type yet.)
  const options = { failedAuth: { maxFailures: 10_000, windowMs: 60_000 }, failedSignIn: { maxFailures: 10_000, windowMs: 60_000 } };
  server = await startTestServer(options);
  orgA = await signInOwner(server, 'Org A', 'owner@a.example');
  orgB = await signInOwner(server, 'Org B', 'owner@b.example');
  // A plain member of org A: invited by email, code redeemed.
  memberOfA = await inviteByEmailAndRedeem(orgA, 'plain@a.example', 'member');
  expect(memberOfA.member.role).toBe('member');
  const leaver = await inviteByEmailAndRedeem(orgA, 'leaver@a.example', 'admin');
  expect((await leaver.client.delete('/session')).status).toBe(204);
  signedOutToken = leaver.deviceToken;
  // One entry per route, whatever number of apps this worker built (every build declares again).
  const unique = new Map(declaredRoutes.map((r) => [key(r), { method: r.method, url: r.url, access: r.access }]));
  routes = [...unique.values()];
});
afterAll(async () => server?.close());

describe('every declared admin route', () => {
  it('covers the whole contract of the issue', () => {
    const declared = new Set(routes.map((r) => shape(key(r))));
    const missing = CONTRACT_ROUTES.filter((r) => !declared.has(shape(r)));
    expect(missing, 'routes of the contract that are not declared (so not authorised or documented by adminRoute)').toEqual([]);
    const manager = new Set(routes.filter((r) => r.access === 'manager').map((r) => shape(key(r))));
    expect(CONTRACT_MANAGER_ROUTES.filter((r) => declared.has(shape(r)) && !manager.has(shape(r))), 'should be manager-only').toEqual([]);
  });

  it('includes every admin API route the server actually serves (none bypasses adminRoute)', () => {
    const served = servedAdminRoutes(server.app.printRoutes({ commonPrefix: false }));
    expect(served.length, 'could not read the routing table').toBeGreaterThan(5);
    const declared = new Set(routes.map((r) => shape(key(r))));
    expect(served.filter((r) => !declared.has(r)), 'served under /api/v1 but not declared').toEqual([]);
  });

  it('documents each route in /openapi.json with the security it really has', async () => {
    const response = await new AdminClient(server.baseUrl).get('/openapi.json');
    expect(response.status).toBe(200);
    const paths = response.body.paths as Record<string, Record<string, any>>;
    const wrong: string[] = [];
    for (const route of routes) {
      const operation = paths[route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (!operation) wrong.push(`${key(route)}: not documented`);
      else if ((route.access === 'public') !== (Array.isArray(operation.security) && operation.security.length === 0)) {
        wrong.push(`${key(route)}: documented security ${JSON.stringify(operation.security)} but access is ${route.access}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('is public, or open to plain members, only when meant to be', () => {
    const publicRoutes = routes.filter((r) => r.access === 'public').map(key);
    expect(publicRoutes.filter((r) => !PUBLIC_ROUTES.includes(r))).toEqual([]);
    const memberRoutes = routes.filter((r) => r.access === 'member').map(key);
    expect(memberRoutes.filter((r) => !MEMBER_ROUTES.includes(r)), 'open to plain members').toEqual([]);
  });

  it('refuses anonymous callers, garbage and signed-out tokens with 401 (member and manager routes)', async () => {
    const callers = [
      ['anonymous', new AdminClient(server.baseUrl)],
      ['garbage', new AdminClient(server.baseUrl, 'not-a-token')],
      ['garbage', new AdminClient(server.baseUrl, `sds_${'x'.repeat(40)}`)],
      ['signed out', new AdminClient(server.baseUrl, signedOutToken)],
    ] as const;
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access !== 'public')) {
      for (const [who, client] of callers) {
        const response = await send(client, route.method, fill(route.url));
        if (response.status !== 401 || response.body?.error?.code !== 'unauthorized') wrong.push(`${key(route)} as ${who}: ${response.status} ${response.text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(routes.filter((r) => r.access !== 'public').length).toBeGreaterThan(5);
  });

  it('refuses a plain member with 403 on every manager route', async () => {
    const wrong: string[] = [];
    const managerRoutes = routes.filter((r) => r.access === 'manager');
    for (const route of managerRoutes) {
      const response = await send(memberOfA.client, route.method, fill(route.url));
      if (response.status !== 403 || response.body?.error?.code !== 'forbidden') wrong.push(`${key(route)}: ${response.status} ${response.text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
    expect(managerRoutes.length).toBeGreaterThan(5);
    // The member is still signed in and may use member routes.
    expect((await memberOfA.client.get('/session')).status).toBe(200);
  });

  it('follows role changes at once: a demoted admin is refused and their live stream ends', async () => {
    const promoted = await inviteByEmailAndRedeem(orgA, 'promoted@a.example', 'member');
    expect((await promoted.client.get('/alerts')).status).toBe(403);
    const promote = await orgA.client.patch(`/members/${promoted.member.id}`, { role: 'admin' });
    expect(promote.status, promote.text).toBe(200);
    expect((await promoted.client.get('/alerts')).status).toBe(200);
    const stream = await subscribeEvents(server.baseUrl, promoted.deviceToken);
    try {
      expect((await orgA.client.patch(`/members/${promoted.member.id}`, { role: 'member' })).status).toBe(200);
      expect((await promoted.client.get('/alerts')).status).toBe(403);
      expect(await stream.endsWithin(1000), stream.describe()).toBe(true);
    } finally {
      await stream.close();
    }
  });

  it('a device that signs out stops receiving live events at once', async () => {
    const quitter = await inviteByEmailAndRedeem(orgA, 'quitter@a.example', 'admin');
    const stream = await subscribeEvents(server.baseUrl, quitter.deviceToken);
    try {
      expect((await quitter.client.delete('/session')).status).toBe(204);
      expect((await quitter.client.get('/session')).status).toBe(401);
      // Something happens in the org after the sign-out.
      const invite = await orgA.client.post('/invites', { email: 'after-signout@a.example', name: 'After', role: 'member' });
      expect([200, 201]).toContain(invite.status);
      const ended = await stream.endsWithin(1000);
      const leaked = stream.collected().filter((e) => e.type !== 'ready');
      expect(leaked.map((e) => e.type), 'events delivered to a signed-out device').toEqual([]);
      expect(ended, 'the signed-out device\'s stream should end').toBe(true);
    } finally {
      await stream.close();
    }
  });

  it('lets a plain member call the member routes it reads (no 401/403)', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access === 'member' && r.method === 'GET' && !r.url.includes(':') && r.url !== '/events')) {
      const response = await memberOfA.client.get(route.url);
      if (response.status === 401 || response.status === 403) wrong.push(`${key(route)}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('two orgs in one backend', () => {
  let connectionA: { id: string; endpointBaseUrl: string; secret: string };
  let oktaA: OktaSimulator;
  /** In the order pushed; scimIdsA[i] is the SCIM id Okta holds for entriesA[i]. */
  let entriesA: PoolEntry[];
  const scimIdsA: string[] = [];
  let invitedMemberA: SignedIn;
  let pendingInviteA: string;
  let alertA: string;
  let eventsA: SseSubscription;
  let eventsB: SseSubscription;

  beforeAll(async () => {
    eventsA = await subscribeEvents(server.baseUrl, orgA.deviceToken);
    eventsB = await subscribeEvents(server.baseUrl, orgB.deviceToken);
    const created = expectStatus(await orgA.client.post('/connections', { name: 'A Okta', provider: 'okta' }), 201, 'POST /connections');
    connectionA = { id: created.connection.id, endpointBaseUrl: created.connection.endpointBaseUrl, secret: created.authenticationSecret };
    oktaA = new OktaSimulator({ endpointBaseUrl: connectionA.endpointBaseUrl, secret: connectionA.secret });
    const people = generatePeople(4, { seed: 5, domain: 'a.example', prefix: 'a-' });
    for (const person of people) {
      const pushed = await oktaA.pushNewUser(oktaProfileOf(person));
      expect(pushed.created).toBe(true);
      scimIdsA.push(pushed.id!);
    }
    const pool: PoolEntry[] = expectStatus(await orgA.client.get(`/connections/${connectionA.id}/pool`), 200, 'pool A').items;
    expect(pool).toHaveLength(4);
    entriesA = people.map((p) => pool.find((e) => e.userName === p.userName)!);
    const fromPool = await orgA.client.post('/invites/from-pool', { connectionId: connectionA.id, poolEntryIds: [entriesA[0]!.id, entriesA[1]!.id] });
    expect([200, 201], fromPool.text).toContain(fromPool.status);
    const invited = fromPool.body;
    invitedMemberA = await redeem(server.baseUrl, invited.results[0].inviteCode);
    pendingInviteA = invited.results[1].invite.id;
    // An alert in org A: its last owner linked to a directory user that then gets deactivated.
    const ownerPerson = { ...personAt(9, { seed: 5 }), userName: 'owner@a.example', email: 'owner@a.example' };
    const pushed = await oktaA.pushNewUser(oktaProfileOf(ownerPerson));
    const ownerEntry = (expectStatus(await orgA.client.get(`/connections/${connectionA.id}/pool`, { search: 'owner@a.example' }), 200, 'pool').items as PoolEntry[])[0]!;
    expectStatus(await orgA.client.post(`/members/${orgA.member.id}/link`, { poolEntryId: ownerEntry.id }), 200, 'link');
    await oktaA.deactivate(pushed.id!);
    alertA = (await eventsA.next<any>('member.removal_refused', 1000)).data.alertId;
  });
  afterAll(async () => {
    await eventsA?.close();
    await eventsB?.close();
  });

  const notFoundOrEmpty = (response: { status: number; body: any; text: string }, idsOfA: string[]) => {
    if (response.status === 404) return;
    expect(response.status, response.text).toBe(200);
    for (const id of idsOfA) expect(response.text).not.toContain(id);
  };

  it("org B cannot see or touch org A's connection", async () => {
    const b = orgB.client;
    const list = expectStatus(await b.get('/connections'), 200, 'GET /connections');
    expect(JSON.stringify(list)).not.toContain(connectionA.id);
    expect((await b.get(`/connections/${connectionA.id}`)).status).toBe(404);
    expect((await b.patch(`/connections/${connectionA.id}`, { name: 'Hijacked' })).status).toBe(404);
    expect((await b.post(`/connections/${connectionA.id}/rotate-secret`, { graceSeconds: 0 })).status).toBe(404);
    notFoundOrEmpty(await b.get(`/connections/${connectionA.id}/requests`), [connectionA.id, entriesA[0]!.userName]);
    expect((await b.delete(`/connections/${connectionA.id}`)).status).toBe(404);
    // Still A's, unchanged and working.
    expect(expectStatus(await orgA.client.get(`/connections/${connectionA.id}`), 200, 'GET A connection').name).toBe('A Okta');
    expect((await oktaA.testConnection()).status).toBe(200);
  });

  it("org B cannot see org A's pool or invite from it", async () => {
    const b = orgB.client;
    notFoundOrEmpty(await b.get(`/connections/${connectionA.id}/pool`), entriesA.map((e) => e.userName));
    const steal = await b.post('/invites/from-pool', { connectionId: connectionA.id, poolEntryIds: [entriesA[2]!.id], role: 'admin' });
    if (steal.status !== 404) {
      expect([200, 201], steal.text).toContain(steal.status);
      for (const result of steal.body.results) expect(result).toMatchObject({ outcome: 'not_found', inviteCode: null, invite: null });
      expect(steal.text).not.toContain(entriesA[2]!.userName);
    }
    const entry = (expectStatus(await orgA.client.get(`/connections/${connectionA.id}/pool`, { search: entriesA[2]!.userName }), 200, 'pool').items as PoolEntry[])[0];
    expect(entry).toMatchObject({ status: 'available', inviteId: null });
    // Linking B's own owner to A's pool entry is refused too.
    expect((await b.post(`/members/${orgB.member.id}/link`, { poolEntryId: entriesA[3]!.id })).status).toBe(404);
  });

  it("org B cannot see or change org A's members and invites", async () => {
    const b = orgB.client;
    const members = expectStatus(await b.get('/members', { pageSize: 500 }), 200, 'GET /members');
    expect(members.items.map((m: any) => m.id)).toEqual([orgB.member.id]);
    const removedMembers = expectStatus(await b.get('/members', { status: 'removed' }), 200, 'GET /members?status=removed');
    expect(removedMembers.items).toEqual([]);
    expect((await b.patch(`/members/${invitedMemberA.member.id}`, { role: 'admin' })).status).toBe(404);
    expect((await b.delete(`/members/${invitedMemberA.member.id}`)).status).toBe(404);
    expect((await b.post(`/members/${invitedMemberA.member.id}/link`, { poolEntryId: entriesA[3]!.id })).status).toBe(404);
    const invites = expectStatus(await b.get('/invites', { pageSize: 500 }), 200, 'GET /invites');
    expect(invites.items).toEqual([]);
    expect((await b.delete(`/invites/${pendingInviteA}`)).status).toBe(404);
    // A's member and invite are untouched.
    expect((await invitedMemberA.client.get('/session')).body.member).toMatchObject({ role: 'member' });
    const invitesA = expectStatus(await orgA.client.get('/invites', { status: 'pending' }), 200, 'GET /invites A').items as any[];
    expect(invitesA.map((i) => i.id)).toContain(pendingInviteA);
  });

  it("org B's audit log and alerts hold nothing of org A's", async () => {
    const b = orgB.client;
    const audit = expectStatus(await b.get('/audit', { pageSize: 500 }), 200, 'GET /audit');
    const text = JSON.stringify(audit);
    for (const id of [connectionA.id, orgA.member.id, invitedMemberA.member.id, pendingInviteA]) expect(text).not.toContain(id);
    expect(JSON.stringify(expectStatus(await b.get('/audit', { actorId: connectionA.id }), 200, 'GET /audit?actorId'))).not.toContain(connectionA.id);
    const alerts = expectStatus(await b.get('/alerts'), 200, 'GET /alerts');
    expect(alerts.items).toEqual([]);
    expect((await b.post(`/alerts/${alertA}/dismiss`, {})).status).toBe(404);
    const alertsA = expectStatus(await orgA.client.get('/alerts'), 200, 'GET /alerts A').items as any[];
    expect(alertsA.find((a) => a.id === alertA)).toMatchObject({ dismissedAt: null });
  });

  it("org B's live events stay silent while org A changes", async () => {
    // Everything A heard so far: B heard none of it.
    expect(eventsA.collected().length).toBeGreaterThan(0);
    const fresh = personAt(20, { seed: 5, domain: 'a.example', prefix: 'a-late-' });
    const pushed = await oktaA.pushNewUser(oktaProfileOf(fresh));
    await eventsA.next<any>('pool.changed', 1000, (e) => e.data.poolEntryIds.includes(pushed.id));
    await oktaA.deactivate(scimIdsA[0]!);
    await eventsA.next<any>('member.removed', 1000, (e) => e.data.memberId === invitedMemberA.member.id);
    await oktaA.deactivate(scimIdsA[1]!);
    await eventsA.next<any>('invite.cancelled', 1000, (e) => e.data.inviteId === pendingInviteA);
    // Give any stray delivery time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eventsB.collected().filter((e) => e.type !== 'ready' && e.type !== 'ping'), eventsB.describe()).toEqual([]);
    expect(eventsB.ended).toBe(false);
  });
});
