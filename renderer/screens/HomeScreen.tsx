/** Landing screen after sign-in: where directory sync stands, and the way to set it up. */
import { useEffect } from 'react';
import { guideFor } from '../../shared/providers/index.js';
import { Button, Icon, plural } from '../components/ui.js';
import { navigate } from '../router.js';
import { activeAccount } from '../stores/accounts.js';
import { useAccounts, useConnections, useStores } from '../stores/index.js';
import { ORG_MENU_LABEL } from '../components/OrgMenu.js';

export function HomeScreen() {
  const stores = useStores();
  const account = useAccounts(activeAccount);
  const status = useConnections((s) => s.status);
  const items = useConnections((s) => s.items);
  useEffect(() => {
    if (stores.connections.getState().status === 'idle') void stores.connections.getState().load();
  }, [stores]);
  if (!account) return null;
  const synced = items.reduce((n, c) => n + c.health.syncedUsers, 0);
  return (
    <div className="page page-narrow">
      <header className="page-header">
        <p className="eyebrow">Signed in as {account.memberEmail}</p>
        <h1>{account.orgName}</h1>
      </header>
      <section className="panel hero" aria-labelledby="home-sync">
        <span className="hero-icon" aria-hidden="true">
          <Icon name="refresh" />
        </span>
        <div className="hero-body">
          <h2 id="home-sync">Directory sync</h2>
          {status === 'ready' && items.length > 0 ? (
            <p>
              {plural(items.length, 'SCIM connection')}, {plural(synced, 'user')} synced from{' '}
              {[...new Set(items.map((c) => guideFor(c.provider).label))].join(' and ')}.
            </p>
          ) : (
            <p>
              Connect Okta or Azure AD over SCIM: people assigned in your directory appear here, ready to invite, and are removed from the org the
              moment the directory removes them.
            </p>
          )}
          <p className="muted small">
            You'll find it in the {ORG_MENU_LABEL.toLowerCase()} at the top-left: <strong>My Org</strong> → <strong>SSO</strong> →{' '}
            <strong>SCIM Connections</strong>.
          </p>
        </div>
        <Button variant="primary" onClick={() => navigate({ name: 'myOrg', tab: 'sso' })} icon={<Icon name="chevron-right" />}>
          Open SCIM Connections
        </Button>
      </section>
    </div>
  );
}
