/** Audit domain: the org's audit log, filtered (kind, actor type, time range) and paged on the server. */
import { createStore } from 'zustand/vanilla';
import type { AuditEvent } from '../../shared/api/audit.js';
import type { PushMessage } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError } from '../api.js';
import type { LoadStatus } from './accounts.js';

export const AUDIT_PAGE_SIZE = 25;

export interface AuditFilters {
  kind?: string;
  actorType?: 'member' | 'connection' | 'system';
  /** ISO timestamps. */
  since?: string;
  until?: string;
}

export interface AuditStoreState {
  filters: AuditFilters;
  page: number;
  pageSize: number;
  items: AuditEvent[];
  total: number;
  status: LoadStatus;
  error: IpcError | null;
  load(): Promise<void>;
  setFilters(filters: AuditFilters): Promise<void>;
  setPage(page: number): Promise<void>;
  handlePush(message: PushMessage): void;
}

export function createAuditStore(api: DesktopApi, options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? AUDIT_PAGE_SIZE;
  return createStore<AuditStoreState>()((set, get) => {
    let generation = 0;
    return {
      filters: {},
      page: 1,
      pageSize,
      items: [],
      total: 0,
      status: 'idle',
      error: null,

      async load() {
        const mine = ++generation;
        if (get().status !== 'ready') set({ status: 'loading' });
        const { kind, actorType, since, until } = get().filters;
        const result = await call(
          api.audit.list({
            page: get().page,
            pageSize,
            ...(kind ? { kind } : {}),
            ...(actorType ? { actorType } : {}),
            ...(since ? { since } : {}),
            ...(until ? { until } : {}),
          }),
        );
        if (mine !== generation) return;
        if (result.ok) set({ status: 'ready', items: result.value.items, total: result.value.total, error: null });
        else set({ status: 'error', error: result.error });
      },

      async setFilters(filters) {
        set({ filters, page: 1 });
        await get().load();
      },

      async setPage(page) {
        set({ page: Math.max(1, page) });
        await get().load();
      },

      handlePush(message) {
        // A new event lands at the top of page 1: refresh only when the admin is looking at it.
        if (message.kind === 'live' && message.event.type !== 'ready' && get().status === 'ready' && get().page === 1) void get().load();
      },
    };
  });
}

export type AuditStore = ReturnType<typeof createAuditStore>;
