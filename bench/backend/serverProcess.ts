/**
 * The processes under test, started as real child processes pinned to their own core
 * (`taskset -c`), with their peak memory read from /proc: the backend as a user runs it, and the
 * bare node:http baseline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BACKEND_ENVIRONMENT, BACKEND_NODE_FLAGS } from '../../shared/backendRuntime.js';
import { freePort, REPO_ROOT, waitForHealthy } from '../../test/support/cliProcess.js';

/**
 * How the backend is started. `tsx`: `node --import tsx server/cli.ts serve`, what
 * `npm run server -- serve` runs (README). `bundle`: `node out/server/cli.js serve`, the esbuild
 * bundle the desktop app ships (`node scripts/build.mjs server`).
 */
export type ServerKind = 'tsx' | 'bundle';

export interface RunningProcess {
  pid: number;
  origin: string;
  /** The highest RSS sampled (every 100 ms) and the kernel's high-water mark (VmHWM), in MiB. */
  memory(): { peakRssMiB: number; vmHwmMiB: number };
  /** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const MIB = 1024 * 1024;

/** VmRSS / VmHWM of a process from /proc/<pid>/status, in bytes (0 when it is gone). */
function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;

export function procCpuSeconds(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

let tasksetChecked: boolean | undefined;
/** taskset (util-linux) pins a process to one core; without it, or with one core, nothing is pinned. */
function canPin(): boolean {
  if (tasksetChecked === undefined) {
    tasksetChecked = fs.existsSync('/usr/bin/taskset') && (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 1) > 1;
  }
  return tasksetChecked;
}

/** Pins the calling process (the load generator) to `core`, with all its threads. */
export function pinSelf(core: number): boolean {
  if (!canPin()) return false;
  const child = spawn('/usr/bin/taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
  return child.pid !== undefined;
}

function spawnPinned(core: number, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const [command, argv] = canPin() ? ['/usr/bin/taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command as string, argv as string[], { cwd: REPO_ROOT, env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return child;
}

const running = new Set<ChildProcess>();

/** Kills every process this module started that is still running (the benchmark was interrupted). */
export function killStartedProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

function track(child: ChildProcess, origin: string): RunningProcess {
  const pid = child.pid!;
  running.add(child);
  child.once('exit', () => running.delete(child));
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procStatusBytes(pid, 'VmRSS'));
  }, 100);
  sampler.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hwmAtStop = 0;
  return {
    pid,
    origin,
    memory: () => {
      const hwm = procStatusBytes(pid, 'VmHWM') || hwmAtStop;
      return { peakRssMiB: Math.max(peakRss, procStatusBytes(pid, 'VmRSS')) / MIB, vmHwmMiB: hwm / MIB };
    },
    cpuSeconds: () => procCpuSeconds(pid),
    stop: async () => {
      clearInterval(sampler);
      hwmAtStop = procStatusBytes(pid, 'VmHWM');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The parent's environment without what the CLI reads, so a developer's shell cannot leak in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['PORT', 'SCIM_HOST', 'SCIM_DATA_DIR', 'SCIM_PUBLIC_URL', 'LOG_LEVEL', 'NODE_OPTIONS', 'DATABASE_URL']) delete env[key];
  return { ...env, ...extra };
}

export interface ScimServerOptions {
  kind: ServerKind;
  dataDir: string;
  core: number;
  /** DATABASE_URL and the like. */
  env?: Record<string, string>;
  /** Writes a V8 CPU profile (`--cpu-prof`) into this folder when the server stops. */
  cpuProfileDir?: string;
  /** Node flags for the server (default: BACKEND_NODE_FLAGS, as every launcher of the backend passes them). */
  nodeFlags?: readonly string[];
  /** With kind `bundle`: this bundle instead of the tree's (an older build, for a before/after pair). */
  bundlePath?: string;
}

export const BUNDLE_PATH = path.join(REPO_ROOT, 'out', 'server', 'cli.js');

export async function startScimServer(options: ScimServerOptions): Promise<RunningProcess> {
  const port = await freePort();
  const entry = options.kind === 'bundle' ? [options.bundlePath ?? BUNDLE_PATH] : ['--import', 'tsx', path.join('server', 'cli.ts')];
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const args = [...(options.nodeFlags ?? BACKEND_NODE_FLAGS), ...profile, ...entry, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', options.dataDir];
  const logFile = path.join(options.dataDir, 'serve.log');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const child = spawnPinned(options.core, args, cleanEnv({ ...BACKEND_ENVIRONMENT, ...options.env }), logFile);
  const origin = `http://127.0.0.1:${port}`;
  let alive = true;
  child.once('exit', () => (alive = false));
  try {
    await waitForHealthy(origin, 60_000, () => alive);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`the backend did not start: ${(error as Error).message}\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
  }
  return track(child, origin);
}

let bareStarts = 0;

export async function startBareServer(options: { core: number; logDir: string }): Promise<RunningProcess> {
  // A log of its own per start: the port it prints is read from there.
  const logFile = path.join(options.logDir, `bare-${++bareStarts}.log`);
  const child = spawnPinned(options.core, ['--import', 'tsx', path.join('bench', 'backend', 'bareHttpServer.ts')], cleanEnv({}), logFile);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      const match = /^(\d+)$/m.exec(text);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the bare node:http server exited (${code})`));
    });
  });
  return track(child, `http://127.0.0.1:${port}`);
}
