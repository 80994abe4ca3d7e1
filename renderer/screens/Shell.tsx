/** The window chrome once signed in: the org menu at the top-left, breadcrumbs, the backend's state. */
import type { ReactNode } from 'react';
import { AlertBanners, Toasts } from '../components/Notifications.js';
import { OrgMenu } from '../components/OrgMenu.js';
import { Icon } from '../components/ui.js';
import { hrefOf, type Route } from '../router.js';
import { useAccounts } from '../stores/index.js';

export interface Crumb {
  label: string;
  route?: Route;
}

export function Shell({ crumbs, children, accountId }: { crumbs: Crumb[]; children: ReactNode; accountId: string }) {
  const backendStatus = useAccounts((s) => s.backendStatus);
  return (
    <div className="shell">
      <header className="topbar">
        <OrgMenu />
        <nav aria-label="Breadcrumb" className="crumbs">
          <ol>
            {crumbs.map((crumb, i) => (
              <li key={i}>
                {i > 0 ? <Icon name="chevron-right" className="crumb-sep" /> : null}
                {crumb.route && i < crumbs.length - 1 ? <a href={hrefOf(crumb.route)}>{crumb.label}</a> : <span aria-current={i === crumbs.length - 1 ? 'page' : undefined}>{crumb.label}</span>}
              </li>
            ))}
          </ol>
        </nav>
        <div className="topbar-end" role="status" aria-live="polite">
          {backendStatus && backendStatus.status !== 'ready' ? (
            <span className={`pill pill-${backendStatus.status === 'failed' || backendStatus.status === 'stopped' ? 'error' : 'warn'}`} title={backendStatus.detail}>
              Backend {backendStatus.status}
            </span>
          ) : null}
        </div>
      </header>
      <AlertBanners accountId={accountId} />
      <div className="content">{children}</div>
      <Toasts />
    </div>
  );
}
