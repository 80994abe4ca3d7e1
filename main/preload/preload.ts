/**
 * The preload script (bundled to one CommonJS file, sandbox-compatible: it requires only
 * `electron`). It exposes `window.api`, built from the IPC contract's channel list, so the renderer
 * can call nothing but the channels main handles, and it forwards main's pushes to `api.onPush`.
 * The renderer never sees `ipcRenderer` or the IPC event object.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildDesktopApi, IPC_EVENT_CHANNEL, type PushMessage, type Result } from '../../shared/ipc.js';

function subscribe(listener: (message: PushMessage) => void): () => void {
  const handler = (_event: IpcRendererEvent, message: PushMessage) => listener(message);
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  };
}

contextBridge.exposeInMainWorld(
  'api',
  buildDesktopApi((channel, request) => ipcRenderer.invoke(channel, request) as Promise<Result<unknown>>, subscribe),
);
