/** All stores of one window, made from one `DesktopApi`; tests make theirs from a fake. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DesktopApi } from '../api.js';
import { createAccountsStore, type AccountsStoreState } from './accounts.js';
import { createConnectionsStore, type ConnectionsStoreState } from './connections.js';
import { createWizardStore, type WizardStoreState } from './wizard.js';

export function createStores(api: DesktopApi) {
  const accounts = createAccountsStore(api);
  const connections = createConnectionsStore(api);
  const wizard = createWizardStore(api);
  /** Routes pushes to the stores; returns the unsubscribe function. */
  const listen = (): (() => void) =>
    api.onPush((message) => {
      if (message.kind === 'live' && message.accountId !== accounts.getState().activeAccountId) return;
      accounts.getState().handlePush(message);
      connections.getState().handlePush(message);
    });
  return { accounts, connections, wizard, listen };
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
export { useStores };
