/**
 * The hot read's fast path (server/scim/hotReadFastPath.ts) answers `GET /Users/{id}` without a
 * query before Fastify sees it. Directories must not be able to tell: for the same requests it
 * gives the same status, headers and body as the Fastify route (reached here with `app.inject`,
 * which bypasses the HTTP server and so the fast path), writes the same request-log rows and usage
 * record, shares the concurrency limit and the failed-authentication limit, and leaves every other
 * request to Fastify.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { generatePeople } from '../idp/common.js';
import { OKTA_USER_AGENT, oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { ENTRA_USER_AGENT } from '../idp/entra.js';
import { deleteConnection } from '../../server/domain/connections.js';
import { SCIM_ERROR, SCIM_GROUP } from '../../shared/scim/urns.js';

/** Headers a directory could act on (Date, Connection and Keep-Alive come from Node on both paths). */
const COMPARED_HEADERS = ['content-type', 'content-length', 'www-authenticate', 'retry-after', 'location', 'etag'];

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hot read fast path', () => {
  let server: TestServer | undefined;
  let routedByFastify = 0;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
    server = undefined;
  });

  async function start(options: Parameters<typeof startTestServer>[0] = {}) {
    routedByFastify = 0;
    server = await startTestServer({
      ...options,
      // onResponse: it runs for every request Fastify answers, also those refused by its earlier hooks.
      beforeListen: (app) => app.addHook('onResponse', async () => void routedByFastify++),
    });
    return server;
  }

  /**
   * Fastify's count once earlier requests' onResponse hooks are done (they run after the client
   * has its answer: on PostgreSQL the usage record's write can take a moment; 100 ms of quiet, for a loaded CI machine).
   */
  async function settledFastifyCount(): Promise<number> {
    for (;;) {
      const seen = routedByFastify;
      await new Promise((r) => setTimeout(r, 100));
      if (routedByFastify === seen) return seen;
    }
  }

  /** Over HTTP (the fast path, when it applies). */
  async function overHttp(path: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
    const response = await fetch(`${server!.baseUrl}${path}`, { method, headers });
    const picked: Record<string, string | undefined> = {};
    for (const name of COMPARED_HEADERS) picked[name] = response.headers.get(name) ?? undefined;
    return { status: response.status, headers: picked, text: await response.text() };
  }

  /** Through Fastify's request lifecycle only; returns once its onResponse hooks ran. */
  async function throughFastify(path: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
    const before = await settledFastifyCount();
    const response = await server!.app.inject({ method: method as 'GET', url: path, headers });
    await poll(async () => routedByFastify, (n) => n > before, 'Fastify to finish the request');
    const picked: Record<string, string | undefined> = {};
    for (const name of COMPARED_HEADERS) {
      const value = response.headers[name];
      picked[name] = value === undefined ? undefined : String(value);
    }
    return { status: response.statusCode, headers: picked, text: response.body };
  }

  const logRows = (connectionId: string) =>
    server!.db
      .selectFrom('scim_request_log')
      .select(['method', 'path', 'status', 'error_detail', 'body'])
      .where('connection_id', '=', connectionId)
      .orderBy('seq')
      .execute();

  /** An Okta connection with `count` users created over SCIM and a group holding the `member`-th of them. */
  async function oktaUsersWithAGroup(count: number, groupName: string, member: number) {
    const connection = await server!.createConnection({ provider: 'okta' });
    const scimPath = new URL(connection.endpointBaseUrl).pathname;
    const client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret, userAgent: OKTA_USER_AGENT });
    const people = generatePeople(count);
    const ids: string[] = [];
    for (const person of people) ids.push((await client.post('/Users', oktaCreateUserBody(oktaProfileOf(person)))).body.id as string);
    expect((await client.post('/Groups', { schemas: [SCIM_GROUP], displayName: groupName, members: [{ value: ids[member] }] })).status).toBe(201);
    return { connection, scimPath, client, people, ids };
  }

  it('answers reads, unknown users and refused credentials exactly as the route does, and logs them alike', async () => {
    await start({ failedAuth: { maxFailures: 1000, windowMs: 60_000 } });
    const { connection, scimPath, ids, people } = await oktaUsersWithAGroup(2, 'Engineering', 0);
    const other = await server!.createConnection({ provider: 'okta' });

    const auth = { authorization: `Bearer ${connection.authenticationSecret}`, 'user-agent': OKTA_USER_AGENT };
    const cases: { path: string; headers: Record<string, string>; status: number }[] = [
      { path: `${scimPath}/Users/${ids[0]}`, headers: auth, status: 200 },
      { path: `${scimPath}/Users/${ids[1]}`, headers: auth, status: 200 },
      // Paths are case-insensitive; ids are not.
      { path: `${scimPath.toUpperCase().replace(/[0-9A-F-]{36}/, connection.connectionId)}/USERS/${ids[0]}`, headers: auth, status: 200 },
      { path: `${scimPath}/Users/${ids[0]!.toUpperCase()}`, headers: auth, status: 404 },
      { path: `${scimPath}/Users/no-such-user`, headers: auth, status: 404 },
      { path: `${scimPath}/Users/${ids[0]}`, headers: {}, status: 401 },
      { path: `${scimPath}/Users/${ids[0]}`, headers: { authorization: 'Basic abc' }, status: 401 },
      { path: `${scimPath}/Users/${ids[0]}`, headers: { authorization: `Bearer ${other.authenticationSecret}` }, status: 401 },
      { path: `/scim/v2/00000000-0000-4000-8000-000000000000/Users/${ids[0]}`, headers: auth, status: 401 },
    ];
    for (const { path, headers, status } of cases) {
      const before = await settledFastifyCount();
      const fast = await overHttp(path, headers);
      expect(await settledFastifyCount(), `${path} took the fast path`).toBe(before);
      const route = await throughFastify(path, headers);
      expect(await settledFastifyCount(), `${path} through Fastify`).toBe(before + 1);
      expect(fast.status, `${path} ${JSON.stringify(headers)}: ${fast.text}`).toBe(status);
      expect(fast).toEqual(route);
      expect(fast.headers['content-type']).toBe('application/scim+json');
      if (status >= 400) expect(JSON.parse(fast.text)).toMatchObject({ schemas: [SCIM_ERROR], status: String(status) });
    }
    const user = JSON.parse((await overHttp(`${scimPath}/Users/${ids[0]}`, auth)).text);
    expect(user).toMatchObject({ id: ids[0], userName: people[0]!.email, groups: [{ value: expect.any(String), display: 'Engineering' }] });

    // Every request that reached the connection is logged, once per path, the same way; the
    // refused ones (no valid secret) are not, on either path.
    const reached = cases.filter((c) => c.status === 200 || c.status === 404);
    const rows = await poll(() => logRows(connection.connectionId), (r) => r.filter((row) => row.method === 'GET').length >= reached.length * 2 + 1, 'the request log');
    const reads = rows.filter((row) => row.method === 'GET');
    expect(reads).toHaveLength(reached.length * 2 + 1);
    for (const [i, { path, status }] of reached.entries()) {
      const expected = {
        method: 'GET',
        path: path.replace(/^\/scim\/v2\/[^/]+/i, ''),
        status,
        error_detail: status === 404 ? expect.stringMatching(/^User .* not found\.$/) : null,
        body: null,
      };
      expect(reads[i * 2], `fast path row for ${path}`).toEqual(expected);
      expect(reads[i * 2 + 1], `route row for ${path}`).toEqual(reads[i * 2]);
    }
    expect(await logRows(other.connectionId)).toEqual([]);
  });

  it('answers list pages and filter lookups exactly as the route does, whatever the query looks like', async () => {
    await start();
    const { connection, scimPath, ids, people } = await oktaUsersWithAGroup(5, 'Sales', 2);
    const email = people[2]!.email;

    const auth = { authorization: `Bearer ${connection.authenticationSecret}`, 'user-agent': OKTA_USER_AGENT };
    const queries: [query: string, status: number][] = [
      ['', 200],
      ['?startIndex=1&count=2', 200],
      ['?startindex=3&COUNT=2', 200],
      ['?startIndex=99&count=10', 200],
      ['?count=0', 200],
      // Okta's and Entra's encodings of a userName lookup, a hit in another case, and a miss.
      [`?filter=${encodeURIComponent(`userName eq "${email}"`)}`, 200],
      [`?filter=userName+eq+%22${encodeURIComponent(email.toUpperCase())}%22&startIndex=1&count=100`, 200],
      [`?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`, 200],
      [`?filter=${encodeURIComponent('userName eq "€uro"')}`, 200],
      ['?filter=', 200],
      ['?count=abc', 400],
      [`?filter=${encodeURIComponent('userName eq')}`, 400],
      [`?filter=${encodeURIComponent('nosuchattribute eq "x"')}`, 400],
      ['?filter=a&filter=b', 400],
      ['?count=1&%zz=broken%', 200],
    ];
    for (const [query, status] of queries) {
      const path = `${scimPath}/Users${query}`;
      const before = await settledFastifyCount();
      const fast = await overHttp(path, auth);
      expect(await settledFastifyCount(), `${path} took the fast path`).toBe(before);
      const route = await throughFastify(path, auth);
      expect(fast.status, `${path}: ${fast.text}`).toBe(status);
      expect(fast).toEqual(route);
    }
    const found = JSON.parse((await overHttp(`${scimPath}/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`, auth)).text);
    expect(found).toMatchObject({ totalResults: 1, Resources: [{ id: ids[2], userName: email, groups: [{ display: 'Sales' }] }] });
    const page = JSON.parse((await overHttp(`${scimPath}/Users?startIndex=2&count=2`, auth)).text);
    expect(page).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });

    // A projection keeps the route's object path.
    for (const query of ['?attributes=userName', '?excludedAttributes=groups&count=2', '?ATTRIBUTES=userName']) {
      const before = await settledFastifyCount();
      expect((await overHttp(`${scimPath}/Users${query}`, auth)).status).toBe(200);
      await poll(async () => routedByFastify, (n) => n > before, `${query} to go to Fastify`);
    }

    // Logged alike: the path relative to the Endpoint Base URL, with its query.
    const rows = await poll(() => logRows(connection.connectionId), (r) => r.filter((row) => row.method === 'GET').length >= queries.length * 2 + 5, 'the request log');
    const reads = rows.filter((row) => row.method === 'GET');
    for (const [i, [query, status]] of queries.entries()) {
      expect(reads[i * 2], query).toMatchObject({ path: `/Users${query}`, status });
      expect(reads[i * 2 + 1], query).toEqual(reads[i * 2]);
    }
  });

  it("records the connection's last request and directory, and a deleted connection answers 410 like the route", async () => {
    await start();
    const connection = await server!.createConnection({ provider: 'other' });
    const scimPath = new URL(connection.endpointBaseUrl).pathname;
    const path = `${scimPath}/Users/some-user`;
    // An Entra client's first request: a 404, yet the connection learns who calls and when.
    const first = await overHttp(path, { authorization: `Bearer ${connection.authenticationSecret}`, 'user-agent': ENTRA_USER_AGENT });
    expect(first.status).toBe(404);
    expect(await settledFastifyCount()).toBe(0);
    const usage = await poll(
      () => server!.db.selectFrom('scim_connections').select(['last_request_at', 'detected_provider']).where('id', '=', connection.connectionId).executeTakeFirstOrThrow(),
      (row) => row.last_request_at !== null,
      'the usage record',
    );
    expect(usage.detected_provider).toBe('azure-ad');

    await deleteConnection(server!.db, connection.connectionId);
    const headers = { authorization: `Bearer ${connection.authenticationSecret}` };
    const fast = await overHttp(path, headers);
    expect(fast.status).toBe(410);
    expect(fast).toEqual(await throughFastify(path, headers));
  });

  it('shares the failed-authentication limit with the routes', async () => {
    await start({ failedAuth: { maxFailures: 2, windowMs: 60_000 } });
    const connection = await server!.createConnection();
    const scimPath = new URL(connection.endpointBaseUrl).pathname;
    const wrong = { authorization: 'Bearer not-the-secret' };
    expect((await overHttp(`${scimPath}/Users/x`, wrong)).status).toBe(401);
    expect((await throughFastify(`${scimPath}/Users`, wrong)).status).toBe(401);
    // Two failures from this address, one on each path: both paths now refuse its next wrong secret, in the same words.
    const fast = await overHttp(`${scimPath}/Users/x`, wrong);
    expect(fast.status).toBe(429);
    expect(fast.headers['retry-after']).toMatch(/^\d+$/);
    expect(fast).toEqual(await throughFastify(`${scimPath}/Users/x`, wrong));
    // The right secret is still accepted (only failures are limited).
    expect((await overHttp(`${scimPath}/Users/x`, { authorization: `Bearer ${connection.authenticationSecret}` })).status).toBe(404);
    expect(await settledFastifyCount()).toBe(2);
  });

  it('takes its slot from the same concurrency limit: 429 in the SCIM error schema when the routes hold every slot', async () => {
    await start({ maxConcurrentRequests: 1 });
    const connection = await server!.createConnection();
    const client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    const id = (await client.post('/Users', oktaCreateUserBody(oktaProfileOf(generatePeople(1)[0]!)))).body.id as string;
    const scimPath = new URL(connection.endpointBaseUrl).pathname;
    const state = server!.app.concurrencyLimit;

    // A POST whose body never completes holds the only slot.
    const { port } = new URL(server!.baseUrl);
    sockets.push(
      await new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST ${scimPath}/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${connection.authenticationSecret}\r\n` +
              'Content-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n{"schemas":',
          );
          resolve(socket);
        });
        socket.on('error', reject);
      }),
    );
    await poll(async () => state.inFlight, (n) => n === 1, 'the stalled request to hold the slot');

    const refusedBefore = state.refused;
    const before = await settledFastifyCount();
    const refused = await client.get(`/Users/${id}`);
    expect(await settledFastifyCount()).toBe(before);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toBe('application/scim+json');
    expect(refused.body).toEqual({ schemas: [SCIM_ERROR], status: '429', detail: expect.stringContaining('Too many requests') });
    expect(state.refused).toBe(refusedBefore + 1);

    sockets.pop()!.destroy();
    await poll(async () => state.inFlight, (n) => n === 0, 'the slot to be released');
    expect((await client.get(`/Users/${id}`)).status).toBe(200);
    // The fast path gave its slot back too.
    await poll(async () => state.inFlight, (n) => n === 0, 'the fast path to release its slot');
  });

  it('leaves every other request to Fastify: HEAD, a query, a trailing slash, an encoded id, other methods', async () => {
    await start();
    const connection = await server!.createConnection();
    const client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    const id = (await client.post('/Users', oktaCreateUserBody(oktaProfileOf(generatePeople(1)[0]!)))).body.id as string;
    const scimPath = new URL(connection.endpointBaseUrl).pathname;
    const auth = { authorization: `Bearer ${connection.authenticationSecret}` };
    const requests: [string, string, number][] = [
      ['HEAD', `${scimPath}/Users/${id}`, 200],
      ['GET', `${scimPath}/Users/${id}?attributes=userName`, 200],
      ['GET', `${scimPath}/Users/${id}/`, 200],
      ['GET', `${scimPath}/Users/${encodeURIComponent(id).replace(/-/g, '%2D')}`, 200],
      ['DELETE', `${scimPath}/Users/no-such-user`, 404],
      ['GET', `${scimPath}/Groups/${id}`, 404],
    ];
    for (const [method, path, status] of requests) {
      const before = await settledFastifyCount();
      const answer = await overHttp(path, auth, method);
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(status);
      await poll(async () => routedByFastify, (n) => n > before, `${method} ${path} to go to Fastify`);
      expect(await settledFastifyCount()).toBe(before + 1);
    }
  });
});
