/** Toasts (polite live region) and persistent alert banners (until an admin dismisses them). */
import { useEffect } from 'react';
import { useNotifications, useStores } from '../stores/index.js';
import { Button, Icon, ago } from './ui.js';

export function Toasts() {
  const stores = useStores();
  const toasts = useNotifications((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast">
          <Icon name={t.tone === 'warn' ? 'bell' : t.tone === 'success' ? 'check' : 'info'} />
          <div className="toast-body">
            <p className="toast-title">{t.title}</p>
            {t.body ? <p className="small">{t.body}</p> : null}
          </div>
          <Button variant="ghost" size="sm" aria-label="Dismiss notification" icon={<Icon name="x" />} onClick={() => stores.notifications.getState().dismissToast(t.id)} />
        </div>
      ))}
    </div>
  );
}

export function AlertBanners({ accountId }: { accountId: string }) {
  const stores = useStores();
  const alerts = useNotifications((s) => s.alerts);
  useEffect(() => {
    void stores.notifications.getState().loadAlerts();
  }, [stores, accountId]);
  if (alerts.length === 0) return null;
  return (
    <div className="banners">
      {alerts.map((a) => (
        <div key={a.id} className="banner" role="alert" data-testid="alert-banner">
          <Icon name="alert" />
          <p className="grow">
            <strong>Action needed: </strong>
            {a.message} <span className="muted small">{ago(a.createdAt)}</span>
          </p>
          <Button size="sm" onClick={() => void stores.notifications.getState().dismissAlert(a.id)}>
            Dismiss
          </Button>
        </div>
      ))}
    </div>
  );
}
