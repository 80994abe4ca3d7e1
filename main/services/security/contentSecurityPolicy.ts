/**
 * The Content-Security-Policy of every `app://` response. The renderer is a static Vite build: its
 * scripts and style sheets are files on the app origin, it loads no remote content and makes no
 * network requests (everything goes through IPC to main), so almost everything is 'none'.
 *
 * Scripts are strictly 'self'. Styles allow 'unsafe-inline' in the app (`APP_CSP`): Radix
 * Dialog's scroll lock injects a `<style>` element, and blocking it leaves the page behind a dialog
 * scrollable and logs a violation on every open. Inline styles cannot run code, so the trade is
 * small; `renderer/index.html` carries the same policy (a test keeps them equal).
 */
export interface CspOptions {
  allowInlineStyles?: boolean;
}

export function contentSecurityPolicyDirectives(options: CspOptions = {}): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': options.allowInlineStyles ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'none'"],
    'media-src': ["'none'"],
    'worker-src': ["'none'"],
    'manifest-src': ["'none'"],
    'frame-src': ["'none'"],
    'child-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
  };
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  return Object.entries(contentSecurityPolicyDirectives(options))
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy every `app://` response carries. */
export const APP_CSP = contentSecurityPolicy({ allowInlineStyles: true });
