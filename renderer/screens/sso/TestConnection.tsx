/** "Test Connection": runs the probe in main and shows each check with its fix. */
import type { ProbeCheck } from '../../../shared/ipc.js';
import { Button, ErrorCallout, Icon, Spinner } from '../../components/ui.js';
import { useAccounts, useConnections, useStores } from '../../stores/index.js';
import { PublicUrlForm } from './PublicUrl.js';

export function TestConnection({ connectionId, directoryName }: { connectionId: string; directoryName: string }) {
  const stores = useStores();
  const slot = useConnections((s) => s.tests[connectionId]) ?? { status: 'idle' as const };
  const backend = useAccounts((s) => s.backend);
  const running = slot.status === 'running';
  const report = slot.status === 'done' ? slot.value : null;
  const failed = report?.checks.filter((c) => c.status === 'fail').length ?? 0;
  const warned = report?.checks.filter((c) => c.status === 'warn').length ?? 0;
  const publicWarning = report?.checks.find((c) => c.id === 'publicAddress' && c.status !== 'pass');

  return (
    <section className="probe" aria-labelledby={`probe-${connectionId}`}>
      <div className="probe-head">
        <div>
          <h3 id={`probe-${connectionId}`}>Test Connection</h3>
          <p className="muted small">Sends the requests {directoryName} sends when it tests the connection, from this computer.</p>
        </div>
        <Button
          variant={report?.ok ? 'secondary' : 'primary'}
          busy={running}
          icon={<Icon name={report ? 'refresh' : 'plug'} />}
          onClick={() => {
            if (!backend) void stores.accounts.getState().loadBackend();
            void stores.connections.getState().test(connectionId);
          }}
        >
          {report ? 'Test again' : 'Test Connection'}
        </Button>
      </div>
      <div aria-live="polite" role="status" className="probe-live">
        {running ? <Spinner label="Testing the connection…" /> : null}
        {report ? (
          <p className={`probe-summary ${report.ok ? 'ok-text' : 'error-text'}`} data-testid="probe-summary">
            <Icon name={report.ok ? 'check' : 'alert'} />
            {report.ok
              ? warned > 0
                ? `The connection works, with ${warned === 1 ? 'one warning' : `${warned} warnings`}.`
                : 'The connection works.'
              : `The connection test failed: ${failed === 1 ? 'one check' : `${failed} checks`} did not pass.`}
          </p>
        ) : null}
      </div>
      {slot.status === 'error' ? <ErrorCallout error={slot.error} title="Could not run the test" /> : null}
      {report ? (
        <ul className="checks" aria-label="Connection checks">
          {report.checks.map((check) => (
            <CheckRow key={check.id} check={check} />
          ))}
        </ul>
      ) : null}
      {publicWarning ? (
        <div className="probe-public">
          <p className="small">Set the public URL your directory can reach, then test again:</p>
          <PublicUrlForm initial={backend?.publicUrl ?? ''} compact onSaved={() => void stores.connections.getState().test(connectionId)} />
        </div>
      ) : null}
    </section>
  );
}

function CheckRow({ check }: { check: ProbeCheck }) {
  const icon = check.status === 'pass' ? 'check' : check.status === 'warn' ? 'alert' : 'x';
  const word = check.status === 'pass' ? 'Passed' : check.status === 'warn' ? 'Warning' : 'Failed';
  return (
    <li className={`check check-${check.status}`} data-check={check.id}>
      <span className={`check-icon check-icon-${check.status}`}>
        <Icon name={icon} />
        <span className="sr-only">{word}: </span>
      </span>
      <div className="check-body">
        <p className="check-label">{check.label}</p>
        <p className="check-detail">{check.detail}</p>
        {check.fix ? (
          <p className="fix">
            <strong>How to fix: </strong>
            {check.fix}
          </p>
        ) : null}
      </div>
    </li>
  );
}
