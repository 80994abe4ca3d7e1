/**
 * Runs the backend's command line (`server/cli.ts`) as real child processes, the way an admin
 * runs it: `node --import tsx server/cli.ts …` from the repository root. `runCli` runs one
 * command to completion; `startServe` starts `serve` on a free port and waits for /healthz.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO_ROOT, 'server', 'cli.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** Written to the child's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string;
  /** Extra environment variables; SCIM_* and PORT from the parent are removed first. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** The parent's environment without the variables the CLI reads, so a developer's shell cannot leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['PORT', 'SCIM_HOST', 'SCIM_DATA_DIR', 'SCIM_PUBLIC_URL', 'LOG_LEVEL', 'NODE_OPTIONS', 'DATABASE_URL']) delete env[key];
  return { ...env, ...extra };
}

function spawnCli(args: string[], env?: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return spawnTsx([CLI, ...args], env, nodeArgs);
}

function spawnTsx(args: string[], env?: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs one CLI command to completion and returns its exit code and output. */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return runChild(() => spawnCli(args, options.env), args, options);
}

/**
 * Runs an ES module source text with tsx in another process, from the repository root (so
 * `./server/….js` imports resolve), with `args` in process.argv[1…]. For driving server code
 * from a second process the way the CLI does, many times in one process start.
 */
export function runTsxScript(source: string, args: string[] = [], options: RunCliOptions = {}): Promise<CliResult> {
  return runChild(() => spawnTsx(['--input-type=module', '-e', source, ...args], options.env), ['script', ...args], options);
}

function runChild(start: () => ChildProcess, args: string[], options: RunCliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = start();
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin!.on('error', () => undefined); // the CLI may exit before reading stdin
    child.stdin!.end(options.stdin ?? '');
  });
}

/** A port that was free a moment ago (the OS picks it; `serve` needs to be told a number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartServeOptions {
  dataDir: string;
  port?: number;
  publicUrl?: string;
  env?: Record<string, string>;
  /** Options for node itself (e.g. `--trace-gc`), before the script. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

/** Polls GET /healthz until it answers 200. */
export async function waitForHealthy(baseUrl: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('the process exited before it became healthy');
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
      lastError = new Error(`/healthz answered ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${baseUrl} did not become healthy in ${timeoutMs} ms: ${String(lastError)}`);
}

/** Starts `serve` as a child process on a free port and waits until /healthz answers. */
export async function startServe(options: StartServeOptions): Promise<ServeProcess> {
  const port = options.port ?? (await freePort());
  const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', options.dataDir];
  if (options.publicUrl) args.push('--public-url', options.publicUrl);
  const child = spawnCli(args, options.env, options.nodeArgs);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stdin!.end();
  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      alive = false;
      resolve({ code, signal });
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealthy(baseUrl, options.readyTimeoutMs ?? 20_000, () => alive);
  } catch (error) {
    if (alive) child.kill('SIGKILL');
    throw new Error(`serve did not start: ${(error as Error).message}\n--- serve output ---\n${output}`);
  }
  return {
    child,
    port,
    baseUrl,
    dataDir: options.dataDir,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (alive) child.kill(signal);
      return exited;
    },
  };
}
