import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IPC_CHANNELS, type PushMessage } from '../../shared/ipc.js';
import { createMainServices, invalidRequest, type MainServices } from '../../main/services/ipcHandlers.js';
import type { BundledBackend } from '../../main/services/bundledBackend.js';
import { KeychainUnavailableError } from '../../main/platform/credentialStore.js';
import { ACCOUNTS_FILE } from '../../main/services/accountsStore.js';
import { FakeClipboard, FakeTimers, InMemoryCredentialStore } from '../support/mainFakes.js';

/** A bundled backend that is never started: these tests stay inside main. */
function idleBackend(): BundledBackend & { started: number } {
  let publicUrl: string | null = null;
  return {
    started: 0,
    async ensureRunning() {
      this.started++;
      throw new Error('no backend in unit tests');
    },
    baseUrl: () => null,
    runCli: async () => {
      throw new Error('no backend in unit tests');
    },
    publicUrl: () => publicUrl,
    async setPublicUrl(url) {
      publicUrl = url;
    },
    stop: async () => undefined,
    status: () => 'stopped',
    pid: () => undefined,
    onStatus: () => () => undefined,
  };
}

let dir: string;
let services: MainServices;
let credentials: InMemoryCredentialStore;
let opened: string[];
let pushed: PushMessage[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-ipc-'));
  credentials = new InMemoryCredentialStore();
  opened = [];
  pushed = [];
  services = createMainServices({
    credentials,
    userDataDir: dir,
    clipboard: new FakeClipboard(),
    openExternal: async (url) => {
      opened.push(url);
    },
    bundledBackend: idleBackend(),
    push: (m) => pushed.push(m),
    setTimer: new FakeTimers().setTimer,
  });
});
afterEach(() => {
  services.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('IPC handlers: validation', () => {
  it('has a handler for every channel of the contract, and nothing else', () => {
    expect(Object.keys(services.handlers).sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it('answers invalid_request for payloads of the wrong type on every channel, without throwing', async () => {
    for (const channel of IPC_CHANNELS) {
      for (const payload of [42, 'text', null, [1, 2]]) {
        const result = await services.handlers[channel](payload);
        expect(result, `${channel} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      }
    }
  });

  it.each([
    ['accounts:startBundledOrg', { orgName: '', ownerEmail: 'ada@example.com' }, 'orgName'],
    ['accounts:startBundledOrg', { orgName: 'Acme', ownerEmail: 'not-an-email' }, 'ownerEmail'],
    ['accounts:signInRemote', { backendUrl: 'not a url', code: 'x' }, 'backendUrl'],
    ['accounts:switch', {}, 'accountId'],
    ['connections:create', { provider: 'google' }, 'provider'],
    ['connections:rename', { connectionId: 'not-a-uuid', name: 'x' }, 'connectionId'],
    ['connections:rotateSecret', { connectionId: '6f1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b', graceSeconds: -1 }, 'graceSeconds'],
    ['connections:copy', { connectionId: '6f1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b', what: 'password' }, 'what'],
    ['clipboard:copyText', { text: 'x'.repeat(1001) }, 'text'],
    ['wizard:save', { connectionId: 'c', provider: 'okta', completedSteps: [], currentStep: 1.5, updatedAt: 'now' }, 'currentStep'],
    ['backend:setPublicUrl', { publicUrl: 'nope' }, 'publicUrl'],
    ['links:open', { id: 7 }, 'id'],
  ] as const)('%s %j → invalid_request on %s', async (channel, payload, field) => {
    const result = await services.handlers[channel](payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', field } });
    if (!result.ok) expect(result.error.message).toContain(field);
  });

  it('invalidRequest names nested fields with dots', () => {
    const error = { issues: [{ path: ['a', 0, 'b'], message: 'bad' }] } as unknown as Parameters<typeof invalidRequest>[0];
    expect(invalidRequest(error)).toEqual({ code: 'invalid_request', message: 'a.0.b: bad', field: 'a.0.b' });
  });
});

describe('IPC handlers: without an account or a backend', () => {
  it('lists no accounts on a fresh device', async () => {
    expect(await services.handlers['accounts:list']({})).toEqual({ ok: true, value: { accounts: [], activeAccountId: null } });
    expect(await services.handlers['accounts:list'](undefined)).toMatchObject({ ok: true });
  });

  it('asks to sign in first', async () => {
    const result = await services.handlers['connections:list']({});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized', fix: 'Sign in to an org first.' } });
    expect(await services.handlers['wizard:load']({})).toEqual({ ok: true, value: null });
  });

  it('opens allowlisted links only', async () => {
    expect(await services.handlers['links:open']({ id: 'okta-admin' })).toEqual({ ok: true, value: { opened: true } });
    expect(await services.handlers['links:open']({ id: 'azure-portal' })).toEqual({ ok: true, value: { opened: true } });
    expect(opened).toEqual(['https://login.okta.com/', 'https://portal.azure.com/']);
    for (const id of ['https://evil.example', '__proto__', 'constructor', 'unknown']) {
      expect(await services.handlers['links:open']({ id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(opened).toHaveLength(2);
  });

  it('copies plain text through main', async () => {
    expect(await services.handlers['clipboard:copyText']({ text: 'userName' })).toEqual({ ok: true, value: { copied: true } });
  });

  it('saves the public URL setting, normalised', async () => {
    expect(await services.handlers['backend:setPublicUrl']({ publicUrl: 'https://scim.example.com/' })).toEqual({
      ok: true,
      value: { publicUrl: 'https://scim.example.com' },
    });
    expect(await services.handlers['backend:settings']({})).toEqual({ ok: true, value: { publicUrl: 'https://scim.example.com', kind: 'bundled' } });
    expect(await services.handlers['backend:setPublicUrl']({ publicUrl: 'https://u:p@scim.example.com/' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: 'publicUrl' },
    });
  });

  it('says how to fix a missing keychain', async () => {
    const account = {
      id: 'acc-1',
      orgName: 'Acme',
      memberEmail: 'ada@example.com',
      role: 'owner',
      backend: { kind: 'remote', url: 'http://127.0.0.1:9' },
      orgId: 'o',
      memberId: 'm',
      deviceId: 'd',
      signedInAt: '2026-11-29T10:00:00.000Z',
    };
    fs.writeFileSync(path.join(dir, ACCOUNTS_FILE), JSON.stringify({ accounts: [account], activeAccountId: 'acc-1' }));
    credentials.failWith = new KeychainUnavailableError('Unlock your login keyring, then try again.');
    const result = await services.handlers['connections:list']({});
    expect(result).toEqual({
      ok: false,
      error: { code: 'keychain_unavailable', message: expect.stringContaining('keychain'), fix: 'Unlock your login keyring, then try again.' },
    });
  });

  it('says when the bundled backend cannot start, with a fix', async () => {
    const result = await services.handlers['accounts:startBundledOrg']({ orgName: 'Acme', ownerEmail: 'ada@acme.example' });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', message: 'no backend in unit tests', fix: expect.stringMatching(/reopen the app/) } });
  });

  it('says the backend is unreachable, with a fix', async () => {
    const account = {
      id: 'acc-2',
      orgName: 'Acme',
      memberEmail: 'ada@example.com',
      role: 'owner',
      backend: { kind: 'remote', url: 'http://127.0.0.1:9' },
      orgId: 'o',
      memberId: 'm',
      deviceId: 'd',
      signedInAt: '2026-11-29T10:00:00.000Z',
    };
    fs.writeFileSync(path.join(dir, ACCOUNTS_FILE), JSON.stringify({ accounts: [account], activeAccountId: 'acc-2' }));
    await credentials.set('acc-2', 'token');
    const result = await services.handlers['connections:list']({});
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', fix: expect.stringMatching(/backend did not answer/) } });
  });
});
