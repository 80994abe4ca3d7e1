/**
 * Live events over Server-Sent Events (real HTTP, Node's fetch with a streaming body): an admin's
 * stream hears what the directory does to the org within a second, another org's stream hears
 * none of it, and a removed member's stream ends.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { createOrgWithOwner } from '../../server/domain/orgs.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { generatePeople } from '../idp/common.js';

let server: TestServer;

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

async function redeem(code: string): Promise<{ token: string; memberId: string; call: Call }> {
  const response = await client(null)('POST', '/session/redeem', { code });
  expect(response.status).toBe(201);
  return { token: response.body.deviceToken, memberId: response.body.member.id, call: client(response.body.deviceToken) };
}

interface SseMessage {
  event: string;
  data: any;
}

/** An SSE subscriber: parses `event:`/`data:` frames as they arrive; `next` waits for one type. */
class Subscriber {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly waiters = new Set<() => void>();
  private readonly controller = new AbortController();
  status = 0;
  contentType: string | null = null;
  headers: Headers | undefined;

  static async open(token: string): Promise<Subscriber> {
    const subscriber = new Subscriber();
    const response = await fetch(`${server.baseUrl}/api/v1/events`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      signal: subscriber.controller.signal,
    });
    subscriber.status = response.status;
    subscriber.headers = response.headers;
    subscriber.contentType = response.headers.get('content-type');
    if (response.ok && response.body) void subscriber.pump(response.body);
    else {
      await response.text();
      subscriber.ended = true;
    }
    open.add(subscriber);
    return subscriber;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) this.comments.push(line);
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length > 0) this.messages.push({ event, data: JSON.parse(data.join('\n')) });
          this.notify();
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves when `predicate` holds, or rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.event))}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** The first message of `type` (matching `match`) not yet taken, within `timeoutMs`. */
  async next(type: string, match: (data: any) => boolean = () => true, timeoutMs = 1000): Promise<any> {
    const find = () => this.messages.find((m) => m.event === type && match(m.data));
    await this.until(() => find() !== undefined, timeoutMs, `"${type}" event`);
    return find()!.data;
  }

  close(): void {
    this.controller.abort();
    open.delete(this);
  }
}

const open = new Set<Subscriber>();
afterEach(() => {
  for (const subscriber of [...open]) subscriber.close();
});

let okta: OktaSimulator;
let connectionId: string;
let owner: { token: string; memberId: string; call: Call };
let otherOwner: { token: string; memberId: string; call: Call };
const people = generatePeople(6, { seed: 77, prefix: 'sse.' });

beforeAll(async () => {
  server = await startTestServer();
  const created = await createOrgWithOwner(server.db, { name: 'Live Org', ownerEmail: 'owner@live.example' });
  owner = await redeem(created.enrollmentCode);
  const other = await createOrgWithOwner(server.db, { name: 'Quiet Org', ownerEmail: 'owner@quiet.example' });
  otherOwner = await redeem(other.enrollmentCode);
  const connection = await server.createConnection({ org: 'Live Org', name: 'Okta', provider: 'okta' });
  connectionId = connection.connectionId;
  okta = new OktaSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret });
});
afterAll(async () => server.close());

describe('GET /events', () => {
  it('streams SSE with the right headers and a ready event first', async () => {
    const subscriber = await Subscriber.open(owner.token);
    expect(subscriber.status).toBe(200);
    expect(subscriber.contentType).toMatch(/^text\/event-stream/);
    expect(subscriber.headers?.get('cache-control')).toBe('no-cache');
    expect(subscriber.headers?.get('x-accel-buffering')).toBe('no');
    const ready = await subscriber.next('ready');
    expect(ready).toMatchObject({ memberId: owner.memberId });
    expect(subscriber.messages[0]!.event).toBe('ready');
  });

  it('hears the directory: pool.changed, member.removed, invite.cancelled, member.removal_refused; another org hears nothing', async () => {
    const subscriber = await Subscriber.open(owner.token);
    const outsider = await Subscriber.open(otherOwner.token);
    await subscriber.next('ready');
    await outsider.next('ready');

    // The directory creates a user.
    const created = await okta.createUser(oktaProfileOf(people[0]!));
    const poolChanged = await subscriber.next('pool.changed', (d) => d.poolEntryIds.includes(created.body.id));
    expect(poolChanged).toEqual({ type: 'pool.changed', connectionId, poolEntryIds: [created.body.id] });

    // Invited from the pool, accepted, then deactivated by the directory: removed, devices revoked.
    const invite = await owner.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [created.body.id] });
    await subscriber.next('invite.changed', (d) => d.inviteId === invite.body.results[0].invite.id);
    const member = await redeem(invite.body.results[0].inviteCode);
    await subscriber.next('member.changed', (d) => d.memberId === member.memberId);
    await okta.deactivate(created.body.id);
    const removed = await subscriber.next('member.removed', (d) => d.memberId === member.memberId);
    expect(removed).toMatchObject({
      memberId: member.memberId,
      email: people[0]!.email,
      name: people[0]!.displayName,
      by: { type: 'connection', id: connectionId, label: 'Okta' },
    });
    expect(removed.revokedDevices).toBeGreaterThanOrEqual(1);

    // The directory deletes someone with a pending invite: the invite is cancelled.
    const pending = await okta.createUser(oktaProfileOf(people[1]!));
    const pendingInvite = await owner.call('POST', '/invites/from-pool', { connectionId, poolEntryIds: [pending.body.id] });
    await okta.replay('Delete the User', 'DELETE', `/Users/${pending.body.id}`);
    const cancelled = await subscriber.next('invite.cancelled', (d) => d.inviteId === pendingInvite.body.results[0].invite.id);
    expect(cancelled).toMatchObject({ email: people[1]!.email, by: { type: 'connection', id: connectionId } });

    // The directory deactivates the last owner: refused, with an alert.
    const ownerUser = await okta.createUser(
      oktaProfileOf({ ...people[2]!, userName: 'owner@live.example', email: 'owner@live.example', givenName: 'Live', familyName: 'Owner', displayName: 'Live Owner' }),
    );
    expect((await owner.call('POST', `/members/${owner.memberId}/link`, { poolEntryId: ownerUser.body.id })).status).toBe(200);
    await okta.deactivate(ownerUser.body.id);
    const refused = await subscriber.next('member.removal_refused', (d) => d.memberId === owner.memberId);
    expect(refused).toMatchObject({ by: { type: 'connection', id: connectionId }, alertId: expect.any(String) });
    expect(refused.reason).toMatch(/last owner/);
    expect(subscriber.ended).toBe(false);

    // Let anything in flight arrive, then check the other org heard none of it.
    await new Promise((r) => setTimeout(r, 200));
    expect(outsider.messages.map((m) => m.event)).toEqual(['ready']);
  });

  it('ends the stream when the subscriber is removed from the org', async () => {
    const invite = await owner.call('POST', '/invites', { email: 'admin@live.example', name: 'Ada Admin', role: 'admin' });
    const admin = await redeem(invite.body.results[0].inviteCode);
    const subscriber = await Subscriber.open(admin.token);
    await subscriber.next('ready');
    expect((await owner.call('DELETE', `/members/${admin.memberId}`)).status).toBe(204);
    await subscriber.until(() => subscriber.ended, 1000, 'end of stream');
    expect(subscriber.messages.find((m) => m.event === 'member.removed')?.data.memberId).toBe(admin.memberId);
    expect((await Subscriber.open(admin.token)).status).toBe(401);
  });

  it('members who are not managers get 403; no token gets 401', async () => {
    const invite = await owner.call('POST', '/invites', { email: 'member@live.example', name: 'Mo Member' });
    const member = await redeem(invite.body.results[0].inviteCode);
    const subscriber = await Subscriber.open(member.token);
    expect(subscriber.status).toBe(403);
    const anonymous = await fetch(`${server.baseUrl}/api/v1/events`);
    expect(anonymous.status).toBe(401);
    await anonymous.text();
  });

  it('a client disconnecting leaves the other subscribers streaming', async () => {
    const leaving = await Subscriber.open(owner.token);
    const staying = await Subscriber.open(owner.token);
    await leaving.next('ready');
    await staying.next('ready');
    leaving.close();
    await new Promise((r) => setTimeout(r, 100));
    const created = await okta.createUser(oktaProfileOf(people[3]!));
    expect(created.status).toBe(201);
    await staying.next('pool.changed', (d) => d.poolEntryIds.includes(created.body.id));
  });
});
