/**
 * A value the admin copies into the directory, with its copy button. The Authentication Secret is
 * masked and copied by main (`connections:copy`); the renderer only sees it after "Reveal".
 */
import { useId, useState } from 'react';
import type { ConnectionView } from '../../../shared/ipc.js';
import type { CopyValue } from '../../../shared/providers/index.js';
import type { IpcError } from '../../api.js';
import { useApi } from '../../api.js';
import { Button, CopyButton, Icon } from '../../components/ui.js';
import { useConnections, useStores } from '../../stores/index.js';

export const MASK = '••••••••';

export function ValueRow({ connection, value }: { connection: ConnectionView; value: CopyValue }) {
  const api = useApi();
  const stores = useStores();
  const id = useId();
  const revealed = useConnections((s) => s.revealed[connection.id]);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);

  if (value.kind === 'authenticationSecret') {
    const toggle = async () => {
      if (revealed !== undefined) return stores.connections.getState().hide(connection.id);
      setBusy(true);
      const result = await stores.connections.getState().reveal(connection.id);
      setBusy(false);
      setError(result.ok ? null : result.error);
    };
    return (
      <div className="value-row" data-value="authenticationSecret">
        <span className="kv-label" id={`${id}-label`}>
          {value.label}
        </span>
        {connection.secretAvailable ? (
          <>
            <code id={`${id}-value`} className={`mono value${revealed === undefined ? ' masked' : ''}`} aria-label={revealed === undefined ? `${value.label}, hidden` : undefined}>
              {revealed ?? MASK}
            </code>
            <div className="value-actions">
              <Button size="sm" variant="ghost" busy={busy} onClick={() => void toggle()} icon={<Icon name={revealed === undefined ? 'eye' : 'eye-off'} />} aria-label={`${revealed === undefined ? 'Reveal' : 'Hide'} ${value.label}`}>
                {revealed === undefined ? 'Reveal' : 'Hide'}
              </Button>
              <CopyButton
                label={value.label}
                describedBy={`${id}-label`}
                onCopy={async () => {
                  const result = await stores.connections.getState().copy(connection.id, 'authenticationSecret');
                  setError(result.ok ? null : result.error);
                  return result.ok;
                }}
              />
            </div>
          </>
        ) : (
          <p className="value muted small">
            Shown only while you set up the connection. To get a new one, use <strong>Reset secret</strong> in Connection settings.
          </p>
        )}
        {error ? (
          <p className="value-error error-text small" role="alert">
            {error.message}
            {error.fix ? ` ${error.fix}` : ''}
          </p>
        ) : null}
      </div>
    );
  }

  const text = value.kind === 'endpointBaseUrl' ? connection.endpointBaseUrl : value.value;
  return (
    <div className="value-row" data-value={value.kind === 'literal' ? value.value : value.kind}>
      <span className="kv-label" id={`${id}-label`}>
        {value.label}
      </span>
      <code id={`${id}-value`} className="mono value truncate" title={text}>
        {text}
      </code>
      <div className="value-actions">
        <CopyButton
          label={value.label}
          describedBy={`${id}-value`}
          onCopy={async () => {
            const result = await api.clipboard.copyText({ text });
            setError(result.ok ? null : result.error);
            return result.ok;
          }}
        />
      </div>
      {error ? (
        <p className="value-error error-text small" role="alert">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}
