/**
 * The packaged app's way of running the bundled backend: `utilityProcess.fork` (the runAsNode fuse
 * is off) behind the `spawn`-shaped adapter in main/app/utilityProcessSpawn.ts. Electron is not
 * available here, so a stand-in `fork` starts the real backend with Node, with the same contract as
 * Electron's UtilityProcess: argv `[execPath, entry, ...args]`, `kill()` without a signal, `exit`
 * with a code. The supervisor must start, use the CLI, and stop it through the adapter.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUtilityProcessSpawn, type UtilityFork, type UtilityProcessLike } from '../../main/app/utilityProcessSpawn.js';
import { checkHealth, createBundledBackend } from '../../main/services/bundledBackend.js';
import { BACKEND_ENVIRONMENT, BACKEND_NODE_FLAGS } from '../../shared/backendRuntime.js';

const root = path.resolve(import.meta.dirname, '../..');
const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'utility-backend-'));
afterAll(() => fs.rmSync(userData, { recursive: true, force: true }));

const forks: { modulePath: string; args: string[]; execArgv: string[] | undefined; serviceName: string; cwd: string | undefined }[] = [];
const fakeFork: UtilityFork = (modulePath, args, options) => {
  forks.push({ modulePath, args, execArgv: options.execArgv, serviceName: options.serviceName, cwd: options.cwd });
  const child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', 'tsx', modulePath, ...args], { cwd: root, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events = new EventEmitter();
  const utility: UtilityProcessLike = {
    pid: undefined,
    stdout: child.stdout,
    stderr: child.stderr,
    kill: () => child.kill('SIGTERM'),
    once: (event: string, listener: (...args: any[]) => void) => events.once(event, listener),
  };
  child.once('spawn', () => {
    utility.pid = child.pid;
    events.emit('spawn');
  });
  child.once('exit', (code, signal) => events.emit('exit', code ?? (signal ? 1 : 0)));
  return utility;
};

describe('bundled backend in a utility process (adapter)', () => {
  const backend = createBundledBackend({
    serverEntry: path.join(root, 'server', 'cli.ts'),
    dataDir: path.join(userData, 'backend'),
    cwd: userData,
    entryArgs: [path.join(root, 'server', 'cli.ts')],
    env: { LOG_LEVEL: 'warn' },
    spawnProcess: createUtilityProcessSpawn(fakeFork),
  });
  afterAll(() => backend.stop());

  it('starts the backend, which answers /healthz', async () => {
    const url = await backend.ensureRunning();
    expect(await checkHealth(url)).toBe(true);
    expect(backend.status()).toBe('ready');
    expect(typeof backend.pid()).toBe('number');
    expect(forks[0]).toMatchObject({ modulePath: path.join(root, 'server', 'cli.ts'), serviceName: 'SCIM Directory Sync backend', cwd: userData });
    expect(forks[0]!.args.slice(0, 1)).toEqual(['serve']);
  });

  it('runs it with the backend memory settings: Node flags as execArgv, the malloc arena limit in its environment', () => {
    expect(forks[0]!.execArgv).toEqual([...BACKEND_NODE_FLAGS]);
    const pid = backend.pid()!;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const flag of BACKEND_NODE_FLAGS) expect(argv).toContain(flag);
    const environment = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    for (const [key, value] of Object.entries(BACKEND_ENVIRONMENT)) expect(environment).toContain(`${key}=${value}`);
  });

  it('runs the command line on the same data folder and reads its output', async () => {
    const output = await backend.runCli(['org', 'create', '--name', 'Acme', '--owner-email', 'owner@acme.example', '--json']);
    expect(JSON.parse(output)).toHaveProperty('enrollmentCode');
  });

  it('reports a failing command with its message', async () => {
    await expect(backend.runCli(['connection', 'delete', 'no-such-id'])).rejects.toThrow();
  });

  it('stops the backend gracefully', async () => {
    const url = backend.baseUrl()!;
    const pid = backend.pid()!;
    await backend.stop();
    expect(backend.status()).toBe('stopped');
    expect(await checkHealth(url, 500)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
