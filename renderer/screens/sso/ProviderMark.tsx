import type { DirectoryProvider } from '../../../shared/scim/wire.js';

/** A small badge standing for the directory (no vendor logos are bundled). */
export function ProviderMark({ provider, size = 'md' }: { provider: DirectoryProvider; size?: 'md' | 'lg' }) {
  const text = provider === 'okta' ? 'okta' : provider === 'azure-ad' ? 'Az' : 'SCIM';
  return (
    <span className={`pmark pmark-${provider} pmark-${size}`} aria-hidden="true">
      {text}
    </span>
  );
}
