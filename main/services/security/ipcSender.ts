/**
 * Every IPC call is checked for where it comes from before its payload is looked at: it must come
 * from the main frame of our own window, showing a page of the app origin. Calls from a subframe,
 * another window, or a page that somehow navigated away are refused.
 */
import { describeUrl } from './navigationGuard.js';
import { isAppUrl } from './appProtocol.js';

/** What main knows about the sender of an `ipcMain.handle` call (from `event.senderFrame`, `event.sender`). */
export interface IpcSenderFacts {
  /** `event.senderFrame?.url`; null when the frame is gone. */
  frameUrl: string | null | undefined;
  /** `event.senderFrame === event.sender.mainFrame` (or `senderFrame.parent === null`). */
  isMainFrame: boolean;
  /** The sender's `webContents` belongs to a window this app created. */
  fromAppWindow: boolean;
}

export type IpcSenderDecision = { ok: true } | { ok: false; reason: string };

export function checkIpcSender(facts: IpcSenderFacts): IpcSenderDecision {
  if (!facts.fromAppWindow) return { ok: false, reason: 'IPC call from a window the app did not create' };
  if (facts.frameUrl == null) return { ok: false, reason: 'IPC call from a frame that no longer exists' };
  if (!facts.isMainFrame) return { ok: false, reason: 'IPC call from a subframe' };
  if (!isAppUrl(facts.frameUrl)) return { ok: false, reason: `IPC call from ${describeUrl(facts.frameUrl)}, not the app origin` };
  return { ok: true };
}
