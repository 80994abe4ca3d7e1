/**
 * main's services wired to a real bundled backend (`node --import tsx server/cli.ts serve`) in a
 * temporary user-data folder; only the keychain, the clipboard, openExternal and the clipboard
 * timer are fakes. For integration tests that drive `createMainServices` handlers end to end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PushMessage } from '../../shared/ipc.js';
import { createMainServices, type MainServices } from '../../main/services/ipcHandlers.js';
import { createBundledBackend, type BundledBackend } from '../../main/services/bundledBackend.js';
import type { ServiceDeps } from '../../main/services/deps.js';
import { REPO_ROOT } from './cliProcess.js';
import { FakeClipboard, FakeTimers, InMemoryCredentialStore } from './mainFakes.js';

export interface MainHarness {
  userDataDir: string;
  backend: BundledBackend;
  credentials: InMemoryCredentialStore;
  clipboard: FakeClipboard;
  timers: FakeTimers;
  /** Every push main sent, in order. */
  pushed: PushMessage[];
  deps: ServiceDeps;
  services: MainServices;
  /** Calls a channel and returns its value; throws with the IpcError when it failed. */
  call<T = any>(channel: keyof MainServices['handlers'], request?: unknown): Promise<T>;
  close(): Promise<void>;
}

export function startMainHarness(prefix = 'main-harness-'): MainHarness {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const backend = createBundledBackend({
    serverEntry: path.join(REPO_ROOT, 'server', 'cli.ts'),
    dataDir: path.join(userDataDir, 'backend'),
    cwd: REPO_ROOT,
    env: { LOG_LEVEL: 'warn' },
  });
  const credentials = new InMemoryCredentialStore();
  const clipboard = new FakeClipboard();
  const timers = new FakeTimers();
  const pushed: PushMessage[] = [];
  const deps: ServiceDeps = {
    credentials,
    userDataDir,
    clipboard,
    openExternal: async () => undefined,
    bundledBackend: backend,
    push: (message) => pushed.push(message),
    setTimer: timers.setTimer,
    hostname: 'test-host',
  };
  const services = createMainServices(deps);
  return {
    userDataDir,
    backend,
    credentials,
    clipboard,
    timers,
    pushed,
    deps,
    services,
    async call<T = any>(channel: keyof MainServices['handlers'], request: unknown = {}): Promise<T> {
      const result = await services.handlers[channel](request);
      if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
      return result.value as T;
    },
    async close() {
      services.dispose();
      await backend.stop();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` every 20 ms until it answers something other than undefined/false. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
