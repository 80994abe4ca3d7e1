/** A connection's pool: everyone the directory pushed, searchable and filterable, 100,000 rows smooth. */
import { useEffect } from 'react';
import { guideFor } from '../../../shared/providers/index.js';
import { PoolEmpty, PoolTable, PoolToolbar, usePoolStore } from '../../components/PoolTable.js';
import { Button, Icon, Loading } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useConnections, useStores } from '../../stores/index.js';
import { ProviderMark } from '../sso/ProviderMark.js';

export function PoolScreen({ connectionId }: { connectionId: string }) {
  const stores = useStores();
  const connection = useConnections((s) => s.items.find((c) => c.id === connectionId));
  const status = useConnections((s) => s.status);
  const store = usePoolStore(connectionId);
  useEffect(() => {
    if (stores.connections.getState().status === 'idle') void stores.connections.getState().load();
  }, [stores]);
  if (!connection) return status === 'ready' ? <p className="page">This connection no longer exists.</p> : <Loading label="Loading the connection…" />;
  const directory = guideFor(connection.provider).label;
  return (
    <div className="page page-wide">
      <header className="page-header page-header-row">
        <ProviderMark provider={connection.provider} />
        <div className="grow">
          <p className="eyebrow">Pool · {directory}</p>
          <h1>{connection.name}</h1>
          <p className="muted">Everyone {directory} has pushed to this connection. Directory changes show up here as they arrive.</p>
        </div>
        <Button variant="primary" icon={<Icon name="mail" />} onClick={() => navigate({ name: 'invite', connectionId })}>
          Invite Users
        </Button>
      </header>
      <section className="panel panel-flush" aria-label="Pool">
        <PoolToolbar store={store} />
        <PoolTable store={store} label={`Pool of ${connection.name}`} height={520} empty={<PoolEmpty text={`${directory} has not pushed anyone to this connection yet.`} />} />
      </section>
    </div>
  );
}
