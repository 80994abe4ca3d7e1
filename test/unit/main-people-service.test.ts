/**
 * The pool / invites / members / audit / alerts channels against a scripted HTTP backend: each call
 * is exactly one admin API request with the right query, and refusals carry plain-language fixes.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMainServices, type MainServices } from '../../main/services/ipcHandlers.js';
import type { BundledBackend } from '../../main/services/bundledBackend.js';
import { ACCOUNTS_FILE } from '../../main/services/accountsStore.js';
import { FIX_LAST_OWNER, FIX_OWNER_ONLY, explainAdminFailure } from '../../main/services/adminFailures.js';
import { AdminApiError, ServiceError } from '../../main/services/errors.js';
import { FakeClipboard, FakeTimers, InMemoryCredentialStore } from '../support/mainFakes.js';

const CONNECTION = '6f1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b';
const MEMBER = '7a1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b';
const NOW = '2026-11-29T10:00:00.000Z';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}
let server: http.Server;
let baseUrl: string;
let seen: Seen[];
/** The next answer: status and JSON body. */
let answer: { status: number; body?: unknown };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
      if (req.url?.endsWith('/events')) {
        res.writeHead(403).end();
        return;
      }
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const idleBackend: BundledBackend = {
  ensureRunning: async () => {
    throw new Error('not used');
  },
  baseUrl: () => null,
  runCli: async () => '',
  publicUrl: () => null,
  setPublicUrl: async () => undefined,
  stop: async () => undefined,
  status: () => 'stopped',
  pid: () => undefined,
  onStatus: () => () => undefined,
};

let dir: string;
let services: MainServices;

beforeEach(async () => {
  seen = [];
  answer = { status: 200, body: { items: [], total: 0, totalExact: true, page: 1, pageSize: 50 } };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-people-'));
  const account = {
    id: 'acc-1',
    orgName: 'Acme',
    memberEmail: 'ada@example.com',
    role: 'owner',
    backend: { kind: 'remote', url: baseUrl },
    orgId: 'o',
    memberId: 'm',
    deviceId: 'd',
    signedInAt: NOW,
  };
  fs.writeFileSync(path.join(dir, ACCOUNTS_FILE), JSON.stringify({ accounts: [account], activeAccountId: 'acc-1' }));
  const credentials = new InMemoryCredentialStore();
  await credentials.set('acc-1', 'device-token');
  services = createMainServices({
    credentials,
    userDataDir: dir,
    clipboard: new FakeClipboard(),
    openExternal: async () => undefined,
    bundledBackend: idleBackend,
    push: () => undefined,
    setTimer: new FakeTimers().setTimer,
  });
});
afterEach(() => {
  services.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const api = () => seen.filter((s) => !s.url.endsWith('/events'));

describe('people channels: one request each', () => {
  it('pool:list sends the paging and search to the backend, one request per call', async () => {
    for (let page = 1; page <= 3; page++) {
      const result = await services.handlers['pool:list']({ connectionId: CONNECTION, search: ' ada ', status: 'available', page, pageSize: 500 });
      expect(result).toEqual({ ok: true, value: { items: [], total: 0, totalExact: true, page: 1, pageSize: 50 } });
    }
    expect(api()).toHaveLength(3);
    const url = new URL(api()[2]!.url, baseUrl);
    expect(url.pathname).toBe(`/api/v1/connections/${CONNECTION}/pool`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ search: 'ada', status: 'available', page: '3', pageSize: '500' });
    expect(api().every((s) => s.method === 'GET' && s.auth === 'Bearer device-token')).toBe(true);
  });

  it('maps each channel to its route', async () => {
    answer = { status: 204 };
    expect(await services.handlers['invites:revoke']({ inviteId: MEMBER })).toEqual({ ok: true, value: { revoked: true } });
    expect(await services.handlers['members:remove']({ memberId: MEMBER })).toEqual({ ok: true, value: { removed: true } });
    expect(await services.handlers['alerts:dismiss']({ alertId: MEMBER })).toEqual({ ok: true, value: { dismissed: true } });
    answer = { status: 200, body: { items: [], total: 0, totalExact: true, page: 2, pageSize: 10 } };
    await services.handlers['members:list']({ status: 'removed', unmanaged: true, page: 2, pageSize: 10 });
    await services.handlers['invites:list']({ status: 'pending', page: 1, pageSize: 10 });
    await services.handlers['audit:list']({ actorType: 'connection', kind: 'member.removed', since: NOW, page: 1, pageSize: 10 });
    expect(api().map((s) => `${s.method} ${s.url}`)).toEqual([
      `DELETE /api/v1/invites/${MEMBER}`,
      `DELETE /api/v1/members/${MEMBER}`,
      `POST /api/v1/alerts/${MEMBER}/dismiss`,
      'GET /api/v1/members?page=2&pageSize=10&status=removed&unmanaged=true',
      'GET /api/v1/invites?page=1&pageSize=10&status=pending',
      `GET /api/v1/audit?page=1&pageSize=10&actorType=connection&kind=member.removed&since=${NOW}`,
    ]);
  });

  it('refuses a malformed answer from the backend instead of passing it on', async () => {
    answer = { status: 200, body: { items: [{ id: 'x' }], total: 1, page: 1, pageSize: 50 } };
    expect(await services.handlers['pool:list']({ connectionId: CONNECTION, page: 1, pageSize: 50 })).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('people channels: refusals with fixes', () => {
  it('403 → "Only owners and admins can …"', async () => {
    answer = { status: 403, body: { error: { code: 'forbidden', message: 'Only owners and admins may do this.' } } };
    expect(await services.handlers['members:list']({ page: 1, pageSize: 10 })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'Only owners and admins may do this.', fix: 'Only owners and admins can see the members list. Ask an owner of the org to change your role.' },
    });
  });

  it('409 last owner → "Make someone else an owner first"', async () => {
    answer = { status: 409, body: { error: { code: 'conflict', message: "Ada (ada@example.com) is the org's last owner and was not removed. Make someone else an owner first." } } };
    expect(await services.handlers['members:remove']({ memberId: MEMBER })).toMatchObject({ ok: false, error: { code: 'conflict', fix: FIX_LAST_OWNER } });
  });

  it('401 still asks to sign in again', async () => {
    answer = { status: 401, body: { error: { code: 'unauthorized', message: 'The device token is not valid.' } } };
    expect(await services.handlers['alerts:list']({})).toMatchObject({ ok: false, error: { code: 'unauthorized', fix: expect.stringMatching(/sign in again/) } });
  });

  it('names the IPC field for the backend path parameter', () => {
    const mapped = explainAdminFailure('members:setRole', new AdminApiError(400, 'invalid_request', 'id: bad', 'id'));
    expect(mapped).toBeInstanceOf(ServiceError);
    expect(mapped).toMatchObject({ code: 'invalid_request', field: 'memberId' });
    expect(explainAdminFailure('members:setRole', new AdminApiError(403, 'forbidden', 'Only an owner may make someone an owner.', 'role'))).toMatchObject({
      code: 'forbidden',
      fix: FIX_OWNER_ONLY,
      field: 'role',
    });
    expect(explainAdminFailure('members:link', new AdminApiError(422, 'unprocessable', 'The pool entry’s email is not the member’s email', 'poolEntryId'))).toMatchObject({
      code: 'conflict',
      fix: expect.stringMatching(/same email/),
    });
    const unreachable = new Error('boom');
    expect(explainAdminFailure('pool:list', unreachable)).toBe(unreachable);
    const internal = new AdminApiError(500, 'internal', 'x');
    expect(explainAdminFailure('pool:list', internal)).toBe(internal);
  });
});
