/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench -- --cpu-prof DIR`):
 * self time by function and by where the code lives (a package under node_modules, a file of
 * this repository, or Node itself), and the inclusive time of this repository's functions.
 *
 *   node --import tsx bench/backend/profileSummary.ts FILE.cpuprofile [--top 25] [--skip SECONDS]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function whereFrom(url: string): string {
  if (url === '') return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:*';
  const repo = /\/(server|shared|bench|test)\/(.+)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2]}`;
  return url;
}

/** `skipSeconds`: leave out the first seconds of the profile (start-up and warm-up). */
export function summarise(profile: Profile, top: number, skipSeconds = 0): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    elapsed += profile.timeDeltas[i] ?? 0;
    if (elapsed >= skipSeconds * 1e6) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);

  const selfByFunction = new Map<string, number>();
  const selfByPlace = new Map<string, number>();
  const inclusiveRepo = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const place = whereFrom(node.callFrame.url);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${place}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + us);
    selfByPlace.set(place, (selfByPlace.get(place) ?? 0) + us);
    // Inclusive time of repository functions: each sample counts once per distinct function on its stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      const where = whereFrom(frame.url);
      if (!/^(server|shared)\//.test(where)) continue;
      const key = `${frame.functionName || '(anonymous)'} ${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusiveRepo.set(key, (inclusiveRepo.get(key) ?? 0) + us);
    }
  }
  const table = (title: string, map: Map<string, number>) =>
    [
      `${title}`,
      ...[...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`),
    ].join('\n');
  return [
    `total sampled: ${(total / 1e6).toFixed(2)} s`,
    table('self time by place', selfByPlace),
    table('self time by function', selfByFunction),
    table('inclusive time, server/ and shared/ functions', inclusiveRepo),
  ].join('\n\n');
}

if (process.argv[1]?.endsWith('profileSummary.ts')) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' }, skip: { type: 'string', default: '0' } }, allowPositionals: true });
  for (const file of positionals) {
    process.stdout.write(`== ${file}\n${summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(values.top), Number(values.skip))}\n`);
  }
}
