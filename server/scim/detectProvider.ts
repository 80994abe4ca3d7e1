/**
 * Recognises the directory behind a SCIM request from what it sends, so admins can see which one
 * is connected. Okta's provisioning client sends "Okta SCIM Client"; Entra's sends a User-Agent
 * naming Microsoft or Azure AD provisioning. Unknown clients are simply not labelled.
 */
import type { DirectoryProvider } from '../../shared/scim/wire.js';

export function detectProvider(headers: Record<string, string | string[] | undefined>): DirectoryProvider | undefined {
  const userAgent = String(headers['user-agent'] ?? '');
  if (/okta/i.test(userAgent)) return 'okta';
  if (/(microsoft|azure|aad|entra)/i.test(userAgent)) return 'azure-ad';
  return undefined;
}
