/**
 * Pool domain: one connection's directory users, as a window onto a server-side list that may hold
 * 100,000 people. Nothing downloads the whole directory: rows are fetched in pages of
 * `POOL_PAGE_SIZE` as they scroll into view (keyed by index), the search is debounced and every
 * response is checked against the query it was made for, so a stale answer never lands.
 *
 * Each pool view (the pool screen, the picker in Invite Users, the link dialog) makes its own
 * store with `createPoolStore(api)`, so their searches and selections never mix.
 */
import { createStore } from 'zustand/vanilla';
import type { PoolEntry, PoolStatus } from '../../shared/api/pool.js';
import type { PushMessage } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError } from '../api.js';

export const POOL_PAGE_SIZE = 200;
export const SEARCH_DEBOUNCE_MS = 60;

export interface PoolQueryKey {
  connectionId: string | null;
  search: string;
  status: PoolStatus | null;
}

export interface PoolStoreState {
  query: PoolQueryKey;
  /** What the search box shows; becomes `query.search` after the debounce. */
  searchInput: string;
  /** Exact total for the current query; null until the first page answers. */
  total: number | null;
  /** Loaded pages by page number (1-based); a page holds indices (n-1)*size … n*size-1. */
  pages: Record<number, PoolEntry[]>;
  loadingPages: Record<number, true>;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: IpcError | null;
  /** Bumped on every query change; responses for an older generation are dropped. */
  generation: number;
  selected: Record<string, PoolEntry>;
  open(connectionId: string, options?: { search?: string; status?: PoolStatus | null }): Promise<void>;
  setSearch(text: string): void;
  /** Applies the pending search at once (tests, Enter). */
  flushSearch(): Promise<void>;
  setStatus(status: PoolStatus | null): Promise<void>;
  /** Makes sure the rows from `start` to `end` (inclusive) are loaded or loading. */
  ensureRange(start: number, end: number): Promise<void>;
  rowAt(index: number): PoolEntry | undefined;
  refresh(): Promise<void>;
  toggle(entry: PoolEntry): void;
  clearSelection(): void;
  handlePush(message: PushMessage): void;
  dispose(): void;
}

export const pageOfIndex = (index: number): number => Math.floor(index / POOL_PAGE_SIZE) + 1;

/** Why a pool entry cannot be picked for an invite, or null when it can. */
export function unselectableReason(entry: PoolEntry): string | null {
  if (entry.status === 'deactivated') return entry.deletedInDirectory ? 'Deleted in the directory' : 'Deactivated in the directory';
  if (entry.status === 'member') return 'Already a member';
  if (entry.status === 'invited') return 'Already invited';
  if (!entry.email) return 'No email from the directory';
  return null;
}

export function createPoolStore(api: DesktopApi, options: { debounceMs?: number } = {}) {
  const debounceMs = options.debounceMs ?? SEARCH_DEBOUNCE_MS;
  return createStore<PoolStoreState>()((set, get) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** Bursts of live events (a directory syncing 1,000 people) become one refresh per 200 ms. */
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    /** The last range a view asked for, reloaded after a refresh. */
    let visible: [number, number] = [0, 0];

    const fetchPage = async (page: number): Promise<void> => {
      const { query, generation } = get();
      if (!query.connectionId || get().loadingPages[page]) return;
      set({ loadingPages: { ...get().loadingPages, [page]: true } });
      const request: { connectionId: string; page: number; pageSize: number; search?: string; status?: PoolStatus } = {
        connectionId: query.connectionId,
        page,
        pageSize: POOL_PAGE_SIZE,
      };
      if (query.search) request.search = query.search;
      if (query.status) request.status = query.status;
      const result = await call(api.pool.list(request));
      // A newer query was started while this one was in flight: drop the answer.
      if (get().generation !== generation) return;
      const loadingPages = { ...get().loadingPages };
      delete loadingPages[page];
      if (result.ok) {
        set({ loadingPages, pages: { ...get().pages, [page]: result.value.items }, total: result.value.total, status: 'ready', error: null });
      } else {
        set({ loadingPages, status: get().status === 'ready' && get().total !== null ? 'ready' : 'error', error: result.error });
      }
    };

    const restart = async (query: PoolQueryKey, keepRows = false): Promise<void> => {
      set({
        query,
        generation: get().generation + 1,
        pages: keepRows ? get().pages : {},
        loadingPages: {},
        total: keepRows ? get().total : null,
        status: keepRows && get().status === 'ready' ? 'ready' : 'loading',
        error: null,
      });
      if (keepRows) {
        const [start, end] = visible;
        const first = pageOfIndex(start);
        const last = pageOfIndex(end);
        const all: Promise<void>[] = [];
        for (let p = first; p <= last; p++) all.push(fetchPage(p));
        // Pages outside the visible window are stale now: forget them once the visible ones are back.
        await Promise.all(all);
        const kept: Record<number, PoolEntry[]> = {};
        for (let p = first; p <= last; p++) if (get().pages[p]) kept[p] = get().pages[p]!;
        set({ pages: kept });
        return;
      }
      visible = [0, 0];
      await fetchPage(1);
    };

    return {
      query: { connectionId: null, search: '', status: null },
      searchInput: '',
      total: null,
      pages: {},
      loadingPages: {},
      status: 'idle',
      error: null,
      generation: 0,
      selected: {},

      async open(connectionId, opts = {}) {
        clearTimeout(timer);
        const search = opts.search ?? '';
        set({ searchInput: search, selected: {} });
        await restart({ connectionId, search: search.trim(), status: opts.status ?? null });
      },

      setSearch(text) {
        set({ searchInput: text });
        clearTimeout(timer);
        timer = setTimeout(() => void get().flushSearch(), debounceMs);
      },

      async flushSearch() {
        clearTimeout(timer);
        const search = get().searchInput.trim();
        if (search === get().query.search && get().status !== 'idle') return;
        await restart({ ...get().query, search });
      },

      async setStatus(status) {
        await restart({ ...get().query, status });
      },

      async ensureRange(start, end) {
        visible = [Math.max(0, start), Math.max(0, end)];
        const total = get().total;
        const last = total === null ? pageOfIndex(end) : Math.min(pageOfIndex(end), Math.max(1, Math.ceil(total / POOL_PAGE_SIZE)));
        const wanted: Promise<void>[] = [];
        for (let p = pageOfIndex(Math.max(0, start)); p <= last; p++) {
          if (!get().pages[p] && !get().loadingPages[p]) wanted.push(fetchPage(p));
        }
        await Promise.all(wanted);
      },

      rowAt(index) {
        return get().pages[pageOfIndex(index)]?.[index % POOL_PAGE_SIZE];
      },

      async refresh() {
        if (!get().query.connectionId) return;
        await restart(get().query, true);
        // Selected people whose status changed (someone else invited them) are no longer selectable.
        const selected = { ...get().selected };
        for (const rows of Object.values(get().pages)) {
          for (const row of rows) if (selected[row.id] && unselectableReason(row)) delete selected[row.id];
        }
        set({ selected });
      },

      toggle(entry) {
        const selected = { ...get().selected };
        if (selected[entry.id]) delete selected[entry.id];
        else if (!unselectableReason(entry)) selected[entry.id] = entry;
        set({ selected });
      },

      clearSelection() {
        set({ selected: {} });
      },

      handlePush(message) {
        if (message.kind !== 'live') return;
        const event = message.event;
        const connectionId = get().query.connectionId;
        if (!connectionId) return;
        if ((event.type === 'pool.changed' && event.connectionId === connectionId) || event.type === 'member.removed' || event.type === 'invite.cancelled' || event.type === 'invite.changed' || event.type === 'member.changed') {
          refreshTimer ??= setTimeout(() => {
            refreshTimer = undefined;
            void get().refresh();
          }, 200);
        }
      },

      dispose() {
        clearTimeout(timer);
        clearTimeout(refreshTimer);
        refreshTimer = undefined;
        set({ generation: get().generation + 1, loadingPages: {} });
      },
    };
  });
}

export type PoolStore = ReturnType<typeof createPoolStore>;
