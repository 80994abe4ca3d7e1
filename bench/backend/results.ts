/**
 * The benchmark's results: the JSON kept in bench/results/ (one file per database, entries
 * replaced per size and workload, so a subset run updates only what it measured) and the
 * bench/RESULTS.md generated from them. The hand-written analysis at the end of RESULTS.md, below
 * the marker, is kept when the tables are rewritten.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './loadGenerator.js';
import type { WorkloadName } from './workloads/workload.js';
import { WORKLOADS } from './workloads/index.js';

export type DbKind = 'sqlite' | 'postgres';

export interface BaselineResult {
  requestsPerSecond: number;
  latencyMs: LoadResult['latencyMs'];
  generatorCpu: number;
  seconds: number;
  serverCpuMicrosPerRequest: number;
}

export interface WorkloadResult {
  db: DbKind;
  size: number;
  workload: WorkloadName;
  date: string;
  server: string;
  clients: number;
  load: LoadResult;
  users: number;
  usersPerSecond: number;
  /** The bare node:http figure measured just before this size's runs, same generator, same run. */
  baseline: BaselineResult;
  memory: { peakRssMiB: number; vmHwmMiB: number };
  /** Server CPU time per request during the measured run, in microseconds: the figure least disturbed by a busy machine. */
  serverCpuMicrosPerRequest: number;
  seedSeconds: number;
}

export interface ResultsFile {
  machine: Machine;
  /** Which database and how it was set up, for the report. */
  database: string;
  /** The command of the last run that wrote this file. */
  command?: string;
  results: WorkloadResult[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function machine(): Machine {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

export const RESULTS_DIR = path.join('bench', 'results');

export function resultsFile(root: string, db: DbKind): string {
  return path.join(root, RESULTS_DIR, `${db}.json`);
}

export function readResults(file: string): ResultsFile | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsFile) : undefined;
}

/** Replaces the entries this run measured (same db, size and workload) and keeps the others. */
export function mergeResults(file: string, fresh: WorkloadResult[], database: string, command: string): ResultsFile {
  const previous = readResults(file)?.results ?? [];
  const key = (r: WorkloadResult) => `${r.db} ${r.size} ${r.workload}`;
  const replaced = new Set(fresh.map(key));
  const merged = [...previous.filter((r) => !replaced.has(key(r))), ...fresh].sort(
    (a, b) => a.size - b.size || WORKLOADS.findIndex((w) => w.name === a.workload) - WORKLOADS.findIndex((w) => w.name === b.workload),
  );
  const out: ResultsFile = { machine: machine(), database, command, results: merged };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

// ---- Targets (issue #6, at 100,000 users on SQLite) ---------------------------------------

export const TARGET_SIZE = 100_000;
export const TARGETS: Record<WorkloadName, { text: string; met: (r: WorkloadResult) => boolean }> = {
  'hot-read': { text: '≥ 40 % of bare node:http', met: (r) => r.load.requestsPerSecond / r.baseline.requestsPerSecond >= 0.4 },
  'entra-sync': { text: '≥ 5,000 req/s', met: (r) => r.load.requestsPerSecond >= 5000 },
  'okta-import': { text: '≥ 25,000 users/s', met: (r) => r.usersPerSecond >= 25_000 },
  'steady-mix': { text: '≥ 3,000 req/s', met: (r) => r.load.requestsPerSecond >= 3000 },
  'deprovision-wave': { text: '≥ 2,000 req/s', met: (r) => r.load.requestsPerSecond >= 2000 },
};
export const P99_TARGET_MS = 10;
export const MEMORY_TARGET_MIB = 150;
export const MEMORY_GROWTH_LIMIT = 0.15;

// ---- Markdown -----------------------------------------------------------------------------

export const ANALYSIS_MARKER = '<!-- analysis: written by hand, kept when the benchmark rewrites the tables above -->';

const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : 'n/a');
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : 'n/a');
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : 'n/a');
const mib = (v: number) => (Number.isFinite(v) && v > 0 ? v.toFixed(0) : 'n/a');
const title = (name: WorkloadName) => WORKLOADS.find((w) => w.name === name)?.title ?? name;

function resultTable(results: WorkloadResult[]): string {
  const head =
    '| Workload | Users | req/s | ÷ bare | users/s | ÷ bare | p50 ms | p99 ms | errors | peak RSS MiB | server CPU µs/req | ÷ bare by CPU | generator CPU |\n' +
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const rows = results.map((r) => {
    const bare = r.baseline.requestsPerSecond;
    const countsUsers = WORKLOADS.find((w) => w.name === r.workload)?.countsUsers ?? false;
    const capped = r.load.timedOut && WORKLOADS.find((w) => w.name === r.workload)?.amountBound ? ` (${int(r.users)} done at the ${Math.round(r.load.seconds)} s cap)` : '';
    return `| ${title(r.workload)} | ${int(r.size)}${capped} | ${int(r.load.requestsPerSecond)} | ${pct(r.load.requestsPerSecond / bare)} | ${countsUsers ? int(r.usersPerSecond) : '—'} | ${countsUsers ? pct(r.usersPerSecond / bare) : '—'} | ${ms(r.load.latencyMs.p50)} | ${ms(r.load.latencyMs.p99)} | ${r.load.errors}${r.load.errors > 0 ? ` (${Object.keys(r.load.errorKinds)[0]?.slice(0, 60) ?? ''})` : ''} | ${mib(r.memory.vmHwmMiB)} | ${int(r.serverCpuMicrosPerRequest)} | ${pct(r.baseline.serverCpuMicrosPerRequest / r.serverCpuMicrosPerRequest)} | ${pct(r.load.generatorCpu)} |`;
  });
  return [head, ...rows].join('\n');
}

function baselineTable(results: WorkloadResult[]): string {
  const seen = new Map<string, WorkloadResult>();
  for (const r of results) seen.set(`${r.size} ${r.date.slice(0, 16)}`, r);
  const head = '| measured before size | bare node:http req/s | p50 ms | p99 ms | server CPU µs/req | generator CPU |\n|--:|--:|--:|--:|--:|--:|';
  const rows = [...new Map([...seen.values()].map((r) => [r.size, r])).values()].map(
    (r) => `| ${int(r.size)} | ${int(r.baseline.requestsPerSecond)} | ${ms(r.baseline.latencyMs.p50)} | ${ms(r.baseline.latencyMs.p99)} | ${int(r.baseline.serverCpuMicrosPerRequest)} | ${pct(r.baseline.generatorCpu)} |`,
  );
  return [head, ...rows].join('\n');
}

function targetTable(results: WorkloadResult[], db: DbKind): string {
  const at = results.filter((r) => r.size === TARGET_SIZE);
  const lines = ['| Workload | Target | Measured | Met? | p99 ≤ 10 ms | peak ≤ 150 MiB | peak 10k → 100k within 15 % |', '|---|---|--:|---|---|---|---|'];
  for (const w of WORKLOADS) {
    const r = at.find((x) => x.workload === w.name);
    if (!r) {
      lines.push(`| ${w.title} | ${TARGETS[w.name].text} | not measured | — | — | — | — |`);
      continue;
    }
    const measured = w.name === 'hot-read' ? pct(r.load.requestsPerSecond / r.baseline.requestsPerSecond) : w.name === 'okta-import' ? `${int(r.usersPerSecond)} users/s` : `${int(r.load.requestsPerSecond)} req/s`;
    const at10k = results.find((x) => x.size === 10_000 && x.workload === w.name);
    const growth = at10k ? r.memory.vmHwmMiB / at10k.memory.vmHwmMiB - 1 : NaN;
    const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
    const target = db === 'sqlite' ? yes(TARGETS[w.name].met(r)) : '—';
    lines.push(
      `| ${w.title} | ${db === 'sqlite' ? TARGETS[w.name].text : 'half the SQLite figure'} | ${measured} | ${target} | ${yes(r.load.latencyMs.p99 <= P99_TARGET_MS)} (${ms(r.load.latencyMs.p99)}) | ${yes(r.memory.vmHwmMiB <= MEMORY_TARGET_MIB)} (${mib(r.memory.vmHwmMiB)}) | ${Number.isFinite(growth) ? `${yes(Math.abs(growth) <= MEMORY_GROWTH_LIMIT)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)} %)` : 'n/a'} |`,
    );
  }
  return lines.join('\n');
}

function postgresVsSqlite(pg: WorkloadResult[], lite: WorkloadResult[]): string {
  const lines = ['| Workload | Users | PostgreSQL req/s | SQLite req/s | PostgreSQL ÷ SQLite | at least half? |', '|---|--:|--:|--:|--:|---|'];
  for (const r of pg) {
    const s = lite.find((x) => x.size === r.size && x.workload === r.workload);
    if (!s) continue;
    const ratio = r.load.requestsPerSecond / s.load.requestsPerSecond;
    lines.push(`| ${title(r.workload)} | ${int(r.size)} | ${int(r.load.requestsPerSecond)} | ${int(s.load.requestsPerSecond)} | ${pct(ratio)} | ${ratio >= 0.5 ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

export function renderResultsMarkdown(files: Partial<Record<DbKind, ResultsFile>>): string {
  const commands = [...new Set([files.sqlite?.command, files.postgres?.command].filter((c): c is string => c !== undefined))];
  const m = files.sqlite?.machine ?? files.postgres?.machine ?? machine();
  const clients = files.sqlite?.results[0]?.clients ?? files.postgres?.results[0]?.clients ?? 8;
  const sections: string[] = [];
  for (const db of ['sqlite', 'postgres'] as const) {
    const file = files[db];
    if (!file || file.results.length === 0) continue;
    const first = file.results[0]!;
    const dates = file.results.map((r) => r.date).sort();
    sections.push(`## ${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}

Measured ${dates[0]} – ${dates[dates.length - 1]}; server: ${first.server}; ${first.clients} concurrent clients.
Database: ${file.database}.

### Targets at ${int(TARGET_SIZE)} users

${targetTable(file.results, db)}

### All runs

${resultTable(file.results)}

Bare node:http, same generator, measured before each size's runs:

${baselineTable(file.results)}
`);
  }
  if (files.sqlite && files.postgres) {
    const span = (f: ResultsFile) => `${f.results[0]?.date.slice(0, 16) ?? '?'}`;
    sections.push(
      `## PostgreSQL against SQLite\n\nSQLite measured from ${span(files.sqlite)}, PostgreSQL from ${span(files.postgres)} (UTC): on a shared machine, ` +
        `compare only runs of one \`npm run bench\`.\n\n${postgresVsSqlite(files.postgres.results, files.sqlite.results)}\n`,
    );
  }

  return `# Backend benchmark: IdP workloads against the SCIM server

Generated by ${commands.map((c) => `\`${c}\``).join(' and ') || '`npm run bench`'} (the full run is \`npm run bench\`); the tables are
rewritten by each run and the analysis at the end is kept.
Raw results: \`bench/results/sqlite.json\`, \`bench/results/postgres.json\`.

**Machine**: ${m.cores} CPUs (${m.cpu}), ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}.

**Setup** (\`bench/backend/\`): the server under test is a real child process pinned to core 1
(\`taskset -c 1\`) with its own data folder (or its own PostgreSQL database); the load generator runs
pinned to core 0: ${clients} clients, each with one keep-alive connection (undici \`Client\`), each
repeating the workload's step. The baseline is a bare \`node:http\` server answering a fixed small
JSON (\`bench/backend/bareHttpServer.ts\`), driven by the same generator with the same headers, pinned
to the same core, measured in the same run just before each directory size. Every throughput is
also given as a ratio to it ("÷ bare"); "÷ bare by CPU" is the bare server's CPU time per request
over the backend's, the same ratio read from CPU time rather than wall time, which other work on
the machine disturbs far less. Latency is per request (p50/p99, HDR histogram).
"generator CPU" is the share of core 0 the generator used: near 100 % means the generator, not the
server, set the pace. Peak RSS is the server's VmHWM from /proc (it is a fresh process per workload).
PostgreSQL runs use a local cluster pinned to the core named in their "Database" line: by default
core 0 beside the generator (\`--postgres-core generator\`), so the server keeps core 1 to itself as
with SQLite, whose work runs inside the server process; "database CPU" in the log is the cluster's.

Each workload runs against a freshly started server after a short warm-up of the same workload
on a separate warm-up connection of the same org. Directories are seeded straight into the store
through the server's own code (\`bench/backend/seedDirectory.ts\`: Okta Create User bodies from
\`test/idp/okta.ts\` through the SCIM canonicalisation; every 20th user linked to an org member
invited from the pool and redeemed); the Entra initial sync seeds itself over HTTP.

| Workload | What each client sends |
|---|---|
${WORKLOADS.map((w) => `| ${w.title} (\`${w.name}\`) | ${w.description} |`).join('\n')}

${sections.join('\n')}
`;
}

export function writeResultsMarkdown(outFile: string, markdown: string): void {
  const previous = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
  const kept = previous.includes(ANALYSIS_MARKER) ? previous.slice(previous.indexOf(ANALYSIS_MARKER)) : `${ANALYSIS_MARKER}\n`;
  fs.writeFileSync(outFile, `${markdown}\n${kept}`);
}
