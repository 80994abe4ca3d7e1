/**
 * The backend's public URL: directories in the cloud (Okta, Azure) must reach the Endpoint Base
 * URL over the internet, so a loopback or private address gets a warning and a way to set it.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { IpcError } from '../../api.js';
import { Button, Callout, ErrorCallout } from '../../components/ui.js';
import { useAccounts, useStores } from '../../stores/index.js';
import { Field } from '../SignInScreen.js';

export function isPrivateUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      host.endsWith('.local') ||
      host === '::1' ||
      /^127\./.test(host) ||
      /^10\./.test(host) ||
      /^192\.168\./.test(host) ||
      /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
      /^169\.254\./.test(host) ||
      /^f[cd][0-9a-f]{2}:/i.test(host) ||
      host === '0.0.0.0'
    );
  } catch {
    return false;
  }
}

export function PublicUrlSettings({ compact = false }: { compact?: boolean }) {
  const stores = useStores();
  const backend = useAccounts((s) => s.backend);
  useEffect(() => {
    if (!stores.accounts.getState().backend) void stores.accounts.getState().loadBackend();
  }, [stores]);
  if (!backend) return null;
  return compact ? <PublicUrlForm initial={backend.publicUrl ?? ''} compact /> : (
    <section className="panel" aria-labelledby="public-url-title">
      <h2 id="public-url-title" className="panel-title">
        Public address
      </h2>
      <p className="muted">
        Okta and Azure call your backend from the internet. Set the address they can reach it at (for example a reverse proxy or tunnel in front of
        this computer); the Endpoint Base URL of every connection is built from it.
      </p>
      <PublicUrlForm initial={backend.publicUrl ?? ''} />
    </section>
  );
}

export function PublicUrlForm({ initial, compact = false, onSaved }: { initial: string; compact?: boolean; onSaved?: () => void }) {
  const stores = useStores();
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [saved, setSaved] = useState(false);
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const result = await stores.accounts.getState().setPublicUrl(value);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setSaved(true);
    await stores.connections.getState().load();
    onSaved?.();
  };
  return (
    <form className={`form form-inline${compact ? ' form-compact' : ''}`} onSubmit={(e) => void submit(e)} noValidate>
      <Field id={`${id}-url`} label="Public URL" error={error?.field ? error.message : null}>
        <input id={`${id}-url`} type="url" value={value} onChange={(e) => setValue(e.target.value)} placeholder="https://scim.example.com" spellCheck={false} className="mono" />
      </Field>
      <Button type="submit" busy={busy} disabled={!value.trim() || value.trim() === initial}>
        Save public URL
      </Button>
      <div className="form-status" aria-live="polite">
        {saved ? <span className="ok-text">Saved. Endpoint Base URLs now use this address.</span> : null}
      </div>
      {error && !error.field ? <ErrorCallout error={error} /> : null}
      {!compact && value && isPrivateUrl(value) ? (
        <Callout tone="warn">This address is private: cloud directories cannot reach it.</Callout>
      ) : null}
    </form>
  );
}
