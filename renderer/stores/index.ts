/** All stores of one window, made from one `DesktopApi`; tests make theirs from a fake. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DesktopApi } from '../api.js';
import { createAccountsStore, type AccountsStoreState } from './accounts.js';
import { createAuditStore, type AuditStoreState } from './audit.js';
import { createConnectionsStore, type ConnectionsStoreState } from './connections.js';
import { createInvitesStore, type InvitesStoreState } from './invites.js';
import { createMembersStore, type MembersStoreState } from './members.js';
import { createNotificationsStore, type NotificationsStoreState } from './notifications.js';
import type { PoolStore } from './pool.js';
import { createWizardStore, type WizardStoreState } from './wizard.js';

export interface StoreOptions {
  /** How long a toast stays (ms); 0 keeps it until dismissed. */
  toastMs?: number;
}

export function createStores(api: DesktopApi, options: StoreOptions = {}) {
  const accounts = createAccountsStore(api);
  const connections = createConnectionsStore(api);
  const wizard = createWizardStore(api);
  const members = createMembersStore(api);
  const invites = createInvitesStore(api);
  const audit = createAuditStore(api);
  const notifications = createNotificationsStore(api, options.toastMs === undefined ? {} : { toastMs: options.toastMs });
  /** Pool views currently on screen (each has its own store); they get the pushes too. */
  const pools = new Set<PoolStore>();
  /** Routes pushes to the stores; returns the unsubscribe function. */
  const listen = (): (() => void) =>
    api.onPush((message) => {
      if (message.kind === 'live' && message.accountId !== accounts.getState().activeAccountId) return;
      accounts.getState().handlePush(message);
      connections.getState().handlePush(message);
      members.getState().handlePush(message);
      invites.getState().handlePush(message);
      audit.getState().handlePush(message);
      notifications.getState().handlePush(message);
      for (const pool of pools) pool.getState().handlePush(message);
    });
  /** Everything that belongs to one org account, forgotten when the account changes. */
  const resetOrg = (): void => {
    connections.getState().reset();
    members.getState().reset();
    invites.getState().reset();
    notifications.getState().reset();
  };
  return { api, options, accounts, connections, wizard, members, invites, audit, notifications, pools, listen, resetOrg };
}

export type Stores = ReturnType<typeof createStores>;

export const StoresContext = createContext<Stores | null>(null);

function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('store hook outside <StoresContext.Provider>');
  return stores;
}

export function useAccounts<T>(selector: (state: AccountsStoreState) => T): T {
  return useStore(useStores().accounts, selector);
}
export function useConnections<T>(selector: (state: ConnectionsStoreState) => T): T {
  return useStore(useStores().connections, selector);
}
export function useWizard<T>(selector: (state: WizardStoreState) => T): T {
  return useStore(useStores().wizard, selector);
}
export function useMembers<T>(selector: (state: MembersStoreState) => T): T {
  return useStore(useStores().members, selector);
}
export function useInvites<T>(selector: (state: InvitesStoreState) => T): T {
  return useStore(useStores().invites, selector);
}
export function useAudit<T>(selector: (state: AuditStoreState) => T): T {
  return useStore(useStores().audit, selector);
}
export function useNotifications<T>(selector: (state: NotificationsStoreState) => T): T {
  return useStore(useStores().notifications, selector);
}
export { useStores };
