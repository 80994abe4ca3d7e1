/** My Org: Radix Tabs for the org's settings; the "SSO" tab holds the SCIM Connections section. */
import * as Tabs from '@radix-ui/react-tabs';
import { ORG_TABS, navigate, type OrgTab } from '../router.js';
import { activeAccount } from '../stores/accounts.js';
import { useAccounts } from '../stores/index.js';
import { PublicUrlSettings } from './sso/PublicUrl.js';
import { ScimConnections } from './sso/ScimConnections.js';
import { AuditTab } from './org/AuditTab.js';
import { MembersTab } from './org/MembersTab.js';

export function MyOrgScreen({ tab }: { tab: OrgTab }) {
  const account = useAccounts(activeAccount);
  if (!account) return null;
  return (
    <div className="page">
      <header className="page-header">
        <p className="eyebrow">My Org</p>
        <h1>{account.orgName}</h1>
      </header>
      <Tabs.Root value={tab} onValueChange={(value) => navigate({ name: 'myOrg', tab: ORG_TABS.find((t) => t === value) ?? 'overview' })} className="tabs">
        <Tabs.List className="tab-list" aria-label="My Org settings">
          <Tabs.Trigger value="overview" className="tab">
            Overview
          </Tabs.Trigger>
          <Tabs.Trigger value="members" className="tab">
            Members
          </Tabs.Trigger>
          <Tabs.Trigger value="sso" className="tab">
            SSO
          </Tabs.Trigger>
          <Tabs.Trigger value="audit" className="tab">
            Audit
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="overview" className="tab-panel">
          <section className="panel" aria-labelledby="org-overview">
            <h2 id="org-overview" className="panel-title">
              Organization
            </h2>
            <dl className="facts">
              <div>
                <dt>Name</dt>
                <dd>{account.orgName}</dd>
              </div>
              <div>
                <dt>Your account</dt>
                <dd>
                  {account.memberEmail} <span className="pill">{account.role}</span>
                </dd>
              </div>
              <div>
                <dt>Backend</dt>
                <dd>{account.backend.kind === 'bundled' ? 'Bundled with this app, running on this computer' : account.backend.url}</dd>
              </div>
            </dl>
          </section>
          <PublicUrlSettings />
        </Tabs.Content>
        <Tabs.Content value="members" className="tab-panel">
          {tab === 'members' ? <MembersTab /> : null}
        </Tabs.Content>
        <Tabs.Content value="sso" className="tab-panel">
          <ScimConnections />
        </Tabs.Content>
        <Tabs.Content value="audit" className="tab-panel">
          {tab === 'audit' ? <AuditTab /> : null}
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}
