/**
 * The concurrency limit (server/concurrencyLimit.ts) over real HTTP: past the limit a request is
 * answered 429 with Retry-After at once, in the SCIM error schema under /scim and in the admin
 * API's shape elsewhere; slots come back when responses end or clients hang up; health checks and
 * live-event streams never take one.
 */
import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { concurrencyLimit, OVERLOAD_RETRY_AFTER_SECONDS } from '../../server/concurrencyLimit.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { AdminClient, signInOwner } from '../support/adminClient.js';
import { subscribeEvents, type SseSubscription } from '../support/sse.js';
import { SCIM_ERROR, SCIM_USER } from '../../shared/scim/urns.js';

/** Polls until `condition` holds (the server updates its counters asynchronously to the client). */
async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A request whose headers arrive but whose body never completes: it holds a slot until the socket closes. */
function openStalledPost(baseUrl: string, path: string, headers: Record<string, string>): Promise<net.Socket> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      const lines = [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Type: application/scim+json', 'Content-Length: 1000'];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n{"schemas":`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/**
 * Opens `count` connections and waits until the server has accepted them all, then writes one GET
 * on each in the same tick, so that the server reads them in the same turn of its event loop.
 */
async function sendTogether(server: http.Server, path: string, count: number): Promise<number[]> {
  const { port } = server.address() as AddressInfo;
  const sockets = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    })),
  );
  const accepted = () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
  while ((await accepted()) < count) await new Promise((r) => setTimeout(r, 5));
  const answers = sockets.map(
    (socket) =>
      new Promise<number>((resolve) => {
        let text = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
      }),
  );
  for (const socket of sockets) socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  return Promise.all(answers);
}

describe('concurrency limit on a bare Fastify app', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** An app whose /slow requests wait until the test opens the gate. */
  async function gatedApp(maxConcurrent: number) {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    app = Fastify();
    await app.register(concurrencyLimit, { maxConcurrent, exemptRoutes: ['/health'] });
    app.get('/slow', async () => {
      await gate;
      return { ok: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    app.get('/health', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return { baseUrl, openGate: () => open(), state: app.concurrencyLimit };
  }

  it('answers 429 with Retry-After past the limit while the accepted requests wait, then accepts again', async () => {
    const { baseUrl, openGate, state } = await gatedApp(3);
    const held = Array.from({ length: 3 }, () => fetch(`${baseUrl}/slow`));
    await until(() => state.inFlight === 3, 'three requests in flight');

    const refused = await Promise.all(Array.from({ length: 5 }, () => fetch(`${baseUrl}/fast`)));
    for (const response of refused) {
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe(String(OVERLOAD_RETRY_AFTER_SECONDS));
      expect(await response.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/Too many requests.*3 requests at once/) } });
    }
    expect(state.refused).toBe(5);
    // Exempt routes pass even now.
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);

    openGate();
    for (const response of await Promise.all(held)) expect(response.status).toBe(200);
    await until(() => state.inFlight === 0, 'slots released');
    expect((await fetch(`${baseUrl}/fast`)).status).toBe(200);
  });

  it('counts requests that arrive together even when handlers never wait (synchronous SQLite)', async () => {
    app = Fastify();
    await app.register(concurrencyLimit, { maxConcurrent: 2 });
    let busy = 0;
    app.get('/sync', () => {
      // Busy without yielding, like a handler on better-sqlite3.
      const until = performance.now() + 2;
      while (performance.now() < until) busy++;
      return { ok: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const statuses = await sendTogether(app.server, '/sync', 10);
    // Without the limiter's yield, each request would run to completion before the next one is
    // even read, none would ever be refused, and the other eight would wait instead.
    expect(statuses.sort()).toEqual([200, 200, ...Array(8).fill(429)]);
    expect(busy).toBeGreaterThan(0);
  });

  it('gives the slot back when the client hangs up before the answer', async () => {
    const { baseUrl, openGate, state } = await gatedApp(1);
    const abort = new AbortController();
    const abandoned = fetch(`${baseUrl}/slow`, { signal: abort.signal }).catch((error: Error) => error);
    await until(() => state.inFlight === 1, 'one request in flight');
    expect((await fetch(`${baseUrl}/fast`)).status).toBe(429);
    abort.abort();
    expect(await abandoned).toBeInstanceOf(Error);
    await until(() => state.inFlight === 0, 'the abandoned request to release its slot');
    expect((await fetch(`${baseUrl}/fast`)).status).toBe(200);
    openGate();
  });

  it('does not limit at all with 0, and refuses a negative or fractional limit', async () => {
    const { baseUrl, openGate, state } = await gatedApp(0);
    const held = Array.from({ length: 20 }, () => fetch(`${baseUrl}/slow`));
    const meanwhile = await Promise.all(Array.from({ length: 20 }, () => fetch(`${baseUrl}/fast`)));
    expect(meanwhile.map((r) => r.status)).toEqual(Array(20).fill(200));
    openGate();
    await Promise.all(held);
    expect(state.refused).toBe(0);

    for (const bad of [-1, 1.5]) {
      const other = Fastify();
      await expect(other.register(concurrencyLimit, { maxConcurrent: bad }).ready()).rejects.toThrow(/whole number/);
      await other.close();
    }
  });
});

describe('concurrency limit in the backend', () => {
  let server: TestServer | undefined;
  const sockets: net.Socket[] = [];
  const streams: SseSubscription[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const stream of streams.splice(0)) await stream.close();
    await server?.close();
    server = undefined;
  });

  it('refuses in the SCIM error schema on /scim and the admin API shape on /api, never health or live events', async () => {
    server = await startTestServer({ maxConcurrentRequests: 1 });
    const connection = await server.createConnection();
    const owner = await signInOwner(server, 'Busy Org', 'owner@busy.example');
    const scim = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    const state = server.app.concurrencyLimit;

    // A slow client holds the only slot: its headers arrived, its body never does.
    const scimPath = new URL(connection.endpointBaseUrl).pathname;
    sockets.push(await openStalledPost(server.baseUrl, `${scimPath}/Users`, { Authorization: `Bearer ${connection.authenticationSecret}` }));
    await until(() => state.inFlight === 1, 'the stalled request to hold the slot');

    const scimRefusal = await scim.get('/Users');
    expect(scimRefusal.status).toBe(429);
    expect(scimRefusal.headers.get('retry-after')).toBe('1');
    expect(scimRefusal.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(scimRefusal.body).toEqual({ schemas: [SCIM_ERROR], status: '429', detail: expect.stringContaining('Too many requests') });

    const apiRefusal = await owner.client.get('/connections');
    expect(apiRefusal.status).toBe(429);
    expect(apiRefusal.headers.get('retry-after')).toBe('1');
    expect(apiRefusal.body).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('Too many requests') } });

    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    // A live-event stream opens while the server is full, and holds no slot once open.
    streams.push(await subscribeEvents(server.baseUrl, owner.deviceToken));
    expect(state.inFlight).toBe(1);

    sockets.pop()!.destroy();
    await until(() => state.inFlight === 0, 'the stalled request to release its slot');
    const created = await scim.post('/Users', { schemas: [SCIM_USER], userName: 'after.overload@example.com' });
    expect(created.status, created.text).toBe(201);
    expect((await new AdminClient(server.baseUrl, owner.deviceToken).get('/connections')).status).toBe(200);
  });
});
