/**
 * The Okta and Entra simulators back off on 429 as the real directories do (common.ts,
 * [ENTRA-429], [OKTA-429]): wait the Retry-After delay, resend the same request, and give up after
 * a bounded number of resends. The server here is a scripted node:http server so that each answer
 * is known; waiting is recorded instead of slept. The end-to-end case (a sync against the real
 * backend with a small concurrency limit) is in test/faults/overload.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OktaSimulator } from './okta.js';
import { EntraSimulator } from './entra.js';
import { retryAfterSeconds } from './common.js';

const EMPTY_LIST = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] };

interface Scripted {
  baseUrl: string;
  requests: Array<{ method: string; url: string; body: string }>;
  close(): Promise<void>;
}

/** Answers the first `refusals.length` requests with 429 and those Retry-After values (null: none), then 200. */
async function scriptedServer(refusals: Array<string | null>): Promise<Scripted> {
  const requests: Scripted['requests'] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      const refusal = requests.length <= refusals.length ? refusals[requests.length - 1] : undefined;
      if (refusal !== undefined) {
        response.writeHead(429, { 'Content-Type': 'application/scim+json', ...(refusal !== null ? { 'Retry-After': refusal } : {}) });
        response.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'Too many requests' }));
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/scim+json' });
      response.end(JSON.stringify(EMPTY_LIST));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2/c1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('directory simulators on 429', () => {
  let server: Scripted | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('Okta waits each Retry-After, then resends the same request until it is accepted', async () => {
    server = await scriptedServer(['2', '1']);
    const waits: number[] = [];
    const okta = new OktaSimulator({ endpointBaseUrl: server.baseUrl, secret: 's', backoff: { sleep: async (ms) => void waits.push(ms) } });
    const response = await okta.findUser('ada@example.com');
    expect(response.status).toBe(200);
    expect(waits).toEqual([2000, 1000]);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.url)).size).toBe(1);
    expect(okta.exchanges.map((e) => e.status)).toEqual([429, 429, 200]);
    expect(okta.backoffCount).toBe(2);
    expect(okta.backoffSeconds).toBe(3);
  });

  it('Entra resends a POST with the same body; a 429 without Retry-After waits the default second', async () => {
    server = await scriptedServer([null]);
    const waits: number[] = [];
    const entra = new EntraSimulator({ endpointBaseUrl: server.baseUrl, secret: 's', backoff: { sleep: async (ms) => void waits.push(ms) } });
    const response = await entra.createUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'grace@example.com' });
    expect(response.status).toBe(200);
    expect(waits).toEqual([1000]);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
  });

  it('gives up after maxRetries and returns the 429; backoff: false returns the first 429', async () => {
    server = await scriptedServer(['1', '1', '1', '1']);
    const okta = new OktaSimulator({ endpointBaseUrl: server.baseUrl, secret: 's', backoff: { maxRetries: 2, sleep: async () => undefined } });
    expect((await okta.testConnection()).status).toBe(429);
    expect(server.requests).toHaveLength(3);

    const impatient = new OktaSimulator({ endpointBaseUrl: server.baseUrl, secret: 's', backoff: false });
    expect((await impatient.testConnection()).status).toBe(429);
    expect(server.requests).toHaveLength(4);
  });

  it('reads Retry-After as delay-seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('7', now)).toBe(7);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
    expect(retryAfterSeconds('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});
