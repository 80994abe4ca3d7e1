/**
 * The backend bundled with the app: `server/` run as a child process on a loopback port, its data
 * in the app's user-data folder. It is started on first use, health-checked (`GET /healthz`),
 * restarted with backoff when it dies, restarted on purpose when the public URL changes, and
 * stopped with SIGTERM (then SIGKILL). Its command line (`org create`, …) runs through the same
 * entry with the same data folder.
 *
 * In development the entry is `server/cli.ts` run with `node --import tsx`; the packaged app runs
 * its bundled JS entry in an Electron utility process (`spawnProcess`, see
 * main/app/utilityProcessSpawn.ts), so the runAsNode fuse can stay off.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { BACKEND_ENVIRONMENT, BACKEND_NODE_FLAGS } from '../../shared/backendRuntime.js';
import { BackendCliError } from './errors.js';
import { silentLogger, type Logger } from './deps.js';

export type BackendStatus = 'starting' | 'ready' | 'restarting' | 'stopped' | 'failed';
export type BackendStatusListener = (status: BackendStatus, detail?: string) => void;

export interface BundledBackend {
  /** Starts the backend if it is not running (or waits for the start under way); resolves its base URL. */
  ensureRunning(): Promise<string>;
  /** `http://127.0.0.1:<port>` while running, else null. */
  baseUrl(): string | null;
  /** Runs the backend's command line on the same data folder; resolves stdout, rejects with stderr's message. */
  runCli(args: string[]): Promise<string>;
  publicUrl(): string | null;
  /** Changes `--public-url` (null: the loopback default); restarts the backend when it is running. */
  setPublicUrl(url: string | null): Promise<void>;
  /** SIGTERM, then SIGKILL after the stop timeout. The backend can be started again afterwards. */
  stop(): Promise<void>;
  status(): BackendStatus;
  /** The running process's id (for diagnostics and tests). */
  pid(): number | undefined;
  onStatus(listener: BackendStatusListener): () => void;
  /** The port to try at the next start (e.g. the one saved from last time); ignored while running. */
  preferPort?(port: number): void;
}

export interface BundledBackendOptions {
  /** The backend's command-line entry: `server/cli.ts` in development, the bundled JS file when packaged. */
  serverEntry: string;
  /** The backend's data folder (e.g. `<userData>/backend`). */
  dataDir: string;
  /** The Node binary (default: this process's). */
  nodeExecutable?: string;
  /** Extra environment variables for the backend (e.g. ELECTRON_RUN_AS_NODE=1). */
  env?: Record<string, string>;
  logger?: Logger;
  /** Overrides the program to run (default: nodeExecutable). */
  command?: string;
  /** Arguments before the CLI's own (default: `--import tsx <entry>` for a .ts entry, else `<entry>`). */
  entryArgs?: string[];
  /** Node/V8 flags for the long-running `serve` process (default: BACKEND_NODE_FLAGS, its memory settings). */
  nodeFlags?: readonly string[];
  cwd?: string;
  /** Starts a process (default `child_process.spawn`); the packaged app passes an Electron utility-process adapter. */
  spawnProcess?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
  /** The port to try first (e.g. the one used last time); a free one is chosen when it is taken. */
  port?: number;
  publicUrl?: string | null;
  /** Called with the port the backend listens on, so it can be remembered. */
  onPortChosen?: (port: number) => void;
  healthTimeoutMs?: number;
  stopTimeoutMs?: number;
  cliTimeoutMs?: number;
  /** Waits before each automatic restart; the last value repeats. */
  restartBackoffMs?: readonly number[];
  /** Consecutive failed restarts before giving up (status `failed`). */
  maxRestartAttempts?: number;
}

const HOST = '127.0.0.1';
const CLI_ENV_KEYS = ['PORT', 'SCIM_HOST', 'SCIM_DATA_DIR', 'SCIM_PUBLIC_URL'];
const DEFAULT_BACKOFF = [250, 500, 1000, 2000, 5000, 10_000] as const;
/** A run this long counts as healthy: the restart backoff starts over after it. */
const STABLE_AFTER_MS = 30_000;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** One `GET /healthz`: true on 200. */
export function checkHealth(baseUrl: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${baseUrl}/healthz`, { timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Keeps the last lines a process printed, for error messages. */
class OutputTail {
  private lines: string[] = [];
  private partial = '';
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly size = 30,
  ) {}
  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.onLine(line);
      this.lines.push(line);
    }
    if (this.lines.length > this.size) this.lines = this.lines.slice(-this.size);
  }
  /** The most telling line: the last error a pino log line carries, else the last line. */
  summary(): string {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const line = this.lines[i] ?? '';
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
        if ((entry.level ?? 0) >= 50) return entry.err?.message ?? entry.msg ?? line;
      } catch {
        return line;
      }
    }
    return this.lines.at(-1) ?? '';
  }
}

export function createBundledBackend(options: BundledBackendOptions): BundledBackend {
  const logger = options.logger ?? silentLogger;
  const command = options.command ?? options.nodeExecutable ?? process.execPath;
  const entryArgs = options.entryArgs ?? (/\.[cm]?ts$/.test(options.serverEntry) ? ['--import', 'tsx', options.serverEntry] : [options.serverEntry]);
  const healthTimeoutMs = options.healthTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
  const backoff = options.restartBackoffMs ?? DEFAULT_BACKOFF;
  const maxRestartAttempts = options.maxRestartAttempts ?? 8;
  const listeners = new Set<BackendStatusListener>();
  const spawnProcess = options.spawnProcess ?? spawn;
  const nodeFlags = options.nodeFlags ?? BACKEND_NODE_FLAGS;

  let publicUrl = options.publicUrl ?? null;
  let port = options.port;
  let child: ChildProcess | undefined;
  let readyUrl: string | null = null;
  let readyAt = 0;
  let current: BackendStatus = 'stopped';
  let starting: Promise<string> | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let failedRestarts = 0;
  /** Set while an exit is expected (stop, deliberate restart): no automatic restart then. */
  let expectingExit = false;
  /** True from ensureRunning() until stop(): only a wanted backend is restarted. */
  let wanted = false;

  function setStatus(status: BackendStatus, detail?: string): void {
    current = status;
    for (const listener of listeners) {
      try {
        listener(status, detail);
      } catch (error) {
        logger.warn('backend status listener failed', { error: String(error) });
      }
    }
  }

  function childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of CLI_ENV_KEYS) delete env[key];
    return { ...env, ...BACKEND_ENVIRONMENT, ...options.env };
  }

  async function choosePort(): Promise<number> {
    if (port !== undefined && (await portIsFree(port))) return port;
    return findFreePort();
  }

  async function launch(): Promise<string> {
    expectingExit = false;
    const chosen = await choosePort();
    port = chosen;
    // Node flags lead the arguments, as on a node command line; the utility-process adapter moves them to execArgv.
    const args = [...nodeFlags, ...entryArgs, 'serve', '--host', HOST, '--port', String(chosen), '--data-dir', options.dataDir];
    if (publicUrl) args.push('--public-url', publicUrl);
    const tail = new OutputTail((line) => logger.info('backend', { line }));
    const process_ = spawnProcess(command, args, { cwd: options.cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    child = process_;
    process_.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
    process_.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
    process_.on('error', (error) => logger.error('backend process error', { error: error.message }));
    process_.once('exit', (code, signal) => onExit(process_, code, signal, tail));

    const url = `http://${HOST}:${chosen}`;
    const deadline = Date.now() + healthTimeoutMs;
    while (Date.now() < deadline) {
      if (exited(process_) || child !== process_) {
        throw new Error(`The bundled backend exited while starting: ${tail.summary() || `exit code ${process_.exitCode}`}`);
      }
      if (await checkHealth(url, 1000)) {
        if (child !== process_ || exited(process_)) continue;
        readyUrl = url;
        readyAt = Date.now();
        options.onPortChosen?.(chosen);
        setStatus('ready');
        return url;
      }
      await sleep(100);
    }
    expectingExit = true;
    process_.kill('SIGKILL');
    throw new Error(`The bundled backend did not become healthy within ${Math.round(healthTimeoutMs / 1000)} s: ${tail.summary()}`);
  }

  function onExit(process_: ChildProcess, code: number | null, signal: NodeJS.Signals | null, tail: OutputTail): void {
    if (child !== process_) return;
    child = undefined;
    const wasReady = readyUrl !== null;
    readyUrl = null;
    if (expectingExit) return;
    const detail = `The bundled backend stopped unexpectedly (${signal ?? `exit code ${code}`})${tail.summary() ? `: ${tail.summary()}` : ''}`;
    logger.warn(detail);
    if (starting && !wasReady) return; // launch() reports it
    if (wasReady && Date.now() - readyAt >= STABLE_AFTER_MS) failedRestarts = 0;
    scheduleRestart(detail);
  }

  function scheduleRestart(detail: string): void {
    if (!wanted) return;
    if (failedRestarts >= maxRestartAttempts) {
      setStatus('failed', `${detail}. It was restarted ${failedRestarts} times; restart the app.`);
      return;
    }
    const wait = backoff[Math.min(failedRestarts, backoff.length - 1)] ?? 1000;
    failedRestarts++;
    setStatus('restarting', detail);
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      void start().catch((error: Error) => scheduleRestart(error.message));
    }, wait);
    restartTimer.unref?.();
  }

  function start(): Promise<string> {
    if (!starting) {
      if (current !== 'restarting') setStatus('starting');
      starting = launch().finally(() => {
        starting = undefined;
      });
    }
    return starting;
  }

  async function terminate(): Promise<void> {
    const process_ = child;
    if (!process_) return;
    expectingExit = true;
    process_.kill('SIGTERM');
    if (!(await waitForExit(process_, stopTimeoutMs))) {
      logger.warn('the bundled backend did not stop within the timeout; killing it');
      process_.kill('SIGKILL');
      await waitForExit(process_, stopTimeoutMs);
    }
    if (child === process_) child = undefined;
    readyUrl = null;
  }

  const backend: BundledBackend = {
    async ensureRunning() {
      if (readyUrl && child && !exited(child)) return readyUrl;
      wanted = true;
      // An explicit start after giving up gets the full set of restart attempts again.
      if (current === 'failed') failedRestarts = 0;
      if (restartTimer) {
        clearTimeout(restartTimer);
        restartTimer = undefined;
      }
      try {
        return await start();
      } catch (error) {
        setStatus('failed', (error as Error).message);
        throw error;
      }
    },
    baseUrl: () => readyUrl,
    publicUrl: () => publicUrl,
    async setPublicUrl(url) {
      if (url === publicUrl) return;
      publicUrl = url;
      if (!child && !starting) return;
      await starting?.catch(() => undefined);
      setStatus('restarting', 'Applying the new public URL');
      await terminate();
      await backend.ensureRunning();
    },
    async stop() {
      wanted = false;
      clearTimeout(restartTimer);
      restartTimer = undefined;
      await starting?.catch(() => undefined);
      const wasRunning = child !== undefined;
      await terminate();
      failedRestarts = 0;
      if (wasRunning || current !== 'stopped') setStatus('stopped');
    },
    status: () => current,
    pid: () => child?.pid,
    preferPort(preferred) {
      if (!child && !starting) port = preferred;
    },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    runCli(args) {
      const timeoutMs = options.cliTimeoutMs ?? 60_000;
      return new Promise((resolve, reject) => {
        const process_ = spawnProcess(command, [...entryArgs, ...args, '--data-dir', options.dataDir], {
          cwd: options.cwd,
          env: childEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
          windowsHide: true,
        });
        let stdout = '';
        let stderr = '';
        process_.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        process_.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => process_.kill('SIGKILL'), timeoutMs);
        process_.on('error', (error) => {
          clearTimeout(timer);
          reject(new BackendCliError(null, `Could not run the backend command: ${error.message}`));
        });
        process_.on('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) {
            resolve(stdout);
            return;
          }
          // The CLI prints its reason first, then (for usage errors) the usage text.
          const reason = stderr.trim().split(/\r?\n\r?\n/)[0]?.trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
          reject(new BackendCliError(code, reason));
        });
      });
    },
  };
  return backend;
}
