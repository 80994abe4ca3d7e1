/**
 * Members domain: the org's members (active or removed, optionally only those no directory
 * manages), server-side paged, with remove / change role / link-to-directory actions. Live events
 * update the list at once: a removed member leaves the active list as soon as the push arrives,
 * then a (coalesced) reload confirms it.
 */
import { createStore } from 'zustand/vanilla';
import type { Role } from '../../shared/api/common.js';
import type { Member } from '../../shared/api/members.js';
import type { PushMessage } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError, type Result } from '../api.js';
import type { LoadStatus } from './accounts.js';
import { coalescedLoad } from './coalescedLoad.js';

export const MEMBERS_PAGE_SIZE = 50;

export interface MembersFilter {
  status: 'active' | 'removed';
  /** Only members invited by email and not linked to any directory. */
  unmanaged: boolean;
}

export interface MembersStoreState {
  filter: MembersFilter;
  page: number;
  pageSize: number;
  items: Member[];
  total: number;
  status: LoadStatus;
  error: IpcError | null;
  /** Member ids with an action under way. */
  busy: Record<string, true>;
  load(): Promise<void>;
  setFilter(filter: Partial<MembersFilter>): Promise<void>;
  setPage(page: number): Promise<void>;
  remove(memberId: string): Promise<Result<unknown>>;
  setRole(memberId: string, role: Role): Promise<Result<unknown>>;
  link(memberId: string, poolEntryId: string): Promise<Result<unknown>>;
  handlePush(message: PushMessage): void;
  reset(): void;
}

export function createMembersStore(api: DesktopApi, options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? MEMBERS_PAGE_SIZE;
  return createStore<MembersStoreState>()((set, get) => {
    let generation = 0;

    const fetchList = async (): Promise<void> => {
      const { filter, page } = get();
      const mine = ++generation;
      const request: { status: 'active' | 'removed'; page: number; pageSize: number; unmanaged?: boolean } = { status: filter.status, page, pageSize };
      if (filter.unmanaged) request.unmanaged = true;
      const result = await call(api.members.list(request));
      if (mine !== generation) return;
      if (result.ok) set({ status: 'ready', items: result.value.items, total: result.value.total, error: null });
      else set({ status: get().status === 'ready' ? 'ready' : 'error', error: result.error });
    };

    const withBusy = async <T>(memberId: string, run: () => Promise<Result<T>>): Promise<Result<T>> => {
      set({ busy: { ...get().busy, [memberId]: true } });
      const result = await run();
      const busy = { ...get().busy };
      delete busy[memberId];
      set({ busy });
      if (result.ok) void get().load();
      return result;
    };

    return {
      filter: { status: 'active', unmanaged: false },
      page: 1,
      pageSize,
      items: [],
      total: 0,
      status: 'idle',
      error: null,
      busy: {},

      load: coalescedLoad(fetchList, () => {
        if (get().status !== 'ready') set({ status: 'loading' });
      }),

      async setFilter(filter) {
        const next = { ...get().filter, ...filter };
        if (next.status === 'removed') next.unmanaged = false;
        set({ filter: next, page: 1, status: 'loading', items: [] });
        await get().load();
      },

      async setPage(page) {
        set({ page: Math.max(1, page) });
        await get().load();
      },

      remove(memberId) {
        return withBusy(memberId, () => call(api.members.remove({ memberId })));
      },

      setRole(memberId, role) {
        return withBusy(memberId, () => call(api.members.setRole({ memberId, role })));
      },

      link(memberId, poolEntryId) {
        return withBusy(memberId, () => call(api.members.link({ memberId, poolEntryId })));
      },

      handlePush(message) {
        if (message.kind !== 'live') return;
        const event = message.event;
        if (event.type === 'member.removed') {
          // Leave the active list now; the reload below brings the server's view.
          if (get().filter.status === 'active' && get().items.some((m) => m.id === event.memberId)) {
            set({ items: get().items.filter((m) => m.id !== event.memberId), total: Math.max(0, get().total - 1) });
          }
          if (get().status !== 'idle') void get().load();
        } else if (event.type === 'member.changed' || event.type === 'member.removal_refused' || (event.type === 'pool.changed' && get().status !== 'idle')) {
          if (get().status !== 'idle') void get().load();
        }
      },

      reset() {
        generation++;
        set({ filter: { status: 'active', unmanaged: false }, page: 1, items: [], total: 0, status: 'idle', error: null, busy: {} });
      },
    };
  });
}

export type MembersStore = ReturnType<typeof createMembersStore>;
