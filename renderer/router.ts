/**
 * A small hash router: navigation follows the menu path (org menu → My Org → SSO → …) and lives in
 * the URL hash, not in a store, so it works under `app://` and `file://` alike.
 */
import { useSyncExternalStore } from 'react';

export type OrgTab = 'overview' | 'sso' | 'members' | 'audit';
export const ORG_TABS: readonly OrgTab[] = ['overview', 'members', 'sso', 'audit'];

export type Route =
  | { name: 'home' }
  | { name: 'signIn'; adding: boolean }
  | { name: 'myOrg'; tab: OrgTab }
  | { name: 'connect' }
  | { name: 'setup'; connectionId: string }
  | { name: 'pool'; connectionId: string }
  | { name: 'invite'; connectionId?: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (a === 'sign-in') return { name: 'signIn', adding: b === 'add' };
  if (a === 'my-org') {
    if (b === 'sso' && c === 'connect') return { name: 'connect' };
    if (b === 'sso' && c === 'setup' && d) return { name: 'setup', connectionId: d };
    if (b === 'sso' && c === 'pool' && d) return { name: 'pool', connectionId: d };
    if (b === 'members' && c === 'invite') return d ? { name: 'invite', connectionId: d } : { name: 'invite' };
    return { name: 'myOrg', tab: ORG_TABS.find((t) => t === b) ?? 'overview' };
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
    case 'pool':
      return `#/my-org/sso/pool/${encodeURIComponent(route.connectionId)}`;
    case 'invite':
      return route.connectionId ? `#/my-org/members/invite/${encodeURIComponent(route.connectionId)}` : '#/my-org/members/invite';
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
