/**
 * A real Secret Service for tests: a private D-Bus session bus (its own config: no service
 * activation, so nothing from the host starts on it) and `gnome-keyring-daemon` on it with a login
 * keyring unlocked by a password on stdin, in a temporary HOME and XDG folders. Nothing touches the
 * user's own keyring or session bus. `stop()` ends both daemons and removes the folder.
 *
 * keytar (libsecret) reads DBUS_SESSION_BUS_ADDRESS when it first connects, so tests run keytar in
 * a child process with `env` below rather than in the test process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'] as const;

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, tool)));
}

/** The tools this helper needs that are not installed (Debian packages: dbus, gnome-keyring). */
export function missingKeyringTools(): string[] {
  if (process.platform !== 'linux') return [...TOOLS];
  return TOOLS.filter((tool) => !onPath(tool));
}

export interface PrivateBus {
  address: string;
  /** An environment for child processes: the private bus, the temp HOME/XDG folders, no display. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface PrivateKeyring extends PrivateBus {
  /** Locks the login keyring through the Secret Service API, as a screen lock would. */
  lock(): void;
}

function isolatedEnv(base: string, busAddress: string | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS', 'GNOME_KEYRING_CONTROL', 'SSH_AUTH_SOCK', 'XDG_SESSION_TYPE']) delete env[key];
  Object.assign(env, {
    HOME: path.join(base, 'home'),
    XDG_RUNTIME_DIR: path.join(base, 'run'),
    XDG_DATA_HOME: path.join(base, 'home', '.local', 'share'),
    XDG_CONFIG_HOME: path.join(base, 'home', '.config'),
    XDG_CACHE_HOME: path.join(base, 'home', '.cache'),
  });
  if (busAddress) env.DBUS_SESSION_BUS_ADDRESS = busAddress;
  return env;
}

/** An environment whose session bus does not exist (a socket path that is not there). */
export function noBusEnv(): NodeJS.ProcessEnv {
  const base = path.join(os.tmpdir(), `no-bus-${randomBytes(4).toString('hex')}`);
  return isolatedEnv(base, `unix:path=${path.join(base, 'missing-bus-socket')}`);
}

function killQuietly(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Starts a private session bus with no service activation. */
export async function startPrivateBus(): Promise<PrivateBus> {
  const missing = missingKeyringTools();
  if (missing.length > 0) throw new Error(`Not installed: ${missing.join(', ')} (Debian packages dbus, gnome-keyring)`);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'private-keyring-'));
  for (const dir of ['home', 'run', 'services']) fs.mkdirSync(path.join(base, dir), { mode: 0o700 });
  const config = path.join(base, 'bus.conf');
  fs.writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${path.join(base, 'run')}</listen>
  <servicedir>${path.join(base, 'services')}</servicedir>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const started = spawnSync('dbus-daemon', [`--config-file=${config}`, '--fork', '--print-address=1', '--print-pid=1'], {
    env: isolatedEnv(base, null),
    encoding: 'utf8',
    timeout: 10_000,
  });
  const [address, pidText] = (started.stdout ?? '').trim().split('\n');
  const pid = Number(pidText);
  if (started.status !== 0 || !address || !Number.isInteger(pid)) {
    fs.rmSync(base, { recursive: true, force: true });
    throw new Error(`dbus-daemon did not start: ${started.stderr || started.error?.message || 'no address printed'}`);
  }
  const env = isolatedEnv(base, address);
  return {
    address,
    env,
    async stop() {
      killQuietly(pid);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

function dbusSend(env: NodeJS.ProcessEnv, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('dbus-send', ['--session', '--print-reply', ...args], { env, encoding: 'utf8', timeout: 10_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function secretServiceOnBus(env: NodeJS.ProcessEnv): boolean {
  const reply = dbusSend(env, [
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    'string:org.freedesktop.secrets',
  ]);
  return reply.ok && /boolean true/.test(reply.output);
}

/** A private bus with gnome-keyring's Secret Service on it and an unlocked login keyring. */
export async function startPrivateKeyring(password = randomBytes(12).toString('hex')): Promise<PrivateKeyring> {
  const bus = await startPrivateBus();
  let keyring: ChildProcess | undefined;
  let stderr = '';
  try {
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: bus.env,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    keyring.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // --unlock reads the password up to end of input; a fresh HOME gets a login keyring with it.
    keyring.stdin?.end(password);
    const exited = new Promise<never>((_, reject) =>
      keyring!.once('exit', (code) => reject(new Error(`gnome-keyring-daemon exited (${code}): ${stderr.trim()}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([waitFor(() => secretServiceOnBus(bus.env), 'gnome-keyring-daemon to own org.freedesktop.secrets'), exited]);
  } catch (error) {
    killQuietly(keyring?.pid);
    await bus.stop();
    throw error;
  }
  const daemon = keyring;
  return {
    ...bus,
    lock() {
      const reply = dbusSend(bus.env, [
        '--dest=org.freedesktop.secrets',
        '/org/freedesktop/secrets',
        'org.freedesktop.Secret.Service.Lock',
        'array:objpath:/org/freedesktop/secrets/collection/login',
      ]);
      if (!reply.ok) throw new Error(`Could not lock the login keyring: ${reply.output}`);
    },
    async stop() {
      if (daemon.exitCode === null && daemon.signalCode === null) {
        const gone = new Promise((resolve) => daemon.once('exit', resolve));
        killQuietly(daemon.pid);
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 3000))]);
      }
      await bus.stop();
    },
  };
}
