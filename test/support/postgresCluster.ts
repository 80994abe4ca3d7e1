/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, listening only on a
 * free loopback port with trust authentication, removed afterwards. PostgreSQL refuses to run as
 * root, so under root (CI containers) its commands run as the `postgres` user, which then owns
 * the folder.
 *
 * `fsync` is off by default: the tests kill backend processes, never the database's machine, so a
 * clean or fast shutdown still writes everything; a test about database durability can turn it on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './cliProcess.js';

/** The folder with initdb and pg_ctl: $POSTGRES_BIN when set (and only it), else the newest Debian one or `pg_config --bindir`. */
export function findPostgresBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.POSTGRES_BIN) return hasServerBinaries(process.env.POSTGRES_BIN) ? process.env.POSTGRES_BIN : undefined;
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).filter((v) => /^\d+$/.test(v));
    versions.sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find(hasServerBinaries);
}

function hasServerBinaries(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
}

export interface PostgresCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/DATABASE */
  urlFor(database: string): string;
  /** Starts the stopped cluster again on the same port and waits until it accepts connections. */
  start(): void;
  /** `pg_ctl stop -m MODE`: `fast` ends sessions and shuts down cleanly; `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate' | 'smart'): void;
  /** Stops the cluster (if running) and removes its folder. */
  destroy(): void;
}

function asPostgresUser(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function run(bin: string, command: string, args: string[]): string {
  const executable = path.join(bin, command);
  try {
    return asPostgresUser()
      ? execFileSync('runuser', ['-u', 'postgres', '--', executable, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      : execFileSync(executable, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr ?? ''}${stdout ?? ''}`);
  }
}

export async function startPostgresCluster(
  options: { fsync?: boolean; maxConnections?: number; /** postgresql.conf lines over the defaults below (values quoted as there). */ settings?: Record<string, string> } = {},
): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: no initdb/pg_ctl found (Debian: apt-get install postgresql, or set POSTGRES_BIN).');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-pg-'));
  if (asPostgresUser()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  // C locale: text sorts by code point and lower() folds ASCII only, as in SQLite.
  run(bin, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const settings = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${dir}'`,
    max_connections: String(options.maxConnections ?? 300),
    fsync: options.fsync ? 'on' : 'off',
    synchronous_commit: options.fsync ? 'on' : 'off',
    full_page_writes: options.fsync ? 'on' : 'off',
    shared_buffers: "'64MB'",
    log_min_messages: 'warning',
    ...options.settings,
  };
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n${Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`);

  let running = false;
  const cluster: PostgresCluster = {
    port,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start() {
      run(bin, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
      running = true;
    },
    stop(mode = 'fast') {
      run(bin, 'pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    destroy() {
      try {
        if (running) cluster.stop('immediate');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  cluster.start();
  return cluster;
}

/** Runs statements on the cluster's maintenance database (`postgres`) with a short-lived client. */
export async function onMaintenanceDatabase<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
