/**
 * The bundled-backend supervisor with the real backend as a child process: it starts on a free
 * loopback port, answers /healthz, comes back after being killed, applies a new public URL by
 * restarting, runs the backend's command line on the same data folder, and stops.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, createBundledBackend, type BackendStatus, type BundledBackend } from '../../main/services/bundledBackend.js';
import { BACKEND_ENVIRONMENT, BACKEND_NODE_FLAGS } from '../../shared/backendRuntime.js';
import { BackendCliError } from '../../main/services/errors.js';
import { createMainServices, type MainServices } from '../../main/services/ipcHandlers.js';
import type { PushMessage } from '../../shared/ipc.js';
import { REPO_ROOT } from '../support/cliProcess.js';
import { FakeClipboard, FakeTimers, InMemoryCredentialStore } from '../support/mainFakes.js';

let userDataDir: string;
let backend: BundledBackend;
let services: MainServices;
const statuses: { status: BackendStatus; detail: string | undefined }[] = [];
const pushed: PushMessage[] = [];
const chosenPorts: number[] = [];

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(() => {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-backend-'));
  backend = createBundledBackend({
    serverEntry: path.join(REPO_ROOT, 'server', 'cli.ts'),
    dataDir: path.join(userDataDir, 'backend'),
    cwd: REPO_ROOT,
    env: { LOG_LEVEL: 'warn' },
    restartBackoffMs: [100, 200, 400],
    stopTimeoutMs: 3000,
    onPortChosen: (port) => chosenPorts.push(port),
  });
  backend.onStatus((status, detail) => statuses.push({ status, detail }));
  services = createMainServices({
    credentials: new InMemoryCredentialStore(),
    userDataDir,
    clipboard: new FakeClipboard(),
    openExternal: async () => undefined,
    bundledBackend: backend,
    push: (message) => pushed.push(message),
    setTimer: new FakeTimers().setTimer,
  });
});

afterAll(async () => {
  services?.dispose();
  await backend?.stop();
  fs.rmSync(userDataDir, { recursive: true, force: true });
});

describe('bundled backend', () => {
  it('starts on a loopback port and answers /healthz', async () => {
    const [first, second] = await Promise.all([backend.ensureRunning(), backend.ensureRunning()]);
    expect(first).toBe(second);
    expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(backend.status()).toBe('ready');
    expect(await checkHealth(first)).toBe(true);
    expect(statuses.map((s) => s.status)).toEqual(['starting', 'ready']);
    expect(pushed).toEqual([{ kind: 'backend', status: 'starting' }, { kind: 'backend', status: 'ready' }]);
  });

  it('runs the backend with its memory settings (Node flags before the entry, the malloc arena limit)', () => {
    const pid = backend.pid()!;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, 1 + BACKEND_NODE_FLAGS.length)).toEqual([...BACKEND_NODE_FLAGS]);
    const environment = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    for (const [key, value] of Object.entries(BACKEND_ENVIRONMENT)) expect(environment).toContain(`${key}=${value}`);
  });

  it('runs the command line on the same data folder; a refusal carries stderr’s message', async () => {
    const out = JSON.parse(await backend.runCli(['org', 'create', '--name', 'Initech', '--owner-email', 'peter@initech.example', '--json']));
    expect(out.enrollmentCode).toEqual(expect.any(String));
    const error = await backend.runCli(['org', 'create', '--name', 'Initech', '--owner-email', 'bill@initech.example']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendCliError);
    expect((error as BackendCliError).exitCode).toBe(1);
    expect((error as Error).message).toBe('An org named "Initech" already exists.');
  });

  it('restarts after being killed, on the same port, and says so', async () => {
    const url = backend.baseUrl()!;
    const pid = backend.pid()!;
    statuses.length = 0;
    process.kill(pid, 'SIGKILL');
    await waitFor('a new backend process', () => backend.pid() !== undefined && backend.pid() !== pid && backend.status() === 'ready', 20_000);
    expect(backend.baseUrl()).toBe(url);
    expect(await checkHealth(url)).toBe(true);
    expect(statuses.map((s) => s.status)).toEqual(['restarting', 'ready']);
    expect(statuses[0]?.detail).toMatch(/stopped unexpectedly \(SIGKILL\)/);
    expect(pushed).toContainEqual(expect.objectContaining({ kind: 'backend', status: 'restarting' }));
  });

  it('applies a new public URL by restarting; the setting persists', async () => {
    const result = await services.handlers['backend:setPublicUrl']({ publicUrl: 'https://scim.example.com/' });
    expect(result).toEqual({ ok: true, value: { publicUrl: 'https://scim.example.com' } });
    expect(backend.publicUrl()).toBe('https://scim.example.com');
    expect(backend.status()).toBe('ready');
    const settings = JSON.parse(fs.readFileSync(path.join(userDataDir, 'settings.json'), 'utf8'));
    expect(settings.publicUrl).toBe('https://scim.example.com');

    const list = JSON.parse(await backend.runCli(['connection', 'create', '--org', 'Initech', '--name', 'Okta', '--provider', 'okta', '--public-url', 'https://scim.example.com', '--json']));
    expect(list.endpointBaseUrl).toMatch(/^https:\/\/scim\.example\.com\/scim\/v2\//);
    // The running backend builds Endpoint Base URLs from it too.
    const spc = await fetch(`${backend.baseUrl()}/scim/v2/${list.connectionId}/ServiceProviderConfig`, {
      headers: { Authorization: `Bearer ${list.authenticationSecret}` },
    });
    expect(((await spc.json()) as any).meta.location).toMatch(/^https:\/\/scim\.example\.com\//);

    // What the renderer reads back.
    expect(await services.handlers['backend:settings']({})).toEqual({ ok: true, value: { publicUrl: 'https://scim.example.com', kind: 'bundled' } });
  });

  it('stops with SIGTERM and can start again', async () => {
    const url = backend.baseUrl()!;
    await backend.stop();
    expect(backend.status()).toBe('stopped');
    expect(backend.pid()).toBeUndefined();
    expect(backend.baseUrl()).toBeNull();
    expect(await checkHealth(url, 500)).toBe(false);
    expect(pushed.at(-1)).toEqual({ kind: 'backend', status: 'stopped' });
    expect(chosenPorts.every((p) => p === chosenPorts[0])).toBe(true);
  });
});

describe('bundled backend across app starts', () => {
  it('comes back on the port saved last time', async () => {
    const saved = JSON.parse(fs.readFileSync(path.join(userDataDir, 'settings.json'), 'utf8'));
    expect(saved.bundledPort).toBe(chosenPorts[0]);
    const again = createBundledBackend({
      serverEntry: path.join(REPO_ROOT, 'server', 'cli.ts'),
      dataDir: path.join(userDataDir, 'backend'),
      cwd: REPO_ROOT,
      env: { LOG_LEVEL: 'warn' },
    });
    const restarted = createMainServices({
      credentials: new InMemoryCredentialStore(),
      userDataDir,
      clipboard: new FakeClipboard(),
      openExternal: async () => undefined,
      bundledBackend: again,
      push: () => undefined,
    });
    try {
      // accounts:startBundledOrg starts the backend through the services, which apply the saved settings.
      const account = await restarted.handlers['accounts:startBundledOrg']({ orgName: 'Hooli', ownerEmail: 'gavin@hooli.example' });
      expect(account.ok).toBe(true);
      expect(again.baseUrl()).toBe(`http://127.0.0.1:${saved.bundledPort}`);
      expect(again.publicUrl()).toBe('https://scim.example.com');
    } finally {
      restarted.dispose();
      await again.stop();
    }
  });
});
