/**
 * The steady mix of issue #6: a directory's day-to-day traffic once the initial sync is done —
 * 40 % filter lookups that hit, 25 % GET by id, 20 % PATCH active, 15 % Okta full PUT. Calls are
 * drawn one at a time from a seeded random source, so a run is reproducible.
 *
 * Transport-free on purpose: a call says the method, the path under the Endpoint Base URL, the
 * JSON body, the status the server must answer and how to check the answer's body, so the fault
 * tests (ScimClient over fetch) and the backend benchmarks (their own load generator) send the
 * same traffic and judge it the same way.
 */
import { SCIM_PATCH_OP } from '../../shared/scim/urns.js';
import { entraFilter, pick, scimString, type Person } from '../idp/common.js';
import { oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';

export type SteadyMixKind = 'filterHit' | 'getById' | 'patchActive' | 'oktaPut';

/** Percent of calls of each kind. */
export const STEADY_MIX_SHARES: Readonly<Record<SteadyMixKind, number>> = { filterHit: 40, getById: 25, patchActive: 20, oktaPut: 15 };

/** A directory user the server already holds: who it is and the SCIM id the server gave it. */
export interface DirectoryUser {
  person: Person;
  id: string;
}

export interface SteadyMixCall {
  kind: SteadyMixKind;
  method: 'GET' | 'PATCH' | 'PUT';
  /** Path and query under the connection's Endpoint Base URL, e.g. `/Users/<id>`. */
  path: string;
  body?: Record<string, unknown>;
  expectedStatus: number;
  /** What is wrong with the parsed response body, or undefined when it is what the call expects. */
  check(body: any): string | undefined;
}

const TITLES = ['Staff Engineer', 'Team Lead', 'Principal Designer', 'Account Manager', 'Analyst II'] as const;

/** Which kind of call comes next, by the shares above. */
export function drawSteadyMixKind(rng: () => number): SteadyMixKind {
  let roll = rng() * 100;
  for (const [kind, share] of Object.entries(STEADY_MIX_SHARES) as Array<[SteadyMixKind, number]>) {
    if (roll < share) return kind;
    roll -= share;
  }
  return 'filterHit';
}

/** Okta's PUT after its GET: the whole user as Okta maps it, with the id, one attribute changed. */
function oktaPutBody(user: DirectoryUser, title: string): Record<string, unknown> {
  // Okta never sends back a password it did not change; its PUT carries the mapped profile.
  const { password: _password, ...profile } = oktaProfileOf(user.person);
  return { ...oktaCreateUserBody({ ...profile, title }), id: user.id };
}

/** The next call of the steady mix against `users` (at least one). */
export function steadyMixCall(rng: () => number, users: readonly DirectoryUser[]): SteadyMixCall {
  const user = pick(rng, users);
  return steadyMixCallOf(drawSteadyMixKind(rng), user, rng);
}

/** A call of the given kind about `user` (a caller that chooses the user itself, e.g. by kind). */
export function steadyMixCallOf(kind: SteadyMixKind, user: DirectoryUser, rng: () => number): SteadyMixCall {
  const userPath = `/Users/${encodeURIComponent(user.id)}`;
  switch (kind) {
    case 'filterHit':
      return {
        kind,
        method: 'GET',
        path: `/Users?${entraFilter(`userName eq ${scimString(user.person.userName)}`)}`,
        expectedStatus: 200,
        check: (body) =>
          body?.totalResults === 1 && body.Resources?.[0]?.id === user.id ? undefined : `filter on ${user.person.userName} did not find exactly ${user.id}`,
      };
    case 'getById':
      return { kind, method: 'GET', path: userPath, expectedStatus: 200, check: (body) => (body?.id === user.id ? undefined : `GET ${user.id} returned ${body?.id}`) };
    case 'patchActive': {
      const active = rng() < 0.5;
      return {
        kind,
        method: 'PATCH',
        path: userPath,
        body: { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: active }] },
        expectedStatus: 200,
        check: (body) => (body?.active === active ? undefined : `PATCH active=${active} answered active=${body?.active}`),
      };
    }
    case 'oktaPut': {
      const title = pick(rng, TITLES);
      return {
        kind,
        method: 'PUT',
        path: userPath,
        body: oktaPutBody(user, title),
        expectedStatus: 200,
        check: (body) => (body?.title === title && body.id === user.id ? undefined : `PUT title=${title} answered title=${body?.title}`),
      };
    }
  }
}
