/**
 * main's IPC handlers end to end: a real backend started by the bundled-backend supervisor
 * (`node --import tsx server/cli.ts serve`), real HTTP, real files in a temporary user-data
 * folder. Only the keychain, the clipboard, openExternal and the clipboard timer are fakes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushMessage } from '../../shared/ipc.js';
import { createMainServices, type MainServices } from '../../main/services/ipcHandlers.js';
import type { BundledBackend } from '../../main/services/bundledBackend.js';
import type { ServiceDeps } from '../../main/services/deps.js';
import { PROBE_FIXES } from '../../main/services/connectionProbe.js';
import { connectionSecretKey } from '../../main/services/credentialKeys.js';
import type { FakeClipboard, FakeTimers, InMemoryCredentialStore } from '../support/mainFakes.js';
import { startMainHarness, waitFor, type MainHarness } from '../support/mainHarness.js';

let userDataDir: string;
let backend: BundledBackend;
let credentials: InMemoryCredentialStore;
let clipboard: FakeClipboard;
let timers: FakeTimers;
let pushed: PushMessage[];
let deps: ServiceDeps;
let services: MainServices;
const extraServices: MainServices[] = [];

/** Every secret the test has seen, to look for in every file of the user-data folder. */
const secrets = new Set<string>();

async function call<T = any>(channel: keyof MainServices['handlers'], request: unknown = {}, on: MainServices = services): Promise<T> {
  const result = await on.handlers[channel](request);
  if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function expectNoSecretInFiles(): void {
  const files = filesUnder(userDataDir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const content = fs.readFileSync(file);
    for (const secret of secrets) {
      expect(content.includes(Buffer.from(secret, 'utf8')), `${path.relative(userDataDir, file)} holds a secret`).toBe(false);
    }
  }
}

let harness: MainHarness;

beforeAll(async () => {
  harness = startMainHarness('main-handlers-');
  ({ userDataDir, backend, credentials, clipboard, timers, pushed, deps, services } = harness);
});

afterAll(async () => {
  for (const s of extraServices) s.dispose();
  await harness?.close();
});

describe('main handlers against the bundled backend', () => {
  let firstAccountId: string;
  let connectionId: string;
  let endpointBaseUrl: string;
  let secret: string;

  it('starts an org on the bundled backend and signs its owner in', async () => {
    const account = await call('accounts:startBundledOrg', { orgName: 'Acme', ownerEmail: 'ada@acme.example', ownerName: 'Ada' });
    expect(account).toMatchObject({ orgName: 'Acme', memberEmail: 'ada@acme.example', role: 'owner', backend: { kind: 'bundled' } });
    firstAccountId = account.id;
    expect(pushed).toContainEqual({ kind: 'backend', status: 'ready' });

    const state = await call('accounts:list');
    expect(state).toEqual({ accounts: [account], activeAccountId: account.id });

    const token = credentials.entries.get(account.id);
    expect(token).toBeTruthy();
    secrets.add(token!);
    const session = await fetch(`${backend.baseUrl()}/api/v1/session`, { headers: { Authorization: `Bearer ${token}` } });
    expect(session.status).toBe(200);
    expectNoSecretInFiles();
  });

  it('refuses a taken org name as a conflict', async () => {
    const result = await services.handlers['accounts:startBundledOrg']({ orgName: 'acme', ownerEmail: 'bob@acme.example' });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already exists/) } });
  });

  it('creates a connection without letting the secret out of main', async () => {
    const view = await call('connections:create', { provider: 'okta', name: 'Okta' });
    expect(view).toMatchObject({ name: 'Okta', provider: 'okta', secretAvailable: true });
    connectionId = view.id;
    endpointBaseUrl = view.endpointBaseUrl;
    expect(endpointBaseUrl).toBe(`${backend.baseUrl()}/scim/v2/${connectionId}`);

    secret = (await call('connections:revealSecret', { connectionId })).secret;
    expect(secret.length).toBeGreaterThan(20);
    secrets.add(secret);
    expect(JSON.stringify(view)).not.toContain(secret);
    expect(JSON.stringify(await call('connections:list'))).not.toContain(secret);
    expect(credentials.entries.get(connectionSecretKey(connectionId))).toBe(secret);
    expectNoSecretInFiles();
  });

  it('copies the Endpoint Base URL and the secret, and clears only an unchanged clipboard after 60 s', async () => {
    expect(await call('connections:copy', { connectionId, what: 'endpointBaseUrl' })).toEqual({ copied: true, clearsAfterSeconds: null });
    expect(clipboard.text).toBe(endpointBaseUrl);

    expect(await call('connections:copy', { connectionId, what: 'authenticationSecret' })).toEqual({ copied: true, clearsAfterSeconds: 60 });
    expect(clipboard.text).toBe(secret);
    timers.advance(59_000);
    expect(clipboard.text).toBe(secret);
    timers.advance(1_000);
    expect(clipboard.text).toBe('');

    await call('connections:copy', { connectionId, what: 'authenticationSecret' });
    clipboard.writeText('the admin copied something else');
    timers.advance(60_000);
    expect(clipboard.text).toBe('the admin copied something else');
  });

  it('tests the connection the way the directories do: all pass, the loopback http address warns', async () => {
    const report = await call('connections:test', { connectionId });
    const byId = Object.fromEntries(report.checks.map((c: any) => [c.id, c]));
    expect(report.ok).toBe(true);
    for (const id of ['reachable', 'serviceProviderConfig', 'userLookup', 'userPaging', 'wrongSecretRefused']) {
      expect(byId[id], id).toMatchObject({ status: 'pass' });
    }
    expect(byId.publicAddress).toMatchObject({ status: 'warn', fix: PROBE_FIXES.publicAddress });
    expect(byId.publicAddress.detail).toMatch(/loopback/);
    expect(byId.publicAddress.detail).toMatch(/plain http/);
  });

  it('pushes a live pool.changed event within 1 s of a directory creating a user', async () => {
    await waitFor('the event stream to be ready', () => pushed.some((m) => m.kind === 'live' && m.event.type === 'ready'), 5000);
    const started = Date.now();
    const response = await fetch(`${endpointBaseUrl}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'grace@acme.example',
        name: { givenName: 'Grace', familyName: 'Hopper' },
        emails: [{ value: 'grace@acme.example', type: 'work', primary: true }],
        active: true,
      }),
    });
    expect(response.status).toBe(201);
    const message = await waitFor(
      'pool.changed',
      () => pushed.find((m) => m.kind === 'live' && m.event.type === 'pool.changed' && m.event.connectionId === connectionId),
      1000,
    );
    expect(message).toMatchObject({ kind: 'live', accountId: firstAccountId, event: { type: 'pool.changed' } });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('after a reset without grace, a directory still holding the old secret gets the 401 fix', async () => {
    const oldSecret = secret;
    const view = await call('connections:rotateSecret', { connectionId, graceSeconds: 0 });
    expect(view.secretAvailable).toBe(true);
    secret = (await call('connections:revealSecret', { connectionId })).secret;
    secrets.add(secret);
    expect(secret).not.toBe(oldSecret);

    const stale = await services.connections.testWithSecret(connectionId, oldSecret);
    expect(stale.ok).toBe(false);
    expect(stale.checks.find((c) => c.id === 'serviceProviderConfig')).toMatchObject({ status: 'fail', fix: PROBE_FIXES.wrongSecret });
    expect(stale.checks.find((c) => c.id === 'reachable')).toMatchObject({ status: 'pass' });

    expect((await call('connections:test', { connectionId })).ok).toBe(true);
  });

  it('resumes the wizard and the held secret in a new handlers instance (an app restart)', async () => {
    const state = { connectionId, provider: 'okta', completedSteps: ['okta-2', 'okta-3'], currentStep: 3, updatedAt: new Date().toISOString() };
    expect(await call('wizard:save', state)).toEqual(state);

    const restarted = createMainServices({ ...deps, push: () => undefined });
    extraServices.push(restarted);
    expect(await call('wizard:load', {}, restarted)).toEqual(state);
    expect(await call('connections:revealSecret', { connectionId }, restarted)).toEqual({ secret });
    expect((await call('connections:list', {}, restarted)).find((c: any) => c.id === connectionId).secretAvailable).toBe(true);

    expect(await call('wizard:clear', {}, restarted)).toEqual({ cleared: true });
    expect(await call('wizard:load')).toBeNull();
    restarted.dispose();
  });

  it('forgets the secret when the wizard is done; the test then says so instead of failing', async () => {
    expect(await call('connections:forgetSecret', { connectionId })).toEqual({ forgotten: true });
    expect(credentials.entries.has(connectionSecretKey(connectionId))).toBe(false);
    expect((await call('connections:list')).find((c: any) => c.id === connectionId).secretAvailable).toBe(false);
    const reveal = await services.handlers['connections:revealSecret']({ connectionId });
    expect(reveal).toMatchObject({ ok: false, error: { code: 'not_found', fix: expect.stringMatching(/Reset the secret/) } });
    expect(await services.handlers['connections:copy']({ connectionId, what: 'authenticationSecret' })).toMatchObject({ ok: false });

    const report = await call('connections:test', { connectionId });
    expect(report.ok).toBe(true);
    const spc = report.checks.find((c: any) => c.id === 'serviceProviderConfig');
    expect(spc).toMatchObject({ status: 'warn', fix: PROBE_FIXES.secretNotHeld });
    expect(report.checks.find((c: any) => c.id === 'wrongSecretRefused')).toMatchObject({ status: 'pass' });
  });

  it('renames, reads the request log, and deletes (the probe then reports the deleted connection)', async () => {
    expect(await call('connections:rename', { connectionId, name: 'Okta (prod)' })).toMatchObject({ name: 'Okta (prod)' });
    // The backend writes its request log in batches.
    const log = await waitFor(
      'the directory request in the request log',
      async () => {
        const entries = await call('connections:requestLog', { connectionId });
        return entries.some((entry: any) => entry.method === 'POST' && entry.path === '/Users') ? entries : undefined;
      },
      5000,
    );
    expect(JSON.stringify(log)).not.toContain(secret);

    const other = await call('connections:create', { provider: 'azure-ad' });
    const otherSecret = (await call('connections:revealSecret', { connectionId: other.id })).secret;
    secrets.add(otherSecret);
    expect(await call('connections:delete', { connectionId: other.id })).toEqual({ deleted: true });
    expect(credentials.entries.has(connectionSecretKey(other.id))).toBe(false);
    const stale = await fetch(`${other.endpointBaseUrl}/ServiceProviderConfig`, { headers: { Authorization: `Bearer ${otherSecret}` } });
    expect(stale.status).toBe(410);
    expect(await services.handlers['connections:test']({ connectionId: other.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('holds a second account (another org on the same bundled backend) and switches between them', async () => {
    const second = await call('accounts:startBundledOrg', { orgName: 'Globex', ownerEmail: 'hank@globex.example' });
    secrets.add(credentials.entries.get(second.id)!);
    let state = await call('accounts:list');
    expect(state.accounts.map((a: any) => a.orgName)).toEqual(['Acme', 'Globex']);
    expect(state.activeAccountId).toBe(second.id);
    expect(await call('connections:list')).toEqual([]);

    // The wizard is per account.
    expect(await call('wizard:load')).toBeNull();

    expect(await call('accounts:switch', { accountId: firstAccountId })).toMatchObject({ orgName: 'Acme' });
    expect((await call('connections:list')).map((c: any) => c.id)).toContain(connectionId);
    expect(await services.handlers['accounts:switch']({ accountId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Signing out revokes the token on the backend and removes the keychain entry and the account.
    const secondToken = credentials.entries.get(second.id)!;
    state = await call('accounts:signOut', { accountId: second.id });
    expect(state).toEqual({ accounts: [expect.objectContaining({ id: firstAccountId })], activeAccountId: firstAccountId });
    expect(credentials.entries.has(second.id)).toBe(false);
    const revoked = await fetch(`${backend.baseUrl()}/api/v1/session`, { headers: { Authorization: `Bearer ${secondToken}` } });
    expect(revoked.status).toBe(401);
    expectNoSecretInFiles();
  });

  it('signs in to a "remote" backend with a code, and refuses a wrong code with a fix', async () => {
    const wrong = await services.handlers['accounts:signInRemote']({ backendUrl: backend.baseUrl()!, code: 'WRONG-CODE' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthorized', field: 'code', fix: expect.stringMatching(/new one/) } });

    const enrolled = JSON.parse(await backend.runCli(['org', 'enroll', '--name', 'Acme', '--email', 'ada@acme.example', '--json']));
    const remote = await call('accounts:signInRemote', { backendUrl: `${backend.baseUrl()}/api/v1/`, code: enrolled.enrollmentCode });
    expect(remote).toMatchObject({ orgName: 'Acme', backend: { kind: 'remote', url: backend.baseUrl() } });
    secrets.add(credentials.entries.get(remote.id)!);
    expect(await call('backend:settings')).toEqual({ publicUrl: null, kind: 'remote' });
    expect(await services.handlers['backend:setPublicUrl']({ publicUrl: 'https://scim.example.com' })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    await call('accounts:signOut', { accountId: remote.id });
    expect(credentials.entries.has(remote.id)).toBe(false);
    expect((await call('accounts:list')).activeAccountId).toBe(firstAccountId);
    expectNoSecretInFiles();
  });

  it('a revoked device token asks to sign in again', async () => {
    const token = credentials.entries.get(firstAccountId)!;
    await fetch(`${backend.baseUrl()}/api/v1/session`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    const result = await services.handlers['connections:list']({});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized', fix: expect.stringMatching(/sign in again/) } });
  });
});
