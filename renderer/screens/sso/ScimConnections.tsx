/** SSO tab → "SCIM Connections": the list of connections and "Connect A SCIM Provider". */
import { useEffect } from 'react';
import { guideFor } from '../../../shared/providers/index.js';
import { Button, EmptyState, ErrorCallout, Icon, Loading } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useConnections, useStores, useWizard } from '../../stores/index.js';
import { ConnectionCard } from './ConnectionCard.js';

export function ScimConnections() {
  const stores = useStores();
  const status = useConnections((s) => s.status);
  const items = useConnections((s) => s.items);
  const error = useConnections((s) => s.error);
  const wizard = useWizard((s) => s.wizard);
  useEffect(() => {
    void stores.connections.getState().load();
  }, [stores]);

  const resumable = wizard ? items.find((c) => c.id === wizard.connectionId) : undefined;
  const connect = (
    <Button variant="primary" icon={<Icon name="plus" />} onClick={() => navigate({ name: 'connect' })}>
      {items.length > 0 ? 'Connect Another SCIM Provider' : 'Connect A SCIM Provider'}
    </Button>
  );

  return (
    <section className="section" aria-labelledby="scim-title">
      <div className="section-head">
        <div>
          <h2 id="scim-title">SCIM Connections</h2>
          <p className="muted">Your directory pushes users here over SCIM 2.0. Deactivating someone there removes them from the org at once.</p>
        </div>
        {status === 'ready' && items.length > 0 ? connect : null}
      </div>

      {resumable && wizard ? (
        <div className="callout callout-info resume" role="region" aria-label="Setup in progress">
          <Icon name="info" />
          <div className="callout-body">
            <p className="callout-title">
              {guideFor(wizard.provider).label} setup for “{resumable.name}” is not finished
            </p>
            <p>
              You were at step {guideFor(wizard.provider).steps[wizard.currentStep]?.number ?? wizard.currentStep + 1};{' '}
              {wizard.completedSteps.length} of {guideFor(wizard.provider).steps.length} steps ticked. Your progress is saved.
            </p>
          </div>
          <Button variant="primary" size="sm" onClick={() => navigate({ name: 'setup', connectionId: resumable.id })}>
            Resume setup
          </Button>
        </div>
      ) : null}

      {status === 'loading' || status === 'idle' ? <Loading label="Loading SCIM connections…" /> : null}
      {status === 'error' && error ? (
        <ErrorCallout
          error={error}
          title="Could not load SCIM connections"
          action={
            <Button size="sm" onClick={() => void stores.connections.getState().load()} icon={<Icon name="refresh" />}>
              Try again
            </Button>
          }
        />
      ) : null}
      {status === 'ready' && items.length === 0 ? (
        <EmptyState title="No SCIM connections yet" action={connect}>
          Connect Okta, Azure AD or any SCIM 2.0 directory. The app walks you through it step by step and checks the connection the way the
          directory will.
        </EmptyState>
      ) : null}
      {status === 'ready' && items.length > 0 ? (
        <div className="card-list">
          {items.map((c) => (
            <ConnectionCard key={c.id} connection={c} setupInProgress={wizard?.connectionId === c.id} />
          ))}
        </div>
      ) : null}
    </section>
  );
}
