/**
 * Recognises the directory behind a SCIM request from what it sends, so admins can see which one
 * is connected. Okta's provisioning client sends "Okta SCIM Client"; Entra's sends a User-Agent
 * naming Microsoft or Azure AD provisioning. Unknown clients are simply not labelled.
 */
import type { DirectoryProvider } from '../../shared/scim/wire.js';

/** The one header the directory is recognised by (the hot read's fast path passes only this one). */
export const PROVIDER_HEADER = 'user-agent';

export function detectProvider(headers: Record<string, string | string[] | undefined>): DirectoryProvider | undefined {
  const userAgent = String(headers[PROVIDER_HEADER] ?? '');
  if (/okta/i.test(userAgent)) return 'okta';
  if (/(microsoft|azure|aad|entra)/i.test(userAgent)) return 'azure-ad';
  return undefined;
}
