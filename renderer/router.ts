/**
 * A small hash router: navigation follows the menu path (org menu → My Org → SSO → …) and lives in
 * the URL hash, not in a store, so it works under `app://` and `file://` alike.
 */
import { useSyncExternalStore } from 'react';

export type OrgTab = 'overview' | 'sso';

export type Route =
  | { name: 'home' }
  | { name: 'signIn'; adding: boolean }
  | { name: 'myOrg'; tab: OrgTab }
  | { name: 'connect' }
  | { name: 'setup'; connectionId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (a === 'sign-in') return { name: 'signIn', adding: b === 'add' };
  if (a === 'my-org') {
    if (b === 'sso' && c === 'connect') return { name: 'connect' };
    if (b === 'sso' && c === 'setup' && d) return { name: 'setup', connectionId: d };
    return { name: 'myOrg', tab: b === 'sso' ? 'sso' : 'overview' };
  }
  return { name: 'home' };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'signIn':
      return route.adding ? '#/sign-in/add' : '#/sign-in';
    case 'myOrg':
      return `#/my-org/${route.tab}`;
    case 'connect':
      return '#/my-org/sso/connect';
    case 'setup':
      return `#/my-org/sso/setup/${encodeURIComponent(route.connectionId)}`;
  }
}

export function navigate(route: Route): void {
  const href = hrefOf(route);
  if (window.location.hash !== href) window.location.hash = href;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
