/** First launch (and "Add an account"): start a new org on the bundled backend, or join a remote one. */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { IpcError } from '../api.js';
import { Button, ErrorCallout, Icon } from '../components/ui.js';
import { navigate } from '../router.js';
import { useAccounts } from '../stores/index.js';

type Mode = 'bundled' | 'remote';

export function SignInScreen({ adding }: { adding: boolean }) {
  const startBundledOrg = useAccounts((s) => s.startBundledOrg);
  const signInRemote = useAccounts((s) => s.signInRemote);
  const hasAccounts = useAccounts((s) => s.accounts.length > 0);
  const [mode, setMode] = useState<Mode>('bundled');
  const [orgName, setOrgName] = useState('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [ownerName, setOwnerName] = useState('');
  const [backendUrl, setBackendUrl] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result =
      mode === 'bundled'
        ? await startBundledOrg({ orgName, ownerEmail, ...(ownerName.trim() ? { ownerName } : {}) })
        : await signInRemote({ backendUrl, code });
    setBusy(false);
    if (result.ok) navigate({ name: 'home' });
    else setError(result.error);
  };

  const fieldError = (field: string) => (error?.field === field ? error.message : null);

  return (
    <main className="signin" aria-labelledby={`${id}-title`}>
      <div className="signin-panel">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="shield" />
          </span>
          <span className="brand-name">SCIM Directory Sync</span>
        </div>
        <h1 id={`${id}-title`} className="signin-title">
          {adding ? 'Add an org account' : 'Welcome'}
        </h1>
        <p className="muted">Sync people from Okta or Azure AD into your org, and remove them the moment the directory does.</p>

        <div className="choice-row" role="radiogroup" aria-label="How do you want to sign in?">
          <ChoiceCard
            checked={mode === 'bundled'}
            onSelect={() => setMode('bundled')}
            icon="building"
            title="Start a new org on this computer"
            text="Runs the SCIM backend bundled with this app. You become the org's owner."
          />
          <ChoiceCard
            checked={mode === 'remote'}
            onSelect={() => setMode('remote')}
            icon="globe"
            title="Sign in to an org on a remote backend"
            text="Use the backend URL and the one-time code you were given."
          />
        </div>

        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          {mode === 'bundled' ? (
            <>
              <Field id={`${id}-org`} label="Org name" error={fieldError('orgName')}>
                <input id={`${id}-org`} value={orgName} onChange={(e) => setOrgName(e.target.value)} required autoFocus autoComplete="organization" placeholder="Acme Inc." />
              </Field>
              <Field id={`${id}-email`} label="Owner email" error={fieldError('ownerEmail')}>
                <input id={`${id}-email`} type="email" value={ownerEmail} onChange={(e) => setOwnerEmail(e.target.value)} required autoComplete="email" placeholder="you@example.com" />
              </Field>
              <Field id={`${id}-name`} label="Your name" hint="Optional">
                <input id={`${id}-name`} value={ownerName} onChange={(e) => setOwnerName(e.target.value)} autoComplete="name" />
              </Field>
            </>
          ) : (
            <>
              <Field id={`${id}-url`} label="Backend URL" error={fieldError('backendUrl')}>
                <input id={`${id}-url`} type="url" value={backendUrl} onChange={(e) => setBackendUrl(e.target.value)} required placeholder="https://scim.example.com" />
              </Field>
              <Field id={`${id}-code`} label="One-time code" error={fieldError('code')}>
                <input id={`${id}-code`} value={code} onChange={(e) => setCode(e.target.value)} required autoComplete="one-time-code" spellCheck={false} className="mono" />
              </Field>
            </>
          )}
          {error && !error.field ? <ErrorCallout error={error} /> : null}
          <div className="form-actions">
            {adding && hasAccounts ? (
              <Button variant="ghost" onClick={() => navigate({ name: 'home' })}>
                Cancel
              </Button>
            ) : null}
            <Button type="submit" variant="primary" busy={busy} disabled={mode === 'bundled' ? !orgName.trim() || !ownerEmail.trim() : !backendUrl.trim() || !code.trim()}>
              {mode === 'bundled' ? 'Start org' : 'Sign in'}
            </Button>
          </div>
        </form>
      </div>
    </main>
  );
}

function ChoiceCard({ checked, onSelect, icon, title, text }: { checked: boolean; onSelect: () => void; icon: 'building' | 'globe'; title: string; text: string }) {
  return (
    <button type="button" role="radio" aria-checked={checked} className="choice" onClick={onSelect}>
      <span className="choice-icon">
        <Icon name={icon} />
      </span>
      <span className="choice-title">{title}</span>
      <span className="choice-text">{text}</span>
    </button>
  );
}

export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | null; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {hint ? <span className="field-hint"> {hint}</span> : null}
      </label>
      {children}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
