// `npm start`: builds the app (scripts/build.mjs) and launches Electron with out/main/main.js.
// Extra arguments go to Electron. Where the Electron binary is not installed (it downloads from
// GitHub at install time, which some machines cannot reach), it says so and points to the
// backend-only command instead of trying to download it.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electronBinary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electron = findElectronBinary(root);
if (!electron.installed) {
  process.stderr.write(
    'The Electron binary is not installed (it downloads from GitHub, which this machine cannot reach).\n' +
      'Run the backend alone with `npm run server -- serve`; see README.\n' +
      `(Detail: ${electron.reason}.)\n`,
  );
  process.exit(1);
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron.executable, [path.join(root, 'out/main/main.js'), ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
