/**
 * The renderer's only way out: `window.api`, built by the preload (or the e2e bridge) from the IPC
 * contract. Components reach it through context so tests can hand in a fake.
 */
import { createContext, useContext } from 'react';
import type { DesktopApi, IpcError, Result } from '../shared/ipc.js';

declare global {
  interface Window {
    api?: DesktopApi;
  }
}

export type { DesktopApi, IpcError, Result };

export const ApiContext = createContext<DesktopApi | null>(null);

export function useApi(): DesktopApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}

/** A rejected promise (a bug, or the bridge going away) becomes an `internal` error result. */
export async function call<T>(promise: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await promise;
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
  }
}
