/**
 * The Electron main process: the only layer that touches Electron (with the preload). It applies
 * the security rules from main/services/security, serves the renderer build over `app://`, wires
 * the IPC contract to the services' handlers, and runs the bundled backend.
 *
 * Layout at run time (both `npm start` and the package): this file is `out/main/main.js`, the
 * preload `out/preload/preload.cjs`, the renderer `out/renderer/`, the backend `out/server/cli.js`.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, ipcMain, nativeTheme, protocol, session, shell, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, IPC_EVENT_CHANNEL, type IpcChannel, type PushMessage, type Result } from '../../shared/ipc.js';
import { createKeytarCredentialStore } from '../platform/keytarCredentialStore.js';
import { createBundledBackend, type BundledBackend } from '../services/bundledBackend.js';
import { CREDENTIAL_SERVICE } from '../services/credentialKeys.js';
import type { Clipboard, Logger, ServiceDeps } from '../services/deps.js';
import { createMainServices } from '../services/ipcHandlers.js';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  checkIpcSender,
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  describeUrl,
  EXTERNAL_LINKS,
  serveAppRequest,
  windowOptions,
  WINDOW_BACKGROUND,
} from '../services/security/index.js';
import { createUtilityProcessSpawn } from './utilityProcessSpawn.js';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(outDir, '..');
const paths = {
  preload: path.join(outDir, 'preload', 'preload.cjs'),
  renderer: path.join(outDir, 'renderer'),
  serverBundle: path.join(outDir, 'server', 'cli.js'),
  serverSource: path.join(repoRoot, 'server', 'cli.ts'),
};

const logger: Logger = {
  info: (message, details) => console.log(JSON.stringify({ level: 'info', message, ...details })),
  warn: (message, details) => console.warn(JSON.stringify({ level: 'warn', message, ...details })),
  error: (message, details) => console.error(JSON.stringify({ level: 'error', message, ...details })),
};

// ---- before ready -------------------------------------------------------------------------------

// Every renderer is sandboxed, whatever its webPreferences say.
app.enableSandbox();

// `app://` behaves like https for the renderer: standard URLs, a secure context, fetch and CORS for
// module scripts. It must be registered before `ready`.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the window and the bundled backend's data folder; it gets focused below.
  app.quit();
} else {
  main();
}

function main(): void {
  let mainWindow: BrowserWindow | null = null;

  function push(message: PushMessage): void {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT_CHANNEL, message);
  }

  // The services push the backend's status changes (`events:push`, kind "backend") themselves.
  const backend = createBackend();

  const allowedExternalUrls = new Set<string>(Object.values(EXTERNAL_LINKS));
  const deps: ServiceDeps = {
    credentials: createKeytarCredentialStore({ service: CREDENTIAL_SERVICE }),
    userDataDir: app.getPath('userData'),
    clipboard: electronClipboard(),
    async openExternal(url) {
      // The handlers resolve link ids through the allowlist; this is the second lock on the door.
      if (!allowedExternalUrls.has(url)) throw new Error(`Refusing to open ${describeUrl(url)}: not on the link allowlist`);
      await shell.openExternal(url, { activate: true });
    },
    bundledBackend: backend,
    push,
    logger,
    hostname: os.hostname(),
  };
  const services = createMainServices(deps);
  const handlers = services.handlers as Record<IpcChannel, (request: unknown) => Promise<Result<unknown>>>;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every web contents, whatever created it: no navigation off the app origin, no new windows, no
  // <webview>.
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: { preventDefault(): void }, url: string) => {
      const decision = decideNavigation(url);
      if (!decision.allow) {
        event.preventDefault();
        logger.warn('navigation blocked', { reason: decision.reason });
      }
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-frame-navigate', (event) => guard(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      logger.warn('window.open blocked', { url: describeUrl(url) });
      return decideWindowOpen(url);
    });
  });

  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      const sender = checkIpcSender({
        frameUrl: frame?.url,
        isMainFrame: frame != null && frame.parent === null,
        fromAppWindow: mainWindow != null && !mainWindow.isDestroyed() && event.sender.id === mainWindow.webContents.id,
      });
      if (!sender.ok) {
        logger.warn('IPC call refused', { channel, reason: sender.reason });
        return { ok: false, error: { code: 'forbidden', message: 'This call is only accepted from the app window.' } };
      }
      const handler = handlers[channel];
      if (!handler) return { ok: false, error: { code: 'invalid_request', message: `Unknown channel ${channel}` } };
      try {
        return await handler(request);
      } catch (error) {
        logger.error('IPC handler failed', { channel, error: error instanceof Error ? error.message : String(error) });
        return { ok: false, error: { code: 'internal', message: 'Something went wrong in the app. Try again; if it keeps happening, restart the app.' } };
      }
    });
  }

  function createWindow(): void {
    const darkMode = nativeTheme.shouldUseDarkColors;
    const window = new BrowserWindow(
      windowOptions({ preloadPath: paths.preload, isPackaged: app.isPackaged, platform: process.platform, darkMode }),
    );
    mainWindow = window;
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    void window.loadURL(APP_ENTRY_URL);
  }

  nativeTheme.on('updated', () => {
    mainWindow?.setBackgroundColor(nativeTheme.shouldUseDarkColors ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light);
  });

  void app.whenReady().then(() => {
    protocol.handle(APP_SCHEME, async (request) => {
      const response = await serveAppRequest(request.url, paths.renderer);
      return new Response(response.body as ConstructorParameters<typeof Response>[0], { status: response.status, headers: response.headers });
    });

    const appSession = session.defaultSession;
    appSession.setPermissionRequestHandler((_contents, permission, callback) => callback(decidePermission(permission)));
    appSession.setPermissionCheckHandler((_contents, permission) => decidePermission(permission));
    // The renderer makes no network requests (CSP connect-src 'none'); refuse them here as well.
    appSession.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
      logger.warn('renderer network request blocked', { url: describeUrl(details.url) });
      callback({ cancel: true });
    });

    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop the bundled backend (gracefully: it finishes its transactions) before the app exits, and
  // clear a secret still on the clipboard.
  let backendStopped = false;
  app.on('before-quit', (event) => {
    if (backendStopped) return;
    event.preventDefault();
    services.dispose();
    void backend
      .stop()
      .catch((error: unknown) => logger.error('stopping the bundled backend failed', { error: String(error) }))
      .finally(() => {
        backendStopped = true;
        app.quit();
      });
  });
}

/**
 * Electron 45's clipboard is asynchronous; the services' `Clipboard` is synchronous. Reads answer
 * what this app last wrote, and clearing (writing '') happens only if the system clipboard still
 * holds that text, so something the admin copied since is never wiped.
 */
function electronClipboard(): Clipboard {
  let lastWritten = '';
  const report = (error: unknown) => logger.warn('clipboard write failed', { error: String(error) });
  return {
    writeText(text) {
      if (text === '') {
        const expected = lastWritten;
        lastWritten = '';
        void clipboard
          .readText()
          .then((current) => (current === expected ? clipboard.writeText('') : undefined))
          .catch(report);
        return;
      }
      lastWritten = text;
      void clipboard.writeText(text).catch(report);
    },
    readText: () => lastWritten,
  };
}

/**
 * Packaged: the bundled `out/server/cli.js` in an Electron utility process (the `runAsNode` fuse is
 * off, so ELECTRON_RUN_AS_NODE cannot be used). Development (`npm start`): `node --import tsx
 * server/cli.ts` from the repository, with the Node on PATH.
 */
function createBackend(): BundledBackend {
  const dataDir = path.join(app.getPath('userData'), 'backend');
  if (app.isPackaged) {
    return createBundledBackend({
      serverEntry: paths.serverBundle,
      dataDir,
      logger,
      // Not the bundle's folder: it lies inside app.asar, which is no directory to run in.
      cwd: app.getPath('userData'),
      entryArgs: [paths.serverBundle],
      spawnProcess: createUtilityProcessSpawn((modulePath, args, options) => utilityProcess.fork(modulePath, args, options)),
    });
  }
  return createBundledBackend({
    serverEntry: paths.serverSource,
    dataDir,
    logger,
    cwd: repoRoot,
    nodeExecutable: process.env.SCIM_NODE ?? 'node',
  });
}
