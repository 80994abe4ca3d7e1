/**
 * Invites domain: sending invites (from a directory's pool, or by email), the per-person results
 * with their one-time codes, and the org's pending invites with revoke. Codes are copied through
 * main (`clipboard:copyText`), never written to the clipboard by the renderer.
 */
import { createStore } from 'zustand/vanilla';
import type { Role } from '../../shared/api/common.js';
import type { Invite, InviteOutcome, InviteResults } from '../../shared/api/invites.js';
import type { PushMessage } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError, type Result } from '../api.js';
import type { LoadStatus } from './accounts.js';
import { coalescedLoad } from './coalescedLoad.js';

export type InviteRole = Exclude<Role, 'owner'>;

export interface InvitesStoreState {
  pending: Invite[];
  pendingTotal: number;
  status: LoadStatus;
  error: IpcError | null;
  sending: boolean;
  sendError: IpcError | null;
  /** The last send's outcome per person, until the admin starts over. */
  results: InviteOutcome[] | null;
  revoking: Record<string, true>;
  load(): Promise<void>;
  sendFromPool(connectionId: string, poolEntryIds: string[], role: InviteRole): Promise<Result<InviteResults>>;
  sendByEmail(request: { email: string; name: string; role: InviteRole }): Promise<Result<InviteResults>>;
  clearResults(): void;
  copyCode(code: string): Promise<boolean>;
  revoke(inviteId: string): Promise<Result<unknown>>;
  handlePush(message: PushMessage): void;
  reset(): void;
}

export function createInvitesStore(api: DesktopApi) {
  return createStore<InvitesStoreState>()((set, get) => {

    const fetchPending = async (): Promise<void> => {
      const result = await call(api.invites.list({ status: 'pending', page: 1, pageSize: 200 }));
      if (result.ok) set({ status: 'ready', pending: result.value.items, pendingTotal: result.value.total, error: null });
      else set({ status: get().status === 'ready' ? 'ready' : 'error', error: result.error });
    };

    const afterSend = (result: Result<InviteResults>): Result<InviteResults> => {
      if (result.ok) set({ sending: false, results: result.value.results, sendError: null });
      else set({ sending: false, sendError: result.error });
      if (result.ok && get().status !== 'idle') void get().load();
      return result;
    };

    return {
      pending: [],
      pendingTotal: 0,
      status: 'idle',
      error: null,
      sending: false,
      sendError: null,
      results: null,
      revoking: {},

      load: coalescedLoad(fetchPending, () => {
        if (get().status !== 'ready') set({ status: 'loading' });
      }),

      async sendFromPool(connectionId, poolEntryIds, role) {
        set({ sending: true, sendError: null });
        return afterSend(await call(api.invites.fromPool({ connectionId, poolEntryIds, role })));
      },

      async sendByEmail(request) {
        set({ sending: true, sendError: null });
        return afterSend(await call(api.invites.byEmail(request)));
      },

      clearResults() {
        set({ results: null, sendError: null });
      },

      async copyCode(code) {
        return (await call(api.clipboard.copyText({ text: code }))).ok;
      },

      async revoke(inviteId) {
        set({ revoking: { ...get().revoking, [inviteId]: true } });
        const result = await call(api.invites.revoke({ inviteId }));
        const revoking = { ...get().revoking };
        delete revoking[inviteId];
        set({ revoking });
        if (result.ok) {
          set({ pending: get().pending.filter((i) => i.id !== inviteId), pendingTotal: Math.max(0, get().pendingTotal - 1) });
          void get().load();
        }
        return result;
      },

      handlePush(message) {
        if (message.kind !== 'live') return;
        const type = message.event.type;
        if (type === 'invite.cancelled') {
          const id = message.event.inviteId;
          set({ pending: get().pending.filter((i) => i.id !== id) });
        }
        if ((type === 'invite.cancelled' || type === 'invite.changed' || type === 'member.removed' || type === 'member.changed') && get().status !== 'idle') void get().load();
      },

      reset() {
        set({ pending: [], pendingTotal: 0, status: 'idle', error: null, sending: false, sendError: null, results: null, revoking: {} });
      },
    };
  });
}

export type InvitesStore = ReturnType<typeof createInvitesStore>;
