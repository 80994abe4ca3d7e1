/**
 * Pool domain: one connection's directory users, as a window onto a server-side list that may hold
 * 100,000 people. Nothing downloads the whole directory: rows are fetched in pages of
 * `POOL_PAGE_SIZE` as they scroll into view (keyed by index; `SCROLL_FETCH_PAGES` to a request).
 *
 * Search as you type keeps at most one search in flight and the latest one wins: a keystroke with
 * nothing in flight is sent at once (no debounce to wait out); keystrokes while one is in flight
 * only update what is wanted, and when the answer comes back it is shown if it is still what the
 * box says, otherwise dropped and the latest query sent. The rows on screen stay until the new
 * query's first page replaces them in one update, so typing never flashes an empty table.
 *
 * Totals: a new query asks the backend to count only up to `COUNT_UP_TO` (counting every match of
 * "a" in 100,000 people is a scan); when there are more, the toolbar says "1,000+" and the exact
 * total is fetched once typing has paused.
 *
 * Each pool view (the pool screen, the picker in Invite Users, the link dialog) makes its own
 * store with `createPoolStore(api)`, so their searches and selections never mix.
 */
import { createStore } from 'zustand/vanilla';
import type { PoolEntry, PoolPage, PoolStatus } from '../../shared/api/pool.js';
import type { PushMessage, Result } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError } from '../api.js';

/**
 * Rows per request. A new query waits for its first page, so it is kept small: 100 rows (~2 screens
 * of the table) cost the backend, main's validation and the IPC half of what 200 did.
 */
export const POOL_PAGE_SIZE = 100;
/**
 * Pages fetched while scrolling come this many to a request (aligned: pages 3–4, 5–6, …). Scrolling
 * 5,000 rows then asks main and the backend 25 times, not 50: each request wakes both processes
 * (validation, HTTP, a statement), on the two cores Chromium's compositor and raster need while the
 * table scrolls, and a filtered page deep in the list pays its OFFSET's skipped rows once per
 * request, so half the requests is about half that cost. A new query's first page stays one page.
 */
export const SCROLL_FETCH_PAGES = 2;
/** A new query's first answer counts matches up to this many; more shows as "1,000+". */
export const COUNT_UP_TO = 1000;
/** How long typing must pause before an estimated total is made exact. */
export const EXACT_TOTAL_AFTER_MS = 300;

export interface PoolQueryKey {
  connectionId: string | null;
  search: string;
  status: PoolStatus | null;
}

export interface PoolStoreState {
  /** The query the rows and total on screen belong to. */
  query: PoolQueryKey;
  /** What the search box shows; becomes `query.search` once its first page has arrived. */
  searchInput: string;
  /** A newer query (search or filter) is being fetched; the rows on screen are the previous one's. */
  searching: boolean;
  /** Total for the current query; null until the first page answers. */
  total: number | null;
  /** False while `total` is only "at least" (a capped count); the exact one follows. */
  totalExact: boolean;
  /** Loaded pages by page number (1-based); a page holds indices (n-1)*size … n*size-1. */
  pages: Record<number, PoolEntry[]>;
  loadingPages: Record<number, true>;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: IpcError | null;
  /** Bumped whenever `query` changes; page answers for an older generation are dropped. */
  generation: number;
  selected: Record<string, PoolEntry>;
  open(connectionId: string, options?: { search?: string; status?: PoolStatus | null }): Promise<void>;
  /** The search box changed: fetches at once when no search is in flight (resolves when shown). */
  setSearch(text: string): Promise<void>;
  /** Applies the search box now (Enter); a no-op when it is already applied or on its way. */
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

const sameQuery = (a: PoolQueryKey, b: PoolQueryKey): boolean => a.connectionId === b.connectionId && a.search === b.search && a.status === b.status;

export const pageOfIndex = (index: number): number => Math.floor(index / POOL_PAGE_SIZE) + 1;

/** Why a pool entry cannot be picked for an invite, or null when it can. */
export function unselectableReason(entry: PoolEntry): string | null {
  if (entry.status === 'deactivated') return entry.deletedInDirectory ? 'Deleted in the directory' : 'Deactivated in the directory';
  if (entry.status === 'member') return 'Already a member';
  if (entry.status === 'invited') return 'Already invited';
  if (!entry.email) return 'No email from the directory';
  return null;
}

type PoolRequest = { connectionId: string; page: number; pageSize: number; search?: string; status?: PoolStatus; countUpTo?: number };

export function createPoolStore(api: DesktopApi) {
  return createStore<PoolStoreState>()((set, get) => {
    /** Bursts of live events (a directory syncing 1,000 people) become one refresh per 200 ms. */
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    let exactTimer: ReturnType<typeof setTimeout> | undefined;
    /** The last range a view asked for, reloaded after a refresh. */
    let visible: [number, number] = [0, 0];
    /** The query the user wants on screen: the latest search box text and filter. */
    let wanted: PoolQueryKey = { connectionId: null, search: '', status: null };
    /** The one search in flight (it loops until what it shows is `wanted`), and its owner token. */
    let running: Promise<void> | null = null;
    let runToken = {};

    const request = (query: PoolQueryKey, page: number, extra: Partial<PoolRequest> = {}): Promise<Result<PoolPage>> => {
      const r: PoolRequest = { connectionId: query.connectionId!, page, pageSize: POOL_PAGE_SIZE, ...extra };
      if (query.search) r.search = query.search;
      if (query.status) r.status = query.status;
      return call(api.pool.list(r));
    };

    /** Once typing pauses, replaces a capped total ("1,000+") with the exact one. */
    const scheduleExactTotal = (): void => {
      clearTimeout(exactTimer);
      if (get().totalExact) return;
      const { generation, query } = get();
      exactTimer = setTimeout(async () => {
        if (running) return scheduleExactTotal();
        const result = await request(query, 1, { pageSize: 1 });
        if (result.ok && get().generation === generation) set({ total: result.value.total, totalExact: true });
      }, EXACT_TOTAL_AFTER_MS);
    };

    /** Fetches page 1 of `wanted` until what came back is still wanted, then shows it in one update. */
    const run = async (token: object): Promise<void> => {
      try {
        for (;;) {
          const query = wanted;
          const result = await request(query, 1, { countUpTo: COUNT_UP_TO });
          if (token !== runToken) return;
          if (!sameQuery(query, wanted)) continue; // superseded while in flight: fetch the latest
          visible = [0, 0];
          if (result.ok) {
            set({
              query,
              generation: get().generation + 1,
              pages: { 1: result.value.items },
              loadingPages: {},
              total: result.value.total,
              totalExact: result.value.totalExact,
              status: 'ready',
              error: null,
              searching: false,
            });
            scheduleExactTotal();
          } else {
            set({ query, generation: get().generation + 1, pages: {}, loadingPages: {}, total: null, totalExact: true, status: 'error', error: result.error, searching: false });
          }
          return;
        }
      } finally {
        if (token === runToken) running = null;
      }
    };

    /** Makes `next` the wanted query; starts the search unless one is in flight (it will pick `next` up). */
    const want = (next: PoolQueryKey): Promise<void> => {
      wanted = next;
      const state = get();
      if (!running && sameQuery(next, state.query) && state.status !== 'idle' && state.status !== 'error') return Promise.resolve();
      set(state.status === 'idle' || state.query.connectionId !== next.connectionId ? { searching: true, status: 'loading', pages: {}, total: null } : { searching: true });
      running ??= run(runToken);
      return running;
    };

    /** Fetches `count` pages from `first` (`first - 1` a multiple of `count`) in one request. */
    const fetchPages = async (first: number, count: number): Promise<void> => {
      const { query, generation } = get();
      if (!query.connectionId) return;
      const numbers = Array.from({ length: count }, (_, i) => first + i);
      const loading = { ...get().loadingPages };
      for (const page of numbers) loading[page] = true;
      set({ loadingPages: loading });
      // The total is known already: the backend need not count the matches again.
      const result = await request(query, (first - 1) / count + 1, { pageSize: count * POOL_PAGE_SIZE, countUpTo: 1 });
      // The query changed while these pages were in flight: drop the answer.
      if (get().generation !== generation) return;
      const loadingPages = { ...get().loadingPages };
      for (const page of numbers) delete loadingPages[page];
      if (result.ok) {
        const pages = { ...get().pages };
        numbers.forEach((page, i) => (pages[page] = result.value.items.slice(i * POOL_PAGE_SIZE, (i + 1) * POOL_PAGE_SIZE)));
        set({ loadingPages, pages, error: null });
      } else {
        set({ loadingPages, error: result.error });
      }
    };

    return {
      query: { connectionId: null, search: '', status: null },
      searchInput: '',
      searching: false,
      total: null,
      totalExact: true,
      pages: {},
      loadingPages: {},
      status: 'idle',
      error: null,
      generation: 0,
      selected: {},

      async open(connectionId, opts = {}) {
        const search = opts.search ?? '';
        set({ searchInput: search, selected: {} });
        await want({ connectionId, search: search.trim(), status: opts.status ?? null });
      },

      setSearch(text) {
        set({ searchInput: text });
        return get().flushSearch();
      },

      flushSearch() {
        if (!wanted.connectionId) return Promise.resolve();
        return want({ ...wanted, search: get().searchInput.trim() });
      },

      setStatus(status) {
        return want({ ...wanted, status });
      },

      async ensureRange(start, end) {
        visible = [Math.max(0, start), Math.max(0, end)];
        const total = get().total;
        const last = total === null ? pageOfIndex(end) : Math.min(pageOfIndex(end), Math.max(1, Math.ceil(total / POOL_PAGE_SIZE)));
        const wantedPages: Promise<void>[] = [];
        const missing = (p: number) => !get().pages[p] && !get().loadingPages[p];
        for (let p = pageOfIndex(Math.max(0, start)); p <= last; p++) {
          if (!missing(p)) continue;
          // The aligned run of SCROLL_FETCH_PAGES this page is in, in one request when none of it is
          // loaded or on its way; otherwise (page 2, next to a new query's page 1) the page alone.
          const runFirst = Math.floor((p - 1) / SCROLL_FETCH_PAGES) * SCROLL_FETCH_PAGES + 1;
          const run = Array.from({ length: SCROLL_FETCH_PAGES }, (_, i) => runFirst + i);
          wantedPages.push(run.every(missing) ? fetchPages(runFirst, SCROLL_FETCH_PAGES) : fetchPages(p, 1));
        }
        await Promise.all(wantedPages);
      },

      rowAt(index) {
        return get().pages[pageOfIndex(index)]?.[index % POOL_PAGE_SIZE];
      },

      async refresh() {
        if (!get().query.connectionId) return;
        // A search in flight brings fresh rows itself; refresh what it shows afterwards.
        if (running) await running;
        const { query } = get();
        const generation = get().generation + 1;
        set({ generation, loadingPages: {} });
        const [start, end] = visible;
        const first = pageOfIndex(start);
        const last = pageOfIndex(end);
        const answers = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => request(query, first + i)));
        if (get().generation !== generation) return;
        // Pages outside the visible window are stale now: keep only the ones just fetched.
        const pages: Record<number, PoolEntry[]> = {};
        let total = get().total;
        answers.forEach((r, i) => {
          if (r.ok) {
            pages[first + i] = r.value.items;
            total = r.value.total;
          }
        });
        const failed = answers.find((r) => !r.ok);
        set({ pages, total, totalExact: true, error: failed && !failed.ok ? failed.error : null, status: answers.some((r) => r.ok) || get().total !== null ? 'ready' : 'error' });
        // Selected people whose status changed (someone else invited them) are no longer selectable.
        const selected = { ...get().selected };
        for (const rows of Object.values(pages)) {
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
        clearTimeout(refreshTimer);
        clearTimeout(exactTimer);
        refreshTimer = undefined;
        runToken = {};
        running = null;
        set({ generation: get().generation + 1, loadingPages: {}, searching: false });
      },
    };
  });
}

export type PoolStore = ReturnType<typeof createPoolStore>;
