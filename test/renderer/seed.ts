/** Finds the product documentation (the seed) beside the repository, wherever the tests run from. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED = join('shared', 'seed', '000_4b264a8f9d3606c4.txt');

export function seedPath(): string {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  // `../shared/seed` beside the repository (always there in CI), then the repo itself, then any parent.
  const candidates = [resolve(repo, '..', SEED), resolve(repo, SEED)];
  for (let dir = repo; dirname(dir) !== dir; dir = dirname(dir)) candidates.push(resolve(dirname(dir), SEED));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`seed document not found; looked at:\n${candidates.join('\n')}`);
  return found;
}

export function readSeed(): string {
  return readFileSync(seedPath(), 'utf8');
}
