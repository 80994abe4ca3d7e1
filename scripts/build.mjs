// Builds the desktop app into out/:
//   out/main/main.js         the Electron main process (ESM; electron and keytar stay external)
//   out/preload/preload.cjs  the preload (CommonJS, sandbox-compatible: only `electron` is required)
//   out/server/cli.js        the SCIM backend, run by the app in a utility process (better-sqlite3 external)
//   out/renderer/            the React UI (vite build of renderer/vite.config.ts)
// Usage: node scripts/build.mjs [main|preload|server|renderer ...]   (no argument: everything)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out');

// ESM bundles of CommonJS packages call require() for Node built-ins; give them one.
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const targets = {
  async main() {
    await esbuild.build({
      entryPoints: [path.join(root, 'main/app/main.ts')],
      outfile: path.join(out, 'main/main.js'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22', // Electron 45
      external: ['electron', 'keytar'],
      banner: { js: requireShim },
      sourcemap: true,
      logLevel: 'warning',
    });
  },
  async preload() {
    await esbuild.build({
      entryPoints: [path.join(root, 'main/preload/preload.ts')],
      outfile: path.join(out, 'preload/preload.cjs'),
      bundle: true,
      // A sandboxed preload has no Node: bundling for the browser makes any Node import a build error.
      platform: 'browser',
      format: 'cjs',
      target: 'chrome140',
      external: ['electron'],
      sourcemap: true,
      logLevel: 'warning',
    });
  },
  async server() {
    await esbuild.build({
      entryPoints: [path.join(root, 'server/cli.ts')],
      outfile: path.join(out, 'server/cli.js'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3', 'pg', 'pg-native', 'pino-pretty'],
      banner: { js: requireShim },
      sourcemap: true,
      logLevel: 'warning',
    });
  },
  async renderer() {
    const configFile = path.join(root, 'renderer/vite.config.ts');
    if (!fs.existsSync(configFile)) throw new Error('renderer/vite.config.ts is missing');
    const { build } = await import('vite');
    await build({ configFile, logLevel: 'warn' });
  },
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in targets));
if (unknown.length > 0) {
  console.error(`Unknown build target(s): ${unknown.join(', ')}. Known: ${Object.keys(targets).join(', ')}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(targets)) {
  const started = Date.now();
  try {
    await targets[name]();
  } catch (error) {
    console.error(`build ${name} failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
  console.log(`built ${name} in ${Date.now() - started} ms`);
}
