/**
 * Runs inside the page (bundled by esbuild, added as an init script): `window.api` built by the
 * very `buildDesktopApi` the preload uses, over the `__ipcInvoke` binding the bridge exposes, plus
 * `window.__pushFromMain`, through which the bridge forwards main's push messages.
 */
import { buildDesktopApi, type DesktopApi, type IpcChannel, type PushMessage, type Result } from '../../shared/ipc.js';

type BridgeWindow = Window & {
  api?: DesktopApi;
  /** Answers the handler's `Result` as JSON text (see `exposeIpcHandlers`). */
  __ipcInvoke(channel: IpcChannel, request: unknown): Promise<string>;
  __pushFromMain?: (message: PushMessage) => void;
};

const target = window as unknown as BridgeWindow;
const listeners = new Set<(message: PushMessage) => void>();
target.__pushFromMain = (message) => {
  for (const listener of listeners) listener(message);
};
target.api = buildDesktopApi(
  async (channel, request) => JSON.parse(await target.__ipcInvoke(channel, request)) as Result<unknown>,
  (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
);
