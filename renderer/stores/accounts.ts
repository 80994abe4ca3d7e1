/** Session domain: the org accounts on this device, the active one, and its backend settings. */
import { createStore } from 'zustand/vanilla';
import type { AccountSummary, AccountsState, IpcRequest, PushMessage } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError, type Result } from '../api.js';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
export type BackendStatus = Extract<PushMessage, { kind: 'backend' }>['status'];

export interface BackendSettings {
  publicUrl: string | null;
  kind: 'bundled' | 'remote';
}

export interface AccountsStoreState {
  status: LoadStatus;
  accounts: AccountSummary[];
  activeAccountId: string | null;
  error: IpcError | null;
  backend: BackendSettings | null;
  backendStatus: { status: BackendStatus; detail?: string } | null;
  load(): Promise<void>;
  startBundledOrg(request: IpcRequest<'accounts:startBundledOrg'>): Promise<Result<AccountSummary>>;
  signInRemote(request: IpcRequest<'accounts:signInRemote'>): Promise<Result<AccountSummary>>;
  switchTo(accountId: string): Promise<Result<AccountSummary>>;
  signOut(accountId: string): Promise<Result<AccountsState>>;
  loadBackend(): Promise<void>;
  setPublicUrl(publicUrl: string): Promise<Result<{ publicUrl: string }>>;
  handlePush(message: PushMessage): void;
}

export function activeAccount(state: Pick<AccountsStoreState, 'accounts' | 'activeAccountId'>): AccountSummary | null {
  return state.accounts.find((a) => a.id === state.activeAccountId) ?? null;
}

export function createAccountsStore(api: DesktopApi) {
  return createStore<AccountsStoreState>()((set, get) => {
    const adopt = (account: AccountSummary): void => {
      const others = get().accounts.filter((a) => a.id !== account.id);
      set({ accounts: [...others, account], activeAccountId: account.id, error: null, backend: null });
    };
    return {
      status: 'idle',
      accounts: [],
      activeAccountId: null,
      error: null,
      backend: null,
      backendStatus: null,

      async load() {
        set({ status: 'loading', error: null });
        const result = await call(api.accounts.list({}));
        if (result.ok) set({ status: 'ready', accounts: result.value.accounts, activeAccountId: result.value.activeAccountId });
        else set({ status: 'error', error: result.error });
      },

      async startBundledOrg(request) {
        const result = await call(api.accounts.startBundledOrg(request));
        if (result.ok) adopt(result.value);
        return result;
      },

      async signInRemote(request) {
        const result = await call(api.accounts.signInRemote(request));
        if (result.ok) adopt(result.value);
        return result;
      },

      async switchTo(accountId) {
        const result = await call(api.accounts.switch({ accountId }));
        if (result.ok) adopt(result.value);
        return result;
      },

      async signOut(accountId) {
        const result = await call(api.accounts.signOut({ accountId }));
        if (result.ok) set({ accounts: result.value.accounts, activeAccountId: result.value.activeAccountId, backend: null });
        return result;
      },

      async loadBackend() {
        const result = await call(api.backend.settings({}));
        if (result.ok) set({ backend: result.value });
      },

      async setPublicUrl(publicUrl) {
        const result = await call(api.backend.setPublicUrl({ publicUrl }));
        if (result.ok) set({ backend: { kind: get().backend?.kind ?? 'bundled', publicUrl: result.value.publicUrl } });
        return result;
      },

      handlePush(message) {
        if (message.kind === 'backend') set({ backendStatus: message.detail ? { status: message.status, detail: message.detail } : { status: message.status } });
      },
    };
  });
}

export type AccountsStore = ReturnType<typeof createAccountsStore>;
