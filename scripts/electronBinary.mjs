// Where the Electron binary is, found WITHOUT require('electron'): requiring the package runs its
// downloader when the binary is missing, which hangs or fails on machines without GitHub access.
// Mirrors node_modules/electron/index.js: path.txt names the executable under dist/ (or under
// ELECTRON_OVERRIDE_DIST_PATH).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** @returns {{ installed: true, executable: string } | { installed: false, reason: string }} */
export function findElectronBinary(fromDir = process.cwd()) {
  let packageDir;
  try {
    packageDir = path.dirname(createRequire(path.join(fromDir, 'noop.js')).resolve('electron/package.json'));
  } catch {
    return { installed: false, reason: 'the electron package is not installed (npm install)' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const executable = path.join(override, relative || 'electron');
    return fs.existsSync(executable) ? { installed: true, executable } : { installed: false, reason: `${executable} does not exist` };
  }
  if (!relative) return { installed: false, reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)' };
  const executable = path.join(packageDir, 'dist', relative);
  return fs.existsSync(executable) ? { installed: true, executable } : { installed: false, reason: `${executable} does not exist` };
}
