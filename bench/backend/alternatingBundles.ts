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
 *          --slice SECONDS  --workload hot-read|deprovision-wave|entra-sync|…
 *
 * Amount-bound workloads (the deprovision wave, the Entra initial sync) continue across slices:
 * each server keeps one run of the workload, so the wave deactivates every tenth user once (and the
 * rounds end early when its users run out on either server; it warms up on a separate connection of
 * up to 20,000 users, as run.ts does), and the sync creates each person once,
 * into an empty Entra connection of the same org beside the seeded directory (so a create meets a
 * store of `--size` users, not an empty one as in run.ts; both servers meet the same one).
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
/** Where a workload that needs an empty connection (the initial sync) creates its users. */
const EMPTY_CONNECTION = 'Entra';
/** An amount-bound workload over the seeded directory (the wave): it runs out, so it warms up elsewhere. */
const WAVE_LIKE = workload.amountBound && workload.needs === 'directory';
const WARM_UP_CONNECTION = 'Warm-up';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sds-alternating-'));
const started: ChildProcess[] = [];
try {
  const storeDir = path.join(root, 'old');
  const store = await openStore(storeDir);
  const people = { seed: 11, domain: 'directory.example' };
  const syncPeople = { seed: 21, domain: 'entra.example', externalIdStyle: 'entra' as const };
  const org = await seedOrg(
    store,
    [
      { name: 'Directory', provider: 'okta', users: Number(opts.size), linkMembers: true, people },
      { name: EMPTY_CONNECTION, provider: 'azure-ad', users: 0, linkMembers: false, people: syncPeople },
      // The wave warms up on users of its own, as run.ts does, so the measured rounds start warm.
      ...(WAVE_LIKE ? [{ name: WARM_UP_CONNECTION, provider: 'okta' as const, users: Math.min(Number(opts.size), 20_000), linkMembers: true, people: { seed: 12, prefix: 'warm.', domain: 'warmup.example' } }] : []),
    ],
    'http://127.0.0.1',
  );
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
  const seeded = org.connections[workload.needs === 'empty' ? EMPTY_CONNECTION : 'Directory']!;
  /** An initial sync has no end here: it creates people for as long as the rounds last. */
  const usersToCreate = 10_000_000;

  function runOf(name: 'old' | 'new', seconds: number, on = seeded) {
    const { origin } = servers[name];
    return workload.create({ origin, connectionId: on.connectionId, secret: on.secret, users: on.users, ids: on.ids, people: on.people }, { seconds, users: usersToCreate });
  }
  /** Amount-bound workloads: one run per server, continued by every slice (no user twice). */
  const kept = workload.amountBound ? { old: runOf('old', 0), new: runOf('new', 0) } : undefined;
  let exhausted = false;

  async function slice(name: 'old' | 'new', seconds: number, warmUp = false): Promise<number> {
    const { child } = servers[name];
    const { step } = warmUp && WAVE_LIKE ? runOf(name, seconds, org.connections[WARM_UP_CONNECTION]) : (kept?.[name] ?? runOf(name, seconds));
    const before = procCpuSeconds(child.pid!);
    const load = await runLoad({ origin: servers[name].origin, clients: 8, step, maxSeconds: seconds });
    if (load.errors > 0) throw new Error(`${name}: ${load.errors} requests failed: ${JSON.stringify(load.errorKinds)}`);
    // A slice that ended before its time ran out of users: later slices would compare less work.
    if (kept && !warmUp && load.seconds < seconds * 0.9) exhausted = true;
    return ((procCpuSeconds(child.pid!) - before) * 1e6) / load.requests;
  }

  // Warm both up (the wave on its warm-up users), then alternate which goes first.
  await slice('old', 3, true);
  await slice('new', 3, true);
  const rounds: { old: number; new: number }[] = [];
  for (let i = 0; i < Number(opts.rounds); i++) {
    const round = { old: 0, new: 0 };
    for (const name of i % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) round[name] = await slice(name, Number(opts.slice));
    if (exhausted) {
      console.log(`round ${i + 1}: ${workload.name} ran out of users; this round is left out and the rounds end here`);
      break;
    }
    rounds.push(round);
    console.log(`round ${i + 1}: old ${round.old.toFixed(1)} µs/req, new ${round.new.toFixed(1)} µs/req, ratio ${(round.new / round.old).toFixed(3)}`);
  }
  if (rounds.length === 0) throw new Error(`${workload.name} ran out of users before the first round: use a larger --size`);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    `${workload.name}, ${opts.size} users: server CPU per request, median old ${median(rounds.map((r) => r.old)).toFixed(1)} µs, new ${median(rounds.map((r) => r.new)).toFixed(1)} µs; ` +
      `median ratio ${median(rounds.map((r) => r.new / r.old)).toFixed(3)}, new lower in ${rounds.filter((r) => r.new < r.old).length} of ${rounds.length} rounds`,
  );
} finally {
  for (const child of started) child.kill();
  fs.rmSync(root, { recursive: true, force: true });
}
