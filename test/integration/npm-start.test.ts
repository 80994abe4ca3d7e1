/**
 * `npm start` where the Electron binary cannot be obtained: it says so plainly, points to the
 * backend-only command and the README, exits non-zero, and never tries to download Electron.
 * (ELECTRON_OVERRIDE_DIST_PATH at a missing folder makes the binary missing on any machine.)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm start without the Electron binary', () => {
  it('explains and points to npm run server and the README', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs')], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: path.join(root, 'no-such-electron-dist') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('The Electron binary is not installed (it downloads from GitHub, which this machine cannot reach).');
    expect(result.stderr).toContain('npm run server -- serve');
    expect(result.stderr).toContain('README');
    expect(result.stdout).not.toMatch(/Downloading Electron/);
  });
});
