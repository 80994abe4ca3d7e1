/**
 * The provider guide: the seed's numbered steps, a checkbox per step, copy buttons beside each
 * value, the console link, Test Connection, Done, and the watch for the directory's first request.
 * Progress is saved through `wizard:save` on every change, so the admin can leave and resume.
 */
import * as Checkbox from '@radix-ui/react-checkbox';
import { useEffect, useRef, useState } from 'react';
import type { ConnectionView } from '../../../shared/ipc.js';
import { guideFor, type GuideStep, type ProviderGuide, type StepLine, type TextPart } from '../../../shared/providers/index.js';
import { useApi, type IpcError } from '../../api.js';
import { Button, Callout, EmptyState, ErrorCallout, Icon, Loading } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useAccounts, useConnections, useStores, useWizard } from '../../stores/index.js';
import { ProviderMark } from './ProviderMark.js';
import { PublicUrlForm, isPrivateUrl } from './PublicUrl.js';
import { connectionStatus } from './status.js';
import { ConnectionStatusLines } from './ConnectionStatusLines.js';
import { TestConnection } from './TestConnection.js';
import { ValueRow } from './ValueRow.js';

export function SetupGuide({ connectionId }: { connectionId: string }) {
  const stores = useStores();
  const status = useConnections((s) => s.status);
  const connection = useConnections((s) => s.items.find((c) => c.id === connectionId));
  const wizardStatus = useWizard((s) => s.status);
  useEffect(() => {
    if (stores.connections.getState().status !== 'ready') void stores.connections.getState().load();
    if (stores.wizard.getState().status === 'idle') void stores.wizard.getState().load();
    if (!stores.accounts.getState().backend) void stores.accounts.getState().loadBackend();
    // Leaving the guide hides a revealed secret.
    return () => stores.connections.getState().hide(connectionId);
  }, [stores, connectionId]);

  if (status !== 'ready' || wizardStatus === 'loading' || wizardStatus === 'idle') return <Loading label="Loading the setup guide…" />;
  if (!connection) {
    return (
      <div className="page page-narrow">
        <EmptyState
          title="This connection no longer exists"
          icon="alert"
          action={
            <Button variant="primary" onClick={() => navigate({ name: 'myOrg', tab: 'sso' })}>
              Back to SCIM Connections
            </Button>
          }
        >
          It may have been deleted on another device.
        </EmptyState>
      </div>
    );
  }
  return <Guide connection={connection} guide={guideFor(connection.provider)} />;
}

function Guide({ connection, guide }: { connection: ConnectionView; guide: ProviderGuide }) {
  const stores = useStores();
  const api = useApi();
  const wizard = useWizard((s) => (s.wizard?.connectionId === connection.id ? s.wizard : null));
  const doneIndex = guide.steps.findIndex((s) => s.check === 'done');
  // Without saved progress the guide was finished with Done: show the steps after it.
  const finished = wizard === null;
  const [localStep, setLocalStep] = useState(finished ? Math.min(doneIndex + 1, guide.steps.length - 1) : 0);
  const current = wizard ? Math.min(wizard.currentStep, guide.steps.length - 1) : localStep;
  const completed = new Set(wizard ? wizard.completedSteps : guide.steps.slice(0, doneIndex + 1).map((s) => s.id));
  // The last step is the directory's first sync: it ticks itself once the directory has called.
  const watchStep = guide.steps.find((s) => s.check === 'firstRequest');
  if (watchStep && connectionStatus(connection).tone !== 'waiting') completed.add(watchStep.id);
  const step = guide.steps[current]!;
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  const [linkError, setLinkError] = useState<IpcError | null>(null);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [current]);

  const goTo = (index: number) => {
    if (wizard) void stores.wizard.getState().goTo(index);
    else setLocalStep(index);
  };
  const toggle = (s: GuideStep, done: boolean) => {
    if (wizard) void stores.wizard.getState().toggleStep(s.id, done);
  };
  const next = () => {
    if (!completed.has(step.id)) toggle(step, true);
    goTo(current + 1);
  };

  return (
    <div className="page guide">
      <header className="guide-header">
        <ProviderMark provider={guide.provider} size="lg" />
        <div className="guide-title">
          <p className="eyebrow">
            Set up {guide.label} · {connection.name}
          </p>
          <h1>Connect {guide.label} to SCIM Directory Sync</h1>
          <p className="muted">{guide.summary}</p>
        </div>
        <Button variant="ghost" onClick={() => navigate({ name: 'myOrg', tab: 'sso' })} icon={<Icon name="chevron-left" />}>
          {finished ? 'Back to SCIM Connections' : 'Leave setup'}
        </Button>
      </header>
      {!finished ? <p className="muted small saved-note">Your progress is saved: you can leave and resume from SCIM Connections.</p> : null}

      <div className="guide-grid">
        <nav className="steps-rail" aria-label={`${guide.label} setup steps`}>
          <ol className="rail">
            {guide.prerequisites.length > 0 && guide.provider !== 'other'
              ? [1, 2].map((n) => (
                  <li key={n} className="rail-item rail-pre">
                    <span className="rail-check rail-check-done" aria-hidden="true">
                      <Icon name="check" />
                    </span>
                    <span className="rail-num">{n}</span>
                    <span className="rail-title">{n === 1 ? 'SAML 2.0 application' : 'New SCIM provider'}</span>
                  </li>
                ))
              : null}
            {guide.steps.map((s, i) => {
              const done = completed.has(s.id);
              return (
                <li key={s.id} className={`rail-item${i === current ? ' rail-current' : ''}`}>
                  <Checkbox.Root
                    className="rail-check"
                    checked={done}
                    disabled={finished || s.check === 'done'}
                    onCheckedChange={(v) => toggle(s, v === true)}
                    aria-label={`Step ${s.number} done: ${s.title}`}
                  >
                    <Checkbox.Indicator>
                      <Icon name="check" />
                    </Checkbox.Indicator>
                  </Checkbox.Root>
                  <button type="button" className="rail-link" onClick={() => goTo(i)} aria-current={i === current ? 'step' : undefined} title={s.title}>
                    <span className="rail-num">{s.number}</span>
                    <span className="rail-title">{s.title}</span>
                  </button>
                </li>
              );
            })}
          </ol>
        </nav>

        <section className="step-panel panel" aria-labelledby="step-title">
          <div className="step-head">
            <p className="eyebrow">
              Step {step.number} · {current + 1} of {guide.steps.length}
            </p>
            <h2 id="step-title" ref={heading} tabIndex={-1}>
              {step.title}
            </h2>
          </div>
          <div className="step-body">
            <Lines lines={step.lines} />
          </div>

          {step.link ? (
            <div className="step-link">
              <Button
                onClick={async () => {
                  const result = await api.links.open({ id: step.link!.id });
                  setLinkError(result.ok ? null : result.error);
                }}
                icon={<Icon name="external" />}
              >
                {step.link.label}
              </Button>
              {linkError ? <ErrorCallout error={linkError} /> : null}
            </div>
          ) : null}

          {step.values.length > 0 ? (
            <div className="values" role="group" aria-label="Values to copy">
              <p className="values-title">Copy into {guide.directoryName}</p>
              {step.values.map((v) => (
                <ValueRow key={v.kind === 'literal' ? v.value : v.kind} connection={connection} value={v} />
              ))}
              {step.values.some((v) => v.kind === 'endpointBaseUrl') ? <PublicUrlWarning connection={connection} directoryName={guide.directoryName} /> : null}
            </div>
          ) : null}

          {step.check === 'probe' ? <TestConnection connectionId={connection.id} directoryName={guide.directoryName} /> : null}
          {step.check === 'done' ? <DoneStep connection={connection} finished={finished} onDone={() => setLocalStep(current + 1)} /> : null}
          {step.check === 'firstRequest' ? <FirstRequest connection={connection} /> : null}

          <div className="step-nav">
            <Button variant="ghost" disabled={current === 0} onClick={() => goTo(current - 1)} icon={<Icon name="chevron-left" />}>
              Back
            </Button>
            {!finished && step.check !== 'done' ? (
              <label className="step-done">
                <Checkbox.Root className="rail-check" checked={completed.has(step.id)} onCheckedChange={(v) => toggle(step, v === true)}>
                  <Checkbox.Indicator>
                    <Icon name="check" />
                  </Checkbox.Indicator>
                </Checkbox.Root>
                I've done this step
              </label>
            ) : null}
            {current < guide.steps.length - 1 && step.check !== 'done' ? (
              <Button variant="primary" onClick={next}>
                Next step
                <Icon name="chevron-right" />
              </Button>
            ) : null}
            {current === guide.steps.length - 1 ? (
              <Button variant={finished ? 'primary' : 'secondary'} onClick={() => navigate({ name: 'myOrg', tab: 'sso' })}>
                Back to SCIM Connections
              </Button>
            ) : null}
          </div>
        </section>
      </div>
    </div>
  );
}

function Lines({ lines }: { lines: StepLine[] }) {
  return (
    <>
      {lines.map((line, i) => (
        <div key={i} className="step-line">
          <p>
            <Parts parts={line.parts} />
          </p>
          {line.bullets ? (
            <ul>
              {line.bullets.map((b, j) => (
                <li key={j}>
                  <Parts parts={b.parts} />
                  {b.bullets ? (
                    <ul>
                      {b.bullets.map((c, k) => (
                        <li key={k}>
                          <Parts parts={c.parts} />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
    </>
  );
}

function Parts({ parts }: { parts: TextPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          <span key={i}>{part}</span>
        ) : 'ui' in part ? (
          <strong key={i} className="ui-label">
            {part.ui}
          </strong>
        ) : part.value.kind === 'literal' ? (
          <code key={i} className="mono inline-value">
            {part.value.value}
          </code>
        ) : (
          <strong key={i} className="app-value">
            {part.value.label}
          </strong>
        ),
      )}
    </>
  );
}

function PublicUrlWarning({ connection, directoryName }: { connection: ConnectionView; directoryName: string }) {
  const backend = useAccounts((s) => s.backend);
  const [open, setOpen] = useState(false);
  if (!isPrivateUrl(connection.endpointBaseUrl)) return null;
  return (
    <Callout tone="warn" title={`${directoryName[0]!.toUpperCase()}${directoryName.slice(1)} may not reach this address`}>
      <p className="small">
        The Endpoint Base URL points at this computer or a private network. Cloud directories call it from the internet: set the public URL of
        your backend (a reverse proxy or tunnel in front of it).
      </p>
      {open ? (
        <PublicUrlForm initial={backend?.publicUrl ?? ''} compact />
      ) : (
        <Button size="sm" onClick={() => setOpen(true)} icon={<Icon name="globe" />}>
          Set public URL
        </Button>
      )}
    </Callout>
  );
}

function DoneStep({ connection, finished, onDone }: { connection: ConnectionView; finished: boolean; onDone: () => void }) {
  const stores = useStores();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  if (finished) {
    return (
      <Callout tone="success" title="Done">
        Setup is finished. The Authentication Secret is no longer kept on this device.
      </Callout>
    );
  }
  const done = async () => {
    setBusy(true);
    const result = await stores.connections.getState().forgetSecret(connection.id);
    if (!result.ok) {
      setBusy(false);
      setError(result.error);
      return;
    }
    await stores.wizard.getState().clear();
    setBusy(false);
    onDone();
  };
  return (
    <div className="done-box">
      <p className="small muted">
        Clicking Done forgets the Authentication Secret on this device: make sure it is saved in the directory. You can always reset it later.
      </p>
      <Button variant="primary" busy={busy} onClick={() => void done()} icon={<Icon name="check" />}>
        Done
      </Button>
      {error ? <ErrorCallout error={error} /> : null}
    </div>
  );
}

function FirstRequest({ connection }: { connection: ConnectionView }) {
  const status = connectionStatus(connection);
  return (
    <div className={`watch watch-${status.tone}`} role="status" aria-live="polite" data-testid="first-request">
      <span className={`dot dot-${status.tone}`} aria-hidden="true" />
      <div>
        <ConnectionStatusLines status={status} />
      </div>
    </div>
  );
}
