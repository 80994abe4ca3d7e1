/**
 * Connections domain: the org's SCIM connections with their health, probe reports, request logs,
 * and (only after the admin clicks "Reveal") a revealed secret. Live pushes about pools and health
 * reload the list, coalescing bursts into one request at a time.
 */
import { createStore } from 'zustand/vanilla';
import type { RequestLogEntry } from '../../shared/api/connections.js';
import type { ConnectionView, IpcRequest, ProbeReport, PushMessage } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError, type Result } from '../api.js';
import type { LoadStatus } from './accounts.js';
import { coalescedLoad } from './coalescedLoad.js';

export type AsyncSlot<T> = { status: 'idle' } | { status: 'running' } | { status: 'done'; value: T; at: number } | { status: 'error'; error: IpcError };

export interface ConnectionsStoreState {
  status: LoadStatus;
  items: ConnectionView[];
  error: IpcError | null;
  tests: Record<string, AsyncSlot<ProbeReport>>;
  logs: Record<string, AsyncSlot<RequestLogEntry[]>>;
  /** Present only between "Reveal" and "Hide" (or leaving the screen). */
  revealed: Record<string, string>;
  load(): Promise<void>;
  create(request: IpcRequest<'connections:create'>): Promise<Result<ConnectionView>>;
  rename(connectionId: string, name: string): Promise<Result<ConnectionView>>;
  rotateSecret(connectionId: string, graceSeconds: number): Promise<Result<ConnectionView>>;
  remove(connectionId: string): Promise<Result<{ deleted: true }>>;
  test(connectionId: string): Promise<Result<ProbeReport>>;
  loadLog(connectionId: string): Promise<void>;
  reveal(connectionId: string): Promise<Result<{ secret: string }>>;
  hide(connectionId?: string): void;
  copy(connectionId: string, what: 'endpointBaseUrl' | 'authenticationSecret'): Promise<Result<{ copied: true; clearsAfterSeconds: number | null }>>;
  forgetSecret(connectionId: string): Promise<Result<{ forgotten: true }>>;
  handlePush(message: PushMessage): void;
  reset(): void;
}

const without = <T>(record: Record<string, T>, key: string): Record<string, T> => {
  const copy = { ...record };
  delete copy[key];
  return copy;
};

export function createConnectionsStore(api: DesktopApi) {
  return createStore<ConnectionsStoreState>()((set, get) => {

    const upsert = (view: ConnectionView): void => {
      const items = get().items;
      const at = items.findIndex((c) => c.id === view.id);
      set({ items: at === -1 ? [...items, view] : items.map((c) => (c.id === view.id ? view : c)) });
    };

    const fetchList = async (): Promise<void> => {
      const result = await call(api.connections.list({}));
      if (result.ok) set({ status: 'ready', items: result.value, error: null });
      else set({ status: get().status === 'ready' ? 'ready' : 'error', error: result.error });
    };

    return {
      status: 'idle',
      items: [],
      error: null,
      tests: {},
      logs: {},
      revealed: {},

      load: coalescedLoad(fetchList, () => {
        if (get().status !== 'ready') set({ status: 'loading' });
      }),

      async create(request) {
        const result = await call(api.connections.create(request));
        if (result.ok) upsert(result.value);
        return result;
      },

      async rename(connectionId, name) {
        const result = await call(api.connections.rename({ connectionId, name }));
        if (result.ok) upsert(result.value);
        return result;
      },

      async rotateSecret(connectionId, graceSeconds) {
        const result = await call(api.connections.rotateSecret({ connectionId, graceSeconds }));
        if (result.ok) {
          upsert(result.value);
          set({ revealed: without(get().revealed, connectionId), tests: without(get().tests, connectionId) });
        }
        return result;
      },

      async remove(connectionId) {
        const result = await call(api.connections.delete({ connectionId }));
        if (result.ok) set({ items: get().items.filter((c) => c.id !== connectionId), revealed: without(get().revealed, connectionId) });
        return result;
      },

      async test(connectionId) {
        set({ tests: { ...get().tests, [connectionId]: { status: 'running' } } });
        const result = await call(api.connections.test({ connectionId }));
        set({
          tests: {
            ...get().tests,
            [connectionId]: result.ok ? { status: 'done', value: result.value, at: Date.now() } : { status: 'error', error: result.error },
          },
        });
        return result;
      },

      async loadLog(connectionId) {
        const previous = get().logs[connectionId];
        if (previous?.status !== 'done') set({ logs: { ...get().logs, [connectionId]: { status: 'running' } } });
        const result = await call(api.connections.requestLog({ connectionId }));
        set({
          logs: {
            ...get().logs,
            [connectionId]: result.ok ? { status: 'done', value: result.value, at: Date.now() } : { status: 'error', error: result.error },
          },
        });
      },

      async reveal(connectionId) {
        const result = await call(api.connections.revealSecret({ connectionId }));
        if (result.ok) set({ revealed: { ...get().revealed, [connectionId]: result.value.secret } });
        return result;
      },

      hide(connectionId) {
        set({ revealed: connectionId ? without(get().revealed, connectionId) : {} });
      },

      copy(connectionId, what) {
        return call(api.connections.copy({ connectionId, what }));
      },

      async forgetSecret(connectionId) {
        const result = await call(api.connections.forgetSecret({ connectionId }));
        set({ revealed: without(get().revealed, connectionId) });
        if (result.ok) {
          const view = get().items.find((c) => c.id === connectionId);
          if (view) upsert({ ...view, secretAvailable: false });
        }
        return result;
      },

      handlePush(message) {
        if (message.kind !== 'live') return;
        const type = message.event.type;
        if (type === 'pool.changed' || type === 'connection.health') {
          void get().load();
          const id = message.event.connectionId;
          if (get().logs[id]?.status === 'done') void get().loadLog(id);
        }
      },

      reset() {
        set({ status: 'idle', items: [], error: null, tests: {}, logs: {}, revealed: {} });
      },
    };
  });
}

export type ConnectionsStore = ReturnType<typeof createConnectionsStore>;
