/**
 * "Connect A SCIM Provider": the form whose defaults the seed says to keep (Okta, a generated
 * secret), then Next creates the connection and opens the guide.
 */
import { useId, useState, type FormEvent } from 'react';
import type { DirectoryProvider } from '../../../shared/scim/wire.js';
import { DEFAULT_CONNECTION_NAME, DEFAULT_PROVIDER, PROVIDER_GUIDES } from '../../../shared/providers/index.js';
import type { IpcError } from '../../api.js';
import { Button, ErrorCallout } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useStores } from '../../stores/index.js';
import { Field } from '../SignInScreen.js';
import { ProviderMark } from './ProviderMark.js';

type SecretSource = 'generated' | 'pasted';

const PROVIDER_HINTS: Record<DirectoryProvider, string> = {
  okta: 'Okta Workforce Identity, SCIM 2.0 provisioning',
  'azure-ad': 'Microsoft Entra ID enterprise application provisioning',
  other: 'Any directory with a SCIM 2.0 client',
};

export function ConnectForm() {
  const stores = useStores();
  const id = useId();
  const [name, setName] = useState(DEFAULT_CONNECTION_NAME);
  const [provider, setProvider] = useState<DirectoryProvider>(DEFAULT_PROVIDER);
  const [secretSource, setSecretSource] = useState<SecretSource>('generated');
  const [pastedSecret, setPastedSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await stores.connections.getState().create({
      name: name.trim() || DEFAULT_CONNECTION_NAME,
      provider,
      ...(secretSource === 'pasted' ? { pastedSecret } : {}),
    });
    if (!result.ok) {
      setBusy(false);
      setError(result.error);
      return;
    }
    await stores.wizard.getState().begin(result.value.id, result.value.provider);
    setBusy(false);
    navigate({ name: 'setup', connectionId: result.value.id });
  };

  return (
    <div className="page page-narrow">
      <header className="page-header">
        <p className="eyebrow">SSO · SCIM Connections</p>
        <h1>Connect A SCIM Provider</h1>
        <p className="muted">Most admins can leave these as they are and click Next.</p>
      </header>
      <form className="panel form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={error ? `${id}-error` : undefined}>
        <Field id={`${id}-name`} label="Connection Name" error={error?.field === 'name' ? error.message : null}>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        </Field>

        <fieldset className="fieldset">
          <legend>Directory</legend>
          <div className="radio-cards">
            {PROVIDER_GUIDES.map((g) => (
              <label key={g.provider} className="radio-card">
                <input type="radio" name={`${id}-provider`} value={g.provider} checked={provider === g.provider} onChange={() => setProvider(g.provider)} />
                <ProviderMark provider={g.provider} />
                <span className="radio-card-text">
                  <span className="radio-card-title">{g.label}</span>
                  <span className="radio-card-hint">{PROVIDER_HINTS[g.provider]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset className="fieldset">
          <legend>Authentication Secret</legend>
          <div className="radio-list">
            <label className="radio-row">
              <input type="radio" name={`${id}-secret`} value="generated" checked={secretSource === 'generated'} onChange={() => setSecretSource('generated')} />
              <span>
                <span className="radio-card-title">Generate a secret for me</span>
                <span className="radio-card-hint">Recommended. A 256-bit secret you copy into the directory; it is stored here only as a hash.</span>
              </span>
            </label>
            <label className="radio-row">
              <input type="radio" name={`${id}-secret`} value="pasted" checked={secretSource === 'pasted'} onChange={() => setSecretSource('pasted')} />
              <span>
                <span className="radio-card-title">Paste a secret from the directory</span>
                <span className="radio-card-hint">When your directory generates the bearer token itself.</span>
              </span>
            </label>
          </div>
          {secretSource === 'pasted' ? (
            <Field id={`${id}-pasted`} label="Secret from the directory" hint="16–512 printable characters" error={error?.field === 'pastedSecret' ? error.message : null}>
              <input id={`${id}-pasted`} type="password" autoComplete="off" spellCheck={false} value={pastedSecret} onChange={(e) => setPastedSecret(e.target.value)} className="mono" />
            </Field>
          ) : null}
        </fieldset>

        {error && error.field !== 'name' && error.field !== 'pastedSecret' ? (
          <div id={`${id}-error`}>
            <ErrorCallout error={error} title="Could not create the connection" />
          </div>
        ) : null}

        <div className="form-actions">
          <Button variant="ghost" onClick={() => navigate({ name: 'myOrg', tab: 'sso' })}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={secretSource === 'pasted' && !pastedSecret}>
            Next
          </Button>
        </div>
      </form>
    </div>
  );
}
