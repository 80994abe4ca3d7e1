/**
 * The backend benchmark (issue #6): IdP workloads against the real SCIM server at 1,000, 10,000
 * and 100,000 directory users, each also as a ratio to a bare node:http server measured with the
 * same load generator in the same run. Writes bench/results/<db>.json and bench/RESULTS.md.
 *
 *   npm run bench                                   # everything (SQLite; see bench/README.md)
 *   npm run bench -- --sizes 1000 --db sqlite --workloads hot-read
 *   npm run bench -- --quick                        # 1,000 users, short runs, nothing written
 *
 * Options: --sizes N,N  --db sqlite[,postgres]  --workloads name,name|all  --quick
 *          --server tsx|bundle  --clients 8  --seconds S  --cpu-prof DIR  --server-node-flags "…"  --keep  --no-write
 *          --postgres-core generator|server (where a local PostgreSQL cluster runs; default: the generator's core, so the server has its own)
 *          --bundle PATH (with --server bundle: run this bundle, e.g. an older build's out/server/cli.js, and build nothing; use with --no-write)
 *          --report-only (rewrite bench/RESULTS.md from bench/results/*.json, measuring nothing)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../server/store/database.js';
import { openPostgresDatabases, postgresAvailable, type PostgresDatabases } from './postgresDatabases.js';
import { REPO_ROOT } from '../../test/support/cliProcess.js';
import { runLoad, type Step } from './loadGenerator.js';
import { killStartedProcesses, pinSelf, startBareServer, startScimServer, type RunningProcess, type ServerKind } from './serverProcess.js';
import { seedOrg, type ConnectionSeed, type SeededConnection } from './seedDirectory.js';
import { BACKEND_NODE_FLAGS } from '../../shared/backendRuntime.js';
import { WORKLOADS, workloadNamed, type Workload } from './workloads/index.js';
import type { Target } from './workloads/workload.js';
import {
  mergeResults,
  readResults,
  renderResultsMarkdown,
  resultsFile,
  writeResultsMarkdown,
  type BaselineResult,
  type DbKind,
  type WorkloadResult,
} from './results.js';

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string' },
    db: { type: 'string' },
    workloads: { type: 'string', default: 'all' },
    quick: { type: 'boolean', default: false },
    server: { type: 'string', default: 'bundle' },
    clients: { type: 'string', default: '8' },
    seconds: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'server-node-flags': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
    'postgres-core': { type: 'string', default: 'generator' },
    bundle: { type: 'string' },
  },
});

const QUICK = opts.quick === true;
const SIZES = (opts.sizes ?? (QUICK ? '1000' : '1000,10000,100000')).split(',').map((s) => Number(s.trim()));
// PostgreSQL too when DATABASE_URL names one or a local cluster can be started.
const DBS = String(opts.db ?? (postgresAvailable() ? 'sqlite,postgres' : 'sqlite'))
  .split(',')
  .map((s) => s.trim()) as DbKind[];
const SELECTED: Workload[] = opts.workloads === 'all' ? WORKLOADS : String(opts.workloads).split(',').map((n) => workloadNamed(n.trim()));
const SERVER_KIND = opts.server as ServerKind;
const CLIENTS = Number(opts.clients);
/** How long each time-bound workload (hot read, steady mix) is measured, and the least an import lasts. */
const SECONDS = Number(opts.seconds ?? (QUICK ? 2 : 8));
const WARMUP_SECONDS = QUICK ? 1 : 2;
const BASELINE_SECONDS = QUICK ? 2 : 5;
/** Amount-bound workloads (sync, import, wave) stop here even if not done; the result says so. */
const CAP_SECONDS = QUICK ? 30 : 150;
const WARMUP_USERS = 1000;
const WARMUP_SYNC_USERS = 300;
const SERVER_CORE = 1;
const GENERATOR_CORE = 0;
if (opts['postgres-core'] !== 'server' && opts['postgres-core'] !== 'generator') throw new Error(`--postgres-core takes server or generator, not "${opts['postgres-core']}"`);
/**
 * Where the local PostgreSQL cluster runs. The issue puts the server on its own core, and a
 * scale-out deployment gives the database a machine of its own; this machine has two cores, so by
 * default the cluster shares the generator's core (the report shows the generator's CPU share, so a
 * run it slowed is visible). `server` puts it beside the backend instead, as SQLite is.
 */
const POSTGRES_PLACEMENT: 'server' | 'generator' = opts['postgres-core'];
const POSTGRES_CORE = POSTGRES_PLACEMENT === 'server' ? SERVER_CORE : GENERATOR_CORE;
const WRITE = !QUICK && opts['no-write'] !== true;
/** Another build's bundle (a before/after pair): its figures are not this tree's, so nothing is written. */
const BUNDLE = opts.bundle === undefined ? undefined : path.resolve(String(opts.bundle));
if (BUNDLE && (SERVER_KIND !== 'bundle' || WRITE)) throw new Error('--bundle PATH needs --server bundle (the default) and --no-write (or --quick)');
if (BUNDLE && !fs.existsSync(BUNDLE)) throw new Error(`--bundle: no such file ${BUNDLE}`);

for (const size of SIZES) if (!Number.isInteger(size) || size < 100) throw new Error(`--sizes takes whole numbers ≥ 100, not ${size}`);
for (const db of DBS) if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db takes sqlite and/or postgres, not "${db}"`);
if (SERVER_KIND !== 'tsx' && SERVER_KIND !== 'bundle') throw new Error('--server takes tsx or bundle');

/** The PostgreSQL this run started, to stop if the run is interrupted. */
let activePostgres: PostgresDatabases | undefined;

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function measureBaseline(workDir: string): Promise<BaselineResult> {
  const bare = await startBareServer({ core: SERVER_CORE, logDir: workDir });
  try {
    const step: Step = async (client) => {
      await client.send({ method: 'GET', path: '/scim/v2/c/Users/u', headers: { authorization: 'Bearer bench-baseline', 'user-agent': 'bench' } });
      return true;
    };
    await runLoad({ origin: bare.origin, clients: CLIENTS, step, maxSeconds: WARMUP_SECONDS });
    const cpuBefore = bare.cpuSeconds();
    const load = await runLoad({ origin: bare.origin, clients: CLIENTS, step, maxSeconds: BASELINE_SECONDS });
    if (load.errors > 0) throw new Error(`the bare node:http baseline failed ${load.errors} requests: ${JSON.stringify(load.errorKinds)}`);
    return {
      requestsPerSecond: load.requestsPerSecond,
      latencyMs: load.latencyMs,
      generatorCpu: load.generatorCpu,
      seconds: load.seconds,
      serverCpuMicrosPerRequest: ((bare.cpuSeconds() - cpuBefore) * 1e6) / Math.max(1, load.requests),
    };
  } finally {
    await bare.stop();
  }
}

interface PreparedStore {
  dataDir: string;
  env: Record<string, string>;
  seeded: Record<string, SeededConnection>;
  seedSeconds: number;
}

async function prepareStore(postgres: PostgresDatabases | undefined, dataDir: string, connections: ConnectionSeed[]): Promise<PreparedStore> {
  fs.mkdirSync(dataDir, { recursive: true });
  const databaseUrl = postgres ? await postgres.create() : undefined;
  const store = await openStore(dataDir, databaseUrl);
  try {
    const org = await seedOrg(store, connections, 'http://127.0.0.1');
    if (postgres && databaseUrl) await postgres.settle(databaseUrl);
    return { dataDir, env: databaseUrl ? { DATABASE_URL: databaseUrl } : {}, seeded: org.connections, seedSeconds: org.seedSeconds };
  } finally {
    await store.destroy();
  }
}

function targetOf(server: RunningProcess, connection: SeededConnection): Target {
  return { origin: server.origin, connectionId: connection.connectionId, secret: connection.secret, users: connection.users, ids: connection.ids, people: connection.people };
}

async function measureWorkload(
  workload: Workload,
  db: DbKind,
  size: number,
  store: PreparedStore,
  baseline: BaselineResult,
  names: { main: string; warmup: string },
): Promise<WorkloadResult> {
  const cpuProfileDir = opts['cpu-prof'] ? path.resolve(String(opts['cpu-prof']), `${db}-${size}-${workload.name}`) : undefined;
  // Given: these flags instead of the launchers' BACKEND_NODE_FLAGS ("none" for Node's defaults).
  const nodeFlags = opts['server-node-flags'] === undefined ? BACKEND_NODE_FLAGS : String(opts['server-node-flags']).split(/\s+/).filter((flag) => flag && flag !== 'none');
  const server = await startScimServer({
    kind: SERVER_KIND,
    dataDir: store.dataDir,
    core: SERVER_CORE,
    env: store.env,
    nodeFlags,
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
    ...(BUNDLE ? { bundlePath: BUNDLE } : {}),
  });
  try {
    const warm = workload.create(targetOf(server, store.seeded[names.warmup]!), { seconds: WARMUP_SECONDS, users: WARMUP_SYNC_USERS });
    await runLoad({ origin: server.origin, clients: CLIENTS, step: warm.step, maxSeconds: WARMUP_SECONDS });
    const run = workload.create(targetOf(server, store.seeded[names.main]!), { seconds: SECONDS, users: size });
    const cpuBefore = server.cpuSeconds();
    const databaseCpuBefore = activePostgres?.cpuSeconds();
    const load = await runLoad({ origin: server.origin, clients: CLIENTS, step: run.step, maxSeconds: workload.amountBound ? CAP_SECONDS : SECONDS });
    const memory = server.memory();
    const serverCpuMicrosPerRequest = ((server.cpuSeconds() - cpuBefore) * 1e6) / Math.max(1, load.requests);
    // PostgreSQL's own work per request, on the same core (logged only; the results keep the backend's).
    const databaseCpuMicrosPerRequest = databaseCpuBefore === undefined ? NaN : ((activePostgres!.cpuSeconds() - databaseCpuBefore) * 1e6) / Math.max(1, load.requests);
    const result: WorkloadResult = {
      db,
      size,
      workload: workload.name,
      date: new Date().toISOString(),
      server: `node ${nodeFlags.join(' ')} ${SERVER_KIND === 'tsx' ? '--import tsx server/cli.ts serve (npm run server -- serve)' : 'out/server/cli.js serve (the bundled backend)'}`.replace(/ +/g, ' '),
      clients: CLIENTS,
      load,
      users: run.users(),
      usersPerSecond: run.users() / load.seconds,
      baseline,
      memory,
      serverCpuMicrosPerRequest,
      seedSeconds: store.seedSeconds,
    };
    const ratio = ((load.requestsPerSecond / baseline.requestsPerSecond) * 100).toFixed(1);
    log(
      `${db} ${size} ${workload.name}: ${Math.round(load.requestsPerSecond)} req/s (${ratio} % of bare)` +
        `${workload.countsUsers ? `, ${Math.round(result.usersPerSecond)} users/s` : ''}, p50 ${load.latencyMs.p50.toFixed(2)} ms, p99 ${load.latencyMs.p99.toFixed(2)} ms, ` +
        `${load.errors} errors, peak ${memory.vmHwmMiB.toFixed(0)} MiB, server ${Math.round(serverCpuMicrosPerRequest)} µs CPU/req${Number.isNaN(databaseCpuMicrosPerRequest) ? '' : ` + database ${Math.round(databaseCpuMicrosPerRequest)} µs`}, generator CPU ${(load.generatorCpu * 100).toFixed(0)} %${load.timedOut && workload.amountBound ? ' (stopped at the time cap)' : ''}`,
    );
    if (load.errors > 0) log(`  errors: ${JSON.stringify(load.errorKinds)}`);
    return result;
  } finally {
    await server.stop();
  }
}

function writeReport(): void {
  const files = { sqlite: readResults(resultsFile(REPO_ROOT, 'sqlite')), postgres: readResults(resultsFile(REPO_ROOT, 'postgres')) };
  writeResultsMarkdown(path.join(REPO_ROOT, 'bench', 'RESULTS.md'), renderResultsMarkdown(files));
}

async function main(): Promise<void> {
  if (opts['report-only']) {
    writeReport();
    return;
  }
  const started = performance.now();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killStartedProcesses();
      activePostgres?.abort();
      process.exit(130);
    });
  }
  if (SERVER_KIND === 'bundle' && !BUNDLE) {
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, ['scripts/build.mjs', 'server'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  if (!pinSelf(GENERATOR_CORE)) log('taskset or a second core is missing: the generator and the server are not pinned');
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sds-bench-backend-'));
  const fresh: WorkloadResult[] = [];
  const databases: Partial<Record<DbKind, string>> = {};
  try {
    for (const db of DBS) {
      const postgres = db === 'postgres' ? await openPostgresDatabases(POSTGRES_CORE, POSTGRES_PLACEMENT) : undefined;
      activePostgres = postgres;
      if (postgres) log(`PostgreSQL: ${postgres.description}`);
      databases[db] = postgres?.description ?? 'SQLite (better-sqlite3), WAL, synchronous=NORMAL, in the server process';
      try {
        for (const size of SIZES) {
          log(`${db}, ${size} users: bare node:http baseline`);
          const baseline = await measureBaseline(workRoot);
          log(`  bare node:http: ${Math.round(baseline.requestsPerSecond)} req/s, p99 ${baseline.latencyMs.p99.toFixed(2)} ms, server ${Math.round(baseline.serverCpuMicrosPerRequest)} µs CPU/req, generator CPU ${(baseline.generatorCpu * 100).toFixed(0)} %`);

          const onDirectory = SELECTED.filter((w) => w.needs === 'directory');
          if (onDirectory.length > 0) {
            log(`  seeding ${size} directory users (+${WARMUP_USERS} warm-up)`);
            const store = await prepareStore(postgres, path.join(workRoot, `${db}-${size}-directory`), [
              { name: 'Directory', provider: 'okta', users: size, linkMembers: true, people: { seed: 11, domain: 'directory.example' } },
              { name: 'Warm-up', provider: 'okta', users: WARMUP_USERS, linkMembers: true, people: { seed: 12, prefix: 'warm.', domain: 'warmup.example' } },
            ]);
            log(`  seeded in ${store.seedSeconds.toFixed(1)} s (${store.seeded.Directory!.linkedMembers} linked members)`);
            for (const workload of WORKLOADS.filter((w) => onDirectory.includes(w))) {
              fresh.push(await measureWorkload(workload, db, size, store, baseline, { main: 'Directory', warmup: 'Warm-up' }));
            }
            if (!opts.keep) fs.rmSync(store.dataDir, { recursive: true, force: true });
          }

          for (const workload of SELECTED.filter((w) => w.needs === 'empty')) {
            const store = await prepareStore(postgres, path.join(workRoot, `${db}-${size}-${workload.name}`), [
              { name: 'Entra', provider: 'azure-ad', users: 0, linkMembers: false, people: { seed: 21, domain: 'entra.example', externalIdStyle: 'entra' } },
              { name: 'Warm-up', provider: 'azure-ad', users: 0, linkMembers: false, people: { seed: 22, prefix: 'warm.', domain: 'warmup.example', externalIdStyle: 'entra' } },
            ]);
            fresh.push(await measureWorkload(workload, db, size, store, baseline, { main: 'Entra', warmup: 'Warm-up' }));
            if (!opts.keep) fs.rmSync(store.dataDir, { recursive: true, force: true });
          }
        }
      } finally {
        await postgres?.close();
      }
    }
  } finally {
    if (!opts.keep) fs.rmSync(workRoot, { recursive: true, force: true });
    else log(`kept the data folders in ${workRoot}`);
  }

  if (WRITE) {
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    for (const db of DBS) mergeResults(resultsFile(REPO_ROOT, db), fresh.filter((r) => r.db === db), databases[db] ?? db, command);
    writeReport();
    log('wrote bench/results/*.json and bench/RESULTS.md');
  }
  log(`done in ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`);
}

await main();
