/** The window: loads the accounts, listens for pushes, and draws the screen the route names. */
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiContext, type DesktopApi } from './api.js';
import { Button, ErrorCallout, Icon, Loading } from './components/ui.js';
import { useRoute, type Route } from './router.js';
import { StoresContext, useAccounts, useStores, type Stores } from './stores/index.js';
import { activeAccount } from './stores/accounts.js';
import { HomeScreen } from './screens/HomeScreen.js';
import { MyOrgScreen } from './screens/MyOrgScreen.js';
import { Shell, type Crumb } from './screens/Shell.js';
import { SignInScreen } from './screens/SignInScreen.js';
import { ConnectForm } from './screens/sso/ConnectForm.js';
import { SetupGuide } from './screens/sso/SetupGuide.js';
import { InviteUsersScreen } from './screens/org/InviteUsersScreen.js';
import { PoolScreen } from './screens/org/PoolScreen.js';

export function App({ api, stores }: { api: DesktopApi; stores: Stores }) {
  return (
    <ApiContext.Provider value={api}>
      <StoresContext.Provider value={stores}>
        <Screens />
      </StoresContext.Provider>
    </ApiContext.Provider>
  );
}

function Screens() {
  const stores = useStores();
  const route = useRoute();
  const status = useAccounts((s) => s.status);
  const error = useAccounts((s) => s.error);
  const account = useAccounts(activeAccount);
  const accountId = account?.id ?? null;

  useEffect(() => {
    const unsubscribe = stores.listen();
    void stores.accounts.getState().load();
    return unsubscribe;
  }, [stores]);

  // Each account has its own connections and wizard: reload them when the active account changes.
  const previousAccount = useRef<string | null>(null);
  useEffect(() => {
    if (!accountId) return;
    if (previousAccount.current !== null && previousAccount.current !== accountId) stores.resetOrg();
    previousAccount.current = accountId;
    void stores.wizard.getState().load();
    void stores.accounts.getState().loadBackend();
  }, [stores, accountId]);

  if (status === 'idle' || status === 'loading') return <Loading label="Starting SCIM Directory Sync…" />;
  if (status === 'error' && error) {
    return (
      <main className="page page-narrow center">
        <ErrorCallout
          error={error}
          title="Could not read the accounts on this device"
          action={
            <Button onClick={() => void stores.accounts.getState().load()} icon={<Icon name="refresh" />}>
              Try again
            </Button>
          }
        />
      </main>
    );
  }
  if (!account || route.name === 'signIn') return <SignInScreen adding={route.name === 'signIn' && route.adding && !!account} />;
  const { crumbs, body } = screenFor(route);
  return (
    <Shell crumbs={crumbs} accountId={account.id}>
      <main id="main">{body}</main>
    </Shell>
  );
}

function screenFor(route: Exclude<Route, { name: 'signIn' }>): { crumbs: Crumb[]; body: ReactNode } {
  const myOrg: Crumb = { label: 'My Org', route: { name: 'myOrg', tab: 'overview' } };
  const sso: Crumb = { label: 'SSO', route: { name: 'myOrg', tab: 'sso' } };
  const members: Crumb = { label: 'Members', route: { name: 'myOrg', tab: 'members' } };
  const TAB_LABEL = { overview: 'Overview', sso: 'SSO', members: 'Members', audit: 'Audit' } as const;
  switch (route.name) {
    case 'home':
      return { crumbs: [{ label: 'Home' }], body: <HomeScreen /> };
    case 'myOrg':
      return { crumbs: [myOrg, { label: TAB_LABEL[route.tab] }], body: <MyOrgScreen tab={route.tab} /> };
    case 'connect':
      return { crumbs: [myOrg, sso, { label: 'Connect A SCIM Provider' }], body: <ConnectForm /> };
    case 'setup':
      return { crumbs: [myOrg, sso, { label: 'Setup guide' }], body: <SetupGuide key={route.connectionId} connectionId={route.connectionId} /> };
    case 'pool':
      return { crumbs: [myOrg, sso, { label: 'Pool' }], body: <PoolScreen key={route.connectionId} connectionId={route.connectionId} /> };
    case 'invite':
      return { crumbs: [myOrg, members, { label: 'Invite Users' }], body: <InviteUsersScreen key={route.connectionId ?? ''} {...(route.connectionId ? { connectionId: route.connectionId } : {})} /> };
  }
}
