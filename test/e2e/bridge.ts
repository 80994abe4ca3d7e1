/**
 * The e2e bridge: the production renderer build in Chromium, with `window.api` wired to the REAL
 * main-process handlers (`createMainServices` from main/services/ipcHandlers.ts) running in the
 * test process against the real bundled backend (a spawned `server/`). Only the OS pieces are
 * fakes: an in-memory keychain, a recording clipboard and a recording `openExternal`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { buildSync } from 'esbuild';
import { createBundledBackend, type BundledBackend } from '../../main/services/bundledBackend.js';
import { createMainServices, type MainServices } from '../../main/services/ipcHandlers.js';
import type { IpcChannel, PushMessage } from '../../shared/ipc.js';
import { FakeClipboard, InMemoryCredentialStore } from '../support/mainFakes.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT_DIR = path.join(REPO_ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

// ---- The production renderer build --------------------------------------------------------

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const index = path.join(OUT_DIR, 'index.html');
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  return [path.join(REPO_ROOT, 'renderer'), path.join(REPO_ROOT, 'shared')].some((dir) => newestMtime(dir) > built);
}

/** `npx vite build --config renderer/vite.config.ts`, once, even with several workers. */
export async function ensureRendererBuilt(): Promise<void> {
  const lock = path.join(REPO_ROOT, 'out', '.renderer-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 180_000) throw new Error('timed out waiting for another worker to build the renderer');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!buildIsStale()) return;
    const result = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`renderer build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A tiny static server for `out/renderer` on loopback. */
export async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.normalize(path.join(OUT_DIR, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(OUT_DIR) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let pageBridgeScript: string | undefined;
/** `pageBridge.ts` (with the real `buildDesktopApi`) bundled for the page. */
function pageBridge(): string {
  pageBridgeScript ??= buildSync({
    entryPoints: [path.join(REPO_ROOT, 'test', 'e2e', 'pageBridge.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
  }).outputFiles[0]!.text;
  return pageBridgeScript;
}

// ---- The desktop app, minus Electron ------------------------------------------------------

/**
 * Serves main's handler object to the page as the `__ipcInvoke` binding `window.api` calls. The
 * result crosses as JSON text, parsed in the page: Playwright's own value serialization costs
 * ~0.3 ms per pool row each way (≈60 ms for a page of 200 rows, on the page's main thread), where
 * Electron's structured clone of the same value takes about what `JSON.parse` does.
 */
export async function exposeIpcHandlers(
  page: Page,
  handlers: MainServices['handlers'],
  onCall: (channel: IpcChannel, request: unknown) => void = () => undefined,
): Promise<void> {
  await page.exposeBinding('__ipcInvoke', async (_source, channel: IpcChannel, request: unknown): Promise<string> => {
    onCall(channel, request);
    const handler = handlers[channel];
    if (!handler) return JSON.stringify({ ok: false, error: { code: 'invalid_request', message: `unknown channel ${channel}` } });
    return JSON.stringify(await handler(request));
  });
}

/** Every console error and uncaught exception of the page, for a test to assert there were none. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export interface Desktop {
  page: Page;
  services: MainServices;
  backend: BundledBackend;
  clipboard: FakeClipboard;
  /** URLs `openExternal` was asked to open. */
  opened: string[];
  pushes: PushMessage[];
  /** Every IPC call the page made, in order. */
  calls: { channel: IpcChannel; request: unknown }[];
  /** Saves the page at 1280×800 in light and dark under test-results/screenshots/. */
  screenshot(name: string): Promise<void>;
}

export const test = base.extend<{ desktop: Desktop }>({
  viewport: { width: 1280, height: 800 },
  desktop: async ({ page }, use, testInfo) => {
    await ensureRendererBuilt();
    const site = await serveRenderer();
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sds-e2e-'));
    const clipboard = new FakeClipboard();
    const opened: string[] = [];
    const pushes: PushMessage[] = [];
    const calls: Desktop['calls'] = [];
    let pageClosed = false;
    page.on('close', () => (pageClosed = true));

    const backend = createBundledBackend({
      serverEntry: path.join(REPO_ROOT, 'server', 'cli.ts'),
      dataDir: path.join(userDataDir, 'backend'),
      cwd: REPO_ROOT,
      env: { LOG_LEVEL: 'warn' },
      stopTimeoutMs: 3000,
    });
    const services = createMainServices({
      credentials: new InMemoryCredentialStore(),
      userDataDir,
      clipboard,
      openExternal: async (url) => {
        opened.push(url);
      },
      bundledBackend: backend,
      push: (message) => {
        pushes.push(message);
        if (pageClosed) return;
        page.evaluate((m) => (window as unknown as { __pushFromMain?: (m: unknown) => void }).__pushFromMain?.(m), message).catch(() => undefined);
      },
    });

    await exposeIpcHandlers(page, services.handlers, (channel, request) => calls.push({ channel, request }));
    await page.addInitScript({ content: pageBridge() });
    const consoleErrors = collectConsoleErrors(page);

    const slug = path.basename(testInfo.file, '.spec.ts');
    let shot = 0;
    const desktop: Desktop = {
      page,
      services,
      backend,
      clipboard,
      opened,
      pushes,
      calls,
      async screenshot(name) {
        shot++;
        fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          await page.screenshot({ animations: 'disabled', path: path.join(SCREENSHOT_DIR, `${slug}-${String(shot).padStart(2, '0')}-${name}-${colorScheme}.png`) });
        }
        await page.emulateMedia({ colorScheme: 'light' });
      },
    };

    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(site.url);
    try {
      await use(desktop);
      expect(consoleErrors, 'errors in the page console').toEqual([]);
    } finally {
      services.dispose();
      await backend.stop();
      await site.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  },
});

export { expect };
