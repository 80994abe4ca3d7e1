/**
 * A before/after pair for one workload that holds on a loaded machine: two bundled backends (an
 * old build and this one) serve copies of one seeded SQLite store on the same core, and the load
 * generator drives them alternately in short slices, so both meet the same background load.
 * Prints each server's CPU per request per round and the median ratio (new ÷ old).
 *
 *   git archive <rev> | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/node_modules
 *   (cd /tmp/old && node scripts/build.mjs server); node scripts/build.mjs server
 *   node --import tsx bench/backend/alternatingBundles.ts --old /tmp/old/out/server/cli.js --size 100000 --rounds 10
 *
 * Options: --old PATH (required)  --new PATH (default: this tree's bundle)  --size N  --rounds N
 *          --slice SECONDS  --workload hot-read|… (one that reads the seeded directory)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openStore } from '../../server/store/database.js';
import { BACKEND_ENVIRONMENT, BACKEND_NODE_FLAGS } from '../../shared/backendRuntime.js';
import { freePort, waitForHealthy } from '../../test/support/cliProcess.js';
import { runLoad } from './loadGenerator.js';
import { seedOrg } from './seedDirectory.js';
import { BUNDLE_PATH, pinSelf, procCpuSeconds } from './serverProcess.js';
import { workloadNamed } from './workloads/index.js';

const { values: opts } = parseArgs({
  options: {
    old: { type: 'string' },
    new: { type: 'string', default: BUNDLE_PATH },
    size: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '10' },
    slice: { type: 'string', default: '2' },
    workload: { type: 'string', default: 'hot-read' },
  },
});
if (!opts.old) throw new Error('--old PATH: the bundle (out/server/cli.js) of the build to compare against');
const workload = workloadNamed(opts.workload);
if (workload.needs !== 'directory') throw new Error(`${workload.name} needs an empty store; this compares reads of a seeded directory`);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sds-alternating-'));
const started: ChildProcess[] = [];
try {
  const storeDir = path.join(root, 'old');
  const store = await openStore(storeDir);
  const people = { seed: 11, domain: 'directory.example' };
  const org = await seedOrg(store, [{ name: 'Directory', provider: 'okta', users: Number(opts.size), linkMembers: true, people }], 'http://127.0.0.1');
  await store.destroy();
  fs.cpSync(storeDir, path.join(root, 'new'), { recursive: true });
  // The generator on core 0, both servers on core 1 (as run.ts pins them).
  pinSelf(0);

  async function start(bundle: string, dataDir: string): Promise<{ child: ChildProcess; origin: string }> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, ...BACKEND_ENVIRONMENT };
    for (const key of ['PORT', 'SCIM_HOST', 'SCIM_DATA_DIR', 'SCIM_PUBLIC_URL', 'LOG_LEVEL', 'NODE_OPTIONS', 'DATABASE_URL']) delete env[key];
    const args = ['-c', '1', process.execPath, ...BACKEND_NODE_FLAGS, bundle, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
    const child = spawn('/usr/bin/taskset', args, { env, stdio: 'ignore' });
    started.push(child);
    const origin = `http://127.0.0.1:${port}`;
    await waitForHealthy(origin, 60_000, () => child.exitCode === null);
    return { child, origin };
  }
  const servers = { old: await start(opts.old, storeDir), new: await start(opts.new, path.join(root, 'new')) };
  const seeded = org.connections.Directory!;

  async function slice(name: 'old' | 'new', seconds: number): Promise<number> {
    const { child, origin } = servers[name];
    const { step } = workload.create({ origin, connectionId: seeded.connectionId, secret: seeded.secret, users: seeded.users, ids: seeded.ids, people }, { seconds, users: seeded.users });
    const before = procCpuSeconds(child.pid!);
    const load = await runLoad({ origin, clients: 8, step, maxSeconds: seconds });
    if (load.errors > 0) throw new Error(`${name}: ${load.errors} requests failed: ${JSON.stringify(load.errorKinds)}`);
    return ((procCpuSeconds(child.pid!) - before) * 1e6) / load.requests;
  }

  // Warm both up, then alternate which goes first.
  await slice('old', 3);
  await slice('new', 3);
  const rounds: { old: number; new: number }[] = [];
  for (let i = 0; i < Number(opts.rounds); i++) {
    const round = { old: 0, new: 0 };
    for (const name of i % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) round[name] = await slice(name, Number(opts.slice));
    rounds.push(round);
    console.log(`round ${i + 1}: old ${round.old.toFixed(1)} µs/req, new ${round.new.toFixed(1)} µs/req, ratio ${(round.new / round.old).toFixed(3)}`);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    `${workload.name}, ${opts.size} users: server CPU per request, median old ${median(rounds.map((r) => r.old)).toFixed(1)} µs, new ${median(rounds.map((r) => r.new)).toFixed(1)} µs; ` +
      `median ratio ${median(rounds.map((r) => r.new / r.old)).toFixed(3)}, new lower in ${rounds.filter((r) => r.new < r.old).length} of ${rounds.length} rounds`,
  );
} finally {
  for (const child of started) child.kill();
  fs.rmSync(root, { recursive: true, force: true });
}
