/**
 * Connection settings (Radix Dialog): rename, reset the secret (with a grace period for the old
 * one), the health line, the request log, and delete ("No users will be removed").
 */
import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ConnectionView } from '../../../shared/ipc.js';
import { AUTHENTICATION_SECRET, ENDPOINT_BASE_URL, guideFor } from '../../../shared/providers/index.js';
import type { IpcError } from '../../api.js';
import { Button, Callout, ErrorCallout, Icon, Loading, ago } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useAccounts, useConnections, useStores } from '../../stores/index.js';
import { Field } from '../SignInScreen.js';
import { connectionStatus, directoryNameOf, secretFieldOf } from './status.js';
import { PublicUrlForm } from './PublicUrl.js';
import { ValueRow } from './ValueRow.js';

export const GRACE_CHOICES = [
  { seconds: 0, label: 'Immediately', hint: 'The old secret stops working now.' },
  { seconds: 3600, label: 'Keep the old secret for 1 hour', hint: 'Time to update the directory without failed syncs.' },
  { seconds: 86400, label: 'Keep the old secret for 24 hours', hint: 'For changes that need someone else’s approval.' },
] as const;

export function ConnectionSettings({ connection }: { connection: ConnectionView }) {
  const stores = useStores();
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) stores.connections.getState().hide(connection.id);
      }}
    >
      <Dialog.Trigger asChild>
        <Button size="sm" icon={<Icon name="settings" />} aria-label={`Connection settings: ${connection.name}`}>
          Settings
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <div className="dialog-head">
            <Dialog.Title className="dialog-title">Connection settings</Dialog.Title>
            <Dialog.Close asChild>
              <Button variant="ghost" size="sm" aria-label="Close" icon={<Icon name="x" />} />
            </Dialog.Close>
          </div>
          <div className="dialog-body">
            <HealthLine connection={connection} />
            <RenameForm connection={connection} />
            <ResetSecret connection={connection} />
            <PublicAddress />
            <RequestLog connectionId={connection.id} />
            <DeleteConnection connection={connection} onDeleted={() => setOpen(false)} />
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function HealthLine({ connection }: { connection: ConnectionView }) {
  const status = connectionStatus(connection);
  const h = connection.health;
  return (
    <section className="dsection" aria-label="Health">
      <div className={`conn-status conn-status-${status.tone}`} role="status" aria-live="polite" data-testid="settings-health">
        <span className={`dot dot-${status.tone}`} aria-hidden="true" />
        <div>
          <p className="conn-status-text">{status.text}</p>
          <p className="muted small">
            {h.lastRequestAt ? `Last request ${ago(h.lastRequestAt)}` : 'No requests yet'} · {h.requestsLast24h} requests and {h.errorsLast24h} errors
            in the last 24 hours{h.detectedProvider ? ` · client: ${h.detectedProvider}` : ''}
          </p>
          {h.lastError ? (
            <p className="small">
              Last error {ago(h.lastError.at)}: {h.lastError.detail}
            </p>
          ) : null}
          {status.fix ? (
            <p className="small fix">
              <strong>How to fix: </strong>
              {status.fix}
            </p>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function RenameForm({ connection }: { connection: ConnectionView }) {
  const stores = useStores();
  const id = useId();
  const [name, setName] = useState(connection.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    const result = await stores.connections.getState().rename(connection.id, name);
    setBusy(false);
    setError(result.ok ? null : result.error);
    setSaved(result.ok);
  };
  return (
    <section className="dsection" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Name</h3>
      <form className="form form-inline" onSubmit={(e) => void submit(e)}>
        <Field id={`${id}-name`} label="Connection Name" error={error ? error.message : null}>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        </Field>
        <Button type="submit" busy={busy} disabled={!name.trim() || name.trim() === connection.name}>
          Rename
        </Button>
        <span className="form-status" aria-live="polite">
          {saved ? <span className="ok-text">Renamed.</span> : null}
        </span>
      </form>
    </section>
  );
}

function ResetSecret({ connection }: { connection: ConnectionView }) {
  const stores = useStores();
  const id = useId();
  const [grace, setGrace] = useState<number>(3600);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [resetAt, setResetAt] = useState<{ grace: number } | null>(null);
  const directory = directoryNameOf(connection);
  const reset = async () => {
    setBusy(true);
    const result = await stores.connections.getState().rotateSecret(connection.id, grace);
    setBusy(false);
    setConfirming(false);
    setError(result.ok ? null : result.error);
    if (result.ok) setResetAt({ grace });
  };
  return (
    <section className="dsection" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Authentication Secret</h3>
      {resetAt && connection.secretAvailable ? (
        <div className="reset-result" role="status" aria-live="polite">
          <Callout tone="warn" title="The secret was reset">
            <p className="small">
              {resetAt.grace === 0
                ? `${directory[0]!.toUpperCase()}${directory.slice(1)}'s requests with the old secret are refused from now on.`
                : `The old secret keeps working for ${resetAt.grace === 3600 ? '1 hour' : '24 hours'}.`}
            </p>
            <p className="small fix">
              <strong>How to fix: </strong>
              Copy the new Authentication Secret into {secretFieldOf(connection.provider)} in {directory}
              {connection.provider === 'azure-ad' ? ', click Save, then Test Connection' : connection.provider === 'okta' ? ' and save the form' : ''}.
            </p>
          </Callout>
          <div className="values">
            <ValueRow connection={connection} value={AUTHENTICATION_SECRET} />
            <ValueRow connection={connection} value={ENDPOINT_BASE_URL} />
          </div>
          <Button
            size="sm"
            variant="ghost"
            onClick={async () => {
              await stores.connections.getState().forgetSecret(connection.id);
              setResetAt(null);
            }}
          >
            I've saved it in {directory}
          </Button>
        </div>
      ) : confirming ? (
        <div className="confirm">
          <fieldset className="fieldset">
            <legend>When should the old secret stop working?</legend>
            <div className="radio-list">
              {GRACE_CHOICES.map((c) => (
                <label key={c.seconds} className="radio-row">
                  <input type="radio" name={`${id}-grace`} checked={grace === c.seconds} onChange={() => setGrace(c.seconds)} />
                  <span>
                    <span className="radio-card-title">{c.label}</span>
                    <span className="radio-card-hint">{c.hint}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="form-actions">
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button variant="danger" busy={busy} onClick={() => void reset()}>
              Reset secret
            </Button>
          </div>
        </div>
      ) : (
        <div className="row">
          <p className="muted small grow">Stored only as a hash. Reset it if it leaked or you lost it; you then paste the new one into {guideFor(connection.provider).label}.</p>
          <Button icon={<Icon name="key" />} onClick={() => setConfirming(true)}>
            Reset secret…
          </Button>
        </div>
      )}
      {error ? <ErrorCallout error={error} title="Could not reset the secret" /> : null}
    </section>
  );
}

/** The probe's fixes point here: the public URL the Endpoint Base URL is built from (bundled backend only). */
function PublicAddress() {
  const backend = useAccounts((s) => s.backend);
  if (!backend || backend.kind !== 'bundled') return null;
  return (
    <section className="dsection" aria-labelledby="settings-public-url">
      <h3 id="settings-public-url">Public address</h3>
      <p className="muted small">Okta and Azure connect from the internet: the Endpoint Base URL is built from this address.</p>
      <PublicUrlForm initial={backend.publicUrl ?? ''} compact />
    </section>
  );
}

function RequestLog({ connectionId }: { connectionId: string }) {
  const stores = useStores();
  const slot = useConnections((s) => s.logs[connectionId]) ?? { status: 'idle' as const };
  useEffect(() => {
    void stores.connections.getState().loadLog(connectionId);
  }, [stores, connectionId]);
  return (
    <section className="dsection" aria-labelledby={`log-${connectionId}`}>
      <div className="row">
        <h3 id={`log-${connectionId}`} className="grow">
          Request log
        </h3>
        <Button size="sm" variant="ghost" icon={<Icon name="refresh" />} onClick={() => void stores.connections.getState().loadLog(connectionId)}>
          Refresh
        </Button>
      </div>
      {slot.status === 'running' || slot.status === 'idle' ? <Loading label="Loading the request log…" /> : null}
      {slot.status === 'error' ? <ErrorCallout error={slot.error} title="Could not load the request log" /> : null}
      {slot.status === 'done' && slot.value.length === 0 ? <p className="muted small">No requests from the directory yet.</p> : null}
      {slot.status === 'done' && slot.value.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Request log table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  ms
                </th>
              </tr>
            </thead>
            <tbody>
              {slot.value.slice(0, 100).map((e, i) => (
                <tr key={`${e.at}-${i}`} className={e.status >= 400 ? 'row-error' : undefined}>
                  <td className="nowrap">{new Date(e.at).toLocaleTimeString()}</td>
                  <td className="mono truncate-cell" title={e.errorDetail ?? e.path}>
                    <span className="method">{e.method}</span> {e.path}
                    {e.errorDetail ? <span className="error-text small block">{e.errorDetail}</span> : null}
                  </td>
                  <td>
                    <span className={`pill ${e.status >= 400 ? 'pill-error' : 'pill-ok'}`}>{e.status}</span>
                  </td>
                  <td className="num">{Math.round(e.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function DeleteConnection({ connection, onDeleted }: { connection: ConnectionView; onDeleted: () => void }) {
  const stores = useStores();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const remove = async () => {
    setBusy(true);
    const result = await stores.connections.getState().remove(connection.id);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    const wizard = stores.wizard.getState().wizard;
    if (wizard?.connectionId === connection.id) await stores.wizard.getState().clear();
    onDeleted();
    navigate({ name: 'myOrg', tab: 'sso' });
  };
  return (
    <section className="dsection dsection-danger" aria-label="Delete connection">
      {confirming ? (
        <div role="alertdialog" aria-label="Confirm deletion" className="confirm">
          <p className="callout-title">Delete “{connection.name}”?</p>
          <p className="small">
            No users will be removed: people synced from {directoryNameOf(connection)} stay in the pool and in your org. The directory can no longer
            push changes, so later deactivations there will not remove anyone here.
          </p>
          <div className="form-actions">
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button variant="danger" busy={busy} onClick={() => void remove()} icon={<Icon name="trash" />}>
              Delete connection
            </Button>
          </div>
        </div>
      ) : (
        <div className="row">
          <p className="muted small grow">Stops syncing from this directory. No users will be removed.</p>
          <Button variant="danger" onClick={() => setConfirming(true)} icon={<Icon name="trash" />}>
            Delete…
          </Button>
        </div>
      )}
      {error ? <ErrorCallout error={error} title="Could not delete the connection" /> : null}
    </section>
  );
}
