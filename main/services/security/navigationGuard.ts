/**
 * The window shows the app origin and nothing else: a navigation anywhere else is refused, and
 * so is every `window.open` (external links go through `links:open` and the allowlist instead).
 */
import { isAppUrl } from './appProtocol.js';

export type NavigationDecision = { allow: true } | { allow: false; reason: string };

/** For `will-navigate`, `will-redirect` and `will-frame-navigate`: only `app://scim-directory-sync/…`. */
export function decideNavigation(url: string): NavigationDecision {
  if (isAppUrl(url)) return { allow: true };
  return { allow: false, reason: `navigation to ${describeUrl(url)} is not allowed; the app shows only its own pages` };
}

/** For `setWindowOpenHandler`: never a new window, whatever the URL. */
export function decideWindowOpen(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/** For `setPermissionRequestHandler` / `setPermissionCheckHandler`: the app needs no permission. */
export function decidePermission(_permission: string): boolean {
  return false;
}

/** For logs: the scheme and host only, never a path or query that might carry a secret. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : parsed.protocol;
  } catch {
    return 'an invalid URL';
  }
}
