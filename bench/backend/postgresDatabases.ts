/**
 * PostgreSQL for the benchmark: the server given by DATABASE_URL (a database is created on it for
 * each run and dropped afterwards), or else a throwaway local cluster started like the tests start
 * theirs (test/support/postgresCluster.ts), with fsync on: a benchmark measures the durability a
 * deployment has. The cluster's processes are pinned to the core run.ts chooses (`--postgres-core`):
 * by default the load generator's, so the backend has its core to itself as the issue asks and as a
 * deployment gives the database a machine of its own (this machine has no third core); or the
 * server's, so the backend and its database share one core as the backend and its embedded SQLite do.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { findPostgresBin, onMaintenanceDatabase, startPostgresCluster, type PostgresCluster } from '../../test/support/postgresCluster.js';
import { isPostgresUrl } from '../../server/store/postgres.js';
import { procCpuSeconds } from './serverProcess.js';

/**
 * Sized as a deployment would size them for this data, not the tests' defaults: a 100,000-user
 * directory (rows, JSON, trigram index) does not fit 64 MB of shared buffers, and 2 MB of WAL
 * buffers (the default, 1/32 of that) filled up during bulk writes. Durability is untouched
 * (fsync, synchronous_commit and full_page_writes stay on).
 */
const CLUSTER_SETTINGS = { shared_buffers: "'256MB'", wal_buffers: "'16MB'" };

export interface PostgresDatabases {
  /** Where the databases live, for the report (never with a password). */
  description: string;
  create(): Promise<string>;
  close(): Promise<void>;
  /** On an interrupted run: stops and removes the cluster this run started, at once. */
  abort(): void;
  /**
   * CPU seconds the cluster's processes have used so far (NaN for DATABASE_URL's server): it
   * shares the backend's core, so its work per request is part of what each request costs.
   */
  cpuSeconds(): number;
  /**
   * VACUUM (ANALYZE) of a freshly seeded database: what autovacuum does within a minute or two of
   * a bulk load (visibility map, statistics, the trigram GIN index's pending list). Without it that
   * catch-up runs in the middle of the first measurements, on the server's core.
   */
  settle(databaseUrl: string): Promise<void>;
}

/** Whether a PostgreSQL run is possible here: DATABASE_URL, or PostgreSQL's binaries to start a cluster. */
export function postgresAvailable(): boolean {
  return isPostgresUrl(process.env.DATABASE_URL) || findPostgresBin() !== undefined;
}

async function postmasterPidOf(adminUrl: string): Promise<string> {
  const dataDirectory = await onMaintenanceDatabase(adminUrl, async (client) => (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory);
  return fs.readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
}

/** The postmaster and its children now (backends come and go with the server's pool). */
function clusterCpuSeconds(postmasterPid: string): number {
  const children = spawnSync('pgrep', ['-P', postmasterPid], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return [postmasterPid, ...children].reduce((sum, pid) => sum + (procCpuSeconds(Number(pid)) || 0), 0);
}

async function pinCluster(adminUrl: string, core: number): Promise<void> {
  const postmasterPid = await postmasterPidOf(adminUrl);
  // -a: the postmaster and every process it already started; backends forked later inherit the mask.
  spawnSync('/usr/bin/taskset', ['-a', '-p', '-c', String(core), postmasterPid], { stdio: 'ignore' });
  const children = spawnSync('pgrep', ['-P', postmasterPid], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const pid of children) spawnSync('/usr/bin/taskset', ['-a', '-p', '-c', String(core), pid], { stdio: 'ignore' });
}

export async function openPostgresDatabases(core: number, placement: 'server' | 'generator'): Promise<PostgresDatabases> {
  let cluster: PostgresCluster | undefined;
  let adminUrl: string;
  let description: string;
  let postmasterPid: string | undefined;
  const given = process.env.DATABASE_URL;
  if (isPostgresUrl(given)) {
    adminUrl = given;
    const url = new URL(given);
    description = `the PostgreSQL server of DATABASE_URL (${url.hostname}:${url.port || 5432})`;
  } else {
    cluster = await startPostgresCluster({ fsync: true, settings: CLUSTER_SETTINGS });
    adminUrl = cluster.urlFor('postgres');
    await pinCluster(adminUrl, core);
    postmasterPid = await postmasterPidOf(adminUrl);
    const version = await onMaintenanceDatabase(adminUrl, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version);
    description = `a local PostgreSQL ${version} cluster started for the run (fsync on, shared_buffers 256 MB, wal_buffers 16 MB), pinned to the ${placement === 'server' ? "server's core" : "generator's core (the server alone on its core)"}`;
  }
  const created: string[] = [];
  const withDatabase = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    description,
    async create() {
      const name = `scim_bench_${crypto.randomBytes(6).toString('hex')}`;
      await onMaintenanceDatabase(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
      created.push(name);
      return withDatabase(name);
    },
    abort() {
      cluster?.destroy();
    },
    settle: (databaseUrl) => onMaintenanceDatabase(databaseUrl, async (client) => void (await client.query('VACUUM (ANALYZE)'))),
    cpuSeconds: () => (postmasterPid === undefined ? NaN : clusterCpuSeconds(postmasterPid)),
    async close() {
      try {
        for (const name of created) await onMaintenanceDatabase(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      } finally {
        cluster?.destroy();
      }
    },
  };
}
