/**
 * Electron smoke test (Playwright `_electron`): launches the built app (`npm run build` first, or
 * `npm run test:electron`), waits for its window and checks the sign-in screen and the sandbox.
 * It runs wherever the Electron binary is installed; elsewhere it reports itself skipped, with the
 * reason in its name. The detection never require()s `electron`, which would try to download it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../scripts/electronBinary.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const mainScript = path.join(root, 'out/main/main.js');
const binary = findElectronBinary(root);
const SKIP_REASON = 'electron smoke: Electron binary not installed (downloads from GitHub)';
const title = binary.installed
  ? 'electron smoke: the app window opens on the sign-in screen, sandboxed, served from app://'
  : `${SKIP_REASON}: skipped`;

test(title, async () => {
  test.skip(!binary.installed, SKIP_REASON);
  if (!binary.installed) return;
  expect(fs.existsSync(mainScript), 'out/main/main.js is missing: run `npm run build` first').toBe(true);

  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-smoke-'));
  const env = { ...process.env } as Record<string, string>;
  delete env.ELECTRON_RUN_AS_NODE;
  const app = await electron.launch({
    executablePath: binary.executable,
    // Chromium refuses to run as root without --no-sandbox (CI containers run as root).
    args: [mainScript, `--user-data-dir=${userData}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env,
    cwd: root,
  });
  try {
    const window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    expect(window.url()).toMatch(/^app:\/\/scim-directory-sync\//);
    await expect(window).toHaveTitle(/SCIM Directory Sync/);
    await expect(window.getByRole('heading', { level: 1, name: /Welcome|Add an org account/ })).toBeVisible();

    // The renderer has the contract's API and nothing of Node.
    const globals = await window.evaluate(() => {
      const w = globalThis as unknown as Record<string, unknown>;
      return { require: typeof w.require, process: typeof w.process, api: Object.keys((w.api ?? {}) as object).sort() };
    });
    expect(globals.require).toBe('undefined');
    expect(globals.process).toBe('undefined');
    expect(globals.api).toEqual(expect.arrayContaining(['accounts', 'connections', 'links', 'onPush', 'wizard']));

    // IPC round trip through the preload to the services.
    const accounts = await window.evaluate(() =>
      (globalThis as unknown as { api: { accounts: { list(r: object): Promise<unknown> } } }).api.accounts.list({}),
    );
    expect(accounts).toMatchObject({ ok: true });

    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const [win] = BrowserWindow.getAllWindows();
      const size = win!.getMinimumSize();
      return { minWidth: size[0], minHeight: size[1] };
    });
    expect(prefs).toEqual({ minWidth: 1024, minHeight: 700 });
  } finally {
    await app.close();
    fs.rmSync(userData, { recursive: true, force: true });
  }
});
