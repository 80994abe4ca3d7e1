import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveEvents, SseParser } from '../../main/services/liveEvents.js';
import type { PushMessage } from '../../shared/ipc.js';
import { LiveEvent } from '../../shared/api/events.js';
import type { Actor } from '../../shared/api/common.js';

const ORG = '6f1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b';
const MEMBER = '7f1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b';
const CONNECTION = '8f1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b';

function frame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

async function waitFor(what: string, probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const servers: http.Server[] = [];
async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const following: LiveEvents[] = [];
afterEach(async () => {
  for (const live of following.splice(0)) live.stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('SseParser', () => {
  it('parses events across chunks, with comments, multi-line data and CRLF', () => {
    const events: [string, string][] = [];
    const parser = new SseParser((type, data) => events.push([type, data]));
    parser.push(': heartbeat\n\nevent: pool.changed\r\ndata: {"a":');
    parser.push('1}\r\n\r');
    parser.push('\ndata: line1\ndata: line2\n\n');
    expect(events).toEqual([
      ['pool.changed', '{"a":1}'],
      ['message', 'line1\nline2'],
    ]);
  });
});

describe('LiveEvents', () => {
  it('pushes contract events with the account id, ignores others, and reconnects when the stream drops', async () => {
    let connections = 0;
    const authHeaders: (string | undefined)[] = [];
    const baseUrl = await serve((request, response) => {
      connections++;
      authHeaders.push(request.headers.authorization);
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write(frame('ready', { type: 'ready', orgId: ORG, memberId: MEMBER }));
      response.write(frame('bogus', { type: 'bogus' }));
      response.write(frame('pool.changed', { type: 'pool.changed', connectionId: CONNECTION, poolEntryIds: [] }));
      if (connections === 1) response.end(); // the first stream drops at once
    });
    const pushed: PushMessage[] = [];
    const live = new LiveEvents({ push: (m) => pushed.push(m), backoffMs: [50] });
    following.push(live);
    live.follow('acc-1', async () => ({ baseUrl, token: 'tok' }));
    await waitFor('two connections', () => connections >= 2 && pushed.length >= 4);
    expect(authHeaders[0]).toBe('Bearer tok');
    expect(pushed.slice(0, 2)).toEqual([
      { kind: 'live', accountId: 'acc-1', event: { type: 'ready', orgId: ORG, memberId: MEMBER } },
      { kind: 'live', accountId: 'acc-1', event: { type: 'pool.changed', connectionId: CONNECTION, poolEntryIds: [] } },
    ]);
    live.stop();
    expect(live.accountId).toBeNull();
  });

  it('stops for good when the backend refuses the token', async () => {
    let connections = 0;
    const baseUrl = await serve((_request, response) => {
      connections++;
      response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":{"code":"unauthorized","message":"no"}}');
    });
    const refused: string[] = [];
    const live = new LiveEvents({ push: () => undefined, backoffMs: [10], onUnauthorized: (id) => refused.push(id) });
    following.push(live);
    live.follow('acc-1', async () => ({ baseUrl, token: 'revoked' }));
    await waitFor('the refusal', () => refused.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connections).toBe(1);
    expect(live.accountId).toBeNull();
  });

  it('following another account ends the first stream', async () => {
    const open = new Set<http.ServerResponse>();
    const baseUrl = await serve((_request, response) => {
      open.add(response);
      response.on('close', () => open.delete(response));
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write(frame('ready', { type: 'ready', orgId: ORG, memberId: MEMBER }));
    });
    const pushed: PushMessage[] = [];
    const live = new LiveEvents({ push: (m) => pushed.push(m) });
    following.push(live);
    live.follow('acc-1', async () => ({ baseUrl, token: 'a' }));
    await waitFor('first stream', () => pushed.length === 1);
    live.follow('acc-2', async () => ({ baseUrl, token: 'b' }));
    await waitFor('second stream', () => pushed.length === 2);
    await waitFor('the first stream closed', () => open.size === 1);
    expect(pushed.map((m) => (m.kind === 'live' ? m.accountId : ''))).toEqual(['acc-1', 'acc-2']);
  });
});

describe('LiveEvents: every event of the contract reaches the renderer', () => {
  it('forwards one sample of each LiveEvent type, unchanged', async () => {
    const actor: Actor = { type: 'connection', id: CONNECTION, label: 'Okta' };
    const samples: Record<LiveEvent['type'], LiveEvent> = {
      ready: { type: 'ready', orgId: ORG, memberId: MEMBER },
      'pool.changed': { type: 'pool.changed', connectionId: CONNECTION, poolEntryIds: [MEMBER] },
      'member.removed': { type: 'member.removed', memberId: MEMBER, name: 'A', email: 'a@example.com', by: actor, revokedDevices: 2, cancelledInvites: 1 },
      'invite.cancelled': { type: 'invite.cancelled', inviteId: MEMBER, email: 'a@example.com', by: actor },
      'member.removal_refused': { type: 'member.removal_refused', memberId: MEMBER, name: 'A', reason: 'last owner', alertId: ORG, by: actor },
      'connection.health': { type: 'connection.health', connectionId: CONNECTION },
      'member.changed': { type: 'member.changed', memberId: MEMBER },
      'invite.changed': { type: 'invite.changed', inviteId: MEMBER },
    };
    // The sample list covers the whole union (the Record type fails to compile otherwise).
    expect(Object.keys(samples).sort()).toEqual(LiveEvent.options.map((o) => o.shape.type.value).sort());
    const baseUrl = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (const event of Object.values(samples)) response.write(frame(event.type, event));
    });
    const pushed: PushMessage[] = [];
    const live = new LiveEvents({ push: (m) => pushed.push(m) });
    following.push(live);
    live.follow('acc-1', async () => ({ baseUrl, token: 'tok' }));
    await waitFor('every event', () => pushed.length >= Object.keys(samples).length);
    expect(pushed).toEqual(Object.values(samples).map((event) => ({ kind: 'live', accountId: 'acc-1', event })));
  });
});
