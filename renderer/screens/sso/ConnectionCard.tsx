/** One SCIM connection on the SSO tab: name, directory, Endpoint Base URL, and its live status. */
import { guideFor } from '../../../shared/providers/index.js';
import type { ConnectionView } from '../../../shared/ipc.js';
import { Button, CopyButton, Icon, ago, plural } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useApi } from '../../api.js';
import { ConnectionSettings } from './ConnectionSettings.js';
import { connectionStatus } from './status.js';
import { ConnectionStatusLines } from './ConnectionStatusLines.js';
import { ProviderMark } from './ProviderMark.js';

export function ConnectionCard({ connection, setupInProgress }: { connection: ConnectionView; setupInProgress: boolean }) {
  const api = useApi();
  const status = connectionStatus(connection);
  const guide = guideFor(connection.provider);
  const urlId = `url-${connection.id}`;
  return (
    <article className="card conn-card" aria-labelledby={`name-${connection.id}`} data-testid="connection-card">
      <div className="conn-head">
        <ProviderMark provider={connection.provider} />
        <div className="conn-title">
          <h3 id={`name-${connection.id}`}>{connection.name}</h3>
          <p className="muted small">
            {guide.label} · created {ago(connection.createdAt)}
          </p>
        </div>
        <div className="conn-actions">
          {setupInProgress ? <span className="pill pill-warn">Setup in progress</span> : null}
          <Button size="sm" icon={<Icon name="users" />} aria-label={`View pool: ${connection.name}`} onClick={() => navigate({ name: 'pool', connectionId: connection.id })}>
            Pool · {plural(connection.health.syncedUsers, 'user')}
          </Button>
          <ConnectionSettings connection={connection} />
        </div>
      </div>
      <div className="conn-url">
        <span className="kv-label" id={`${urlId}-label`}>
          Endpoint Base URL
        </span>
        <code id={urlId} className="mono truncate" title={connection.endpointBaseUrl}>
          {connection.endpointBaseUrl}
        </code>
        <CopyButton
          label="Endpoint Base URL"
          describedBy={urlId}
          onCopy={async () => (await api.clipboard.copyText({ text: connection.endpointBaseUrl })).ok}
        />
      </div>
      <div className={`conn-status conn-status-${status.tone}`} role="status" aria-live="polite" data-testid="connection-status">
        <span className={`dot dot-${status.tone}`} aria-hidden="true" />
        <div>
          <ConnectionStatusLines status={status} />
          {connection.health.lastRequestAt && status.tone !== 'waiting' ? (
            <p className="muted small">
              <Icon name="clock" /> Last request {ago(connection.health.lastRequestAt)} · {connection.health.requestsLast24h} requests,{' '}
              {connection.health.errorsLast24h} errors in 24 h
            </p>
          ) : null}
        </div>
      </div>
    </article>
  );
}
