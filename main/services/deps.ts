/**
 * What main's services need from the outside world. `main/app` passes the Electron-backed pieces
 * (keytar, clipboard, shell.openExternal); tests pass fakes for the clipboard and the keychain and
 * real everything else.
 */
import type { CredentialStore } from '../platform/credentialStore.js';
import type { PushMessage } from '../../shared/ipc.js';
import type { BundledBackend } from './bundledBackend.js';

export interface Clipboard {
  writeText(text: string): void;
  readText(): string;
}

/** Schedules `callback` after `ms` milliseconds; returns a function that cancels it. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface ServiceDeps {
  credentials: CredentialStore;
  /** Plain JSON files for non-secret state (accounts, wizard, settings). Never secrets. */
  userDataDir: string;
  clipboard: Clipboard;
  openExternal(url: string): Promise<void>;
  bundledBackend: BundledBackend;
  /** Main → renderer messages (`events:push`). */
  push(message: PushMessage): void;
  clock?: () => number;
  setTimer?: SetTimer;
  logger?: Logger;
  /** This computer's name, for the device label ("SCIM Directory Sync on <hostname>"). */
  hostname?: string;
}

export const defaultSetTimer: SetTimer = (callback, ms) => {
  const handle = setTimeout(callback, ms);
  handle.unref?.();
  return () => clearTimeout(handle);
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
