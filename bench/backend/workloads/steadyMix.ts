/**
 * Steady mix, Okta's day-to-day traffic: 40 % filter lookups that hit (`userName eq`, Okta's
 * encoding), 25 % GET by id, 20 % PATCH active (Okta's path-less OIN form, alternating
 * deactivate / reactivate per user), 15 % full PUT of the user with a changed title (Okta's
 * "Push Profile Updates"). Writes avoid every tenth user, whom the deprovision wave owns.
 */
import { SCIM_ENTERPRISE_USER, SCIM_PATCH_OP, SCIM_USER } from '../../../shared/scim/urns.js';
import { oktaFilter, personAt, scimString, seededRandom } from '../../../test/idp/common.js';
import { OKTA_PAGE_SIZE, OKTA_USER_AGENT } from '../../../test/idp/okta.js';
import { DEPROVISION_EVERY } from './deprovisionWave.js';
import { bearer, scimPath, type Target, type Workload } from './workload.js';

const TITLES = ['Staff Engineer', 'Engineering Manager', 'Principal Analyst', 'Support Lead'];

/** The body Okta PUTs back: what GET returned, with the changed profile attribute ([OKTA-REF] "Update a specific User (PUT)"). */
function oktaPutBody(target: Target, index: number, active: boolean, title: string): string {
  const person = personAt(index, target.people);
  return JSON.stringify({
    schemas: [SCIM_USER, SCIM_ENTERPRISE_USER],
    id: target.ids[index],
    userName: person.userName,
    name: { givenName: person.givenName, familyName: person.familyName },
    emails: [{ primary: true, value: person.email, type: 'work', display: person.email }],
    displayName: person.displayName,
    locale: person.locale,
    title,
    externalId: person.externalId,
    groups: [],
    active,
    [SCIM_ENTERPRISE_USER]: { department: person.department },
    meta: { resourceType: 'User' },
  });
}

export const steadyMix: Workload = {
  name: 'steady-mix',
  title: 'Steady mix',
  description: '40 % userName filter lookups that hit, 25 % GET by id, 20 % PATCH active, 15 % full PUT (Okta).',
  countsUsers: false,
  needs: 'directory',
  amountBound: false,
  create(target) {
    const headers = bearer(target, OKTA_USER_AGENT);
    const rngs = new Map<number, () => number>();
    /** Users the mix deactivated; the next PATCH or PUT of them reactivates. */
    const inactive = new Set<number>();
    const anyUser = (rng: () => number) => Math.floor(rng() * target.users);
    const writableUser = (rng: () => number) => {
      const i = anyUser(rng);
      return i % DEPROVISION_EVERY === 0 ? (i + 1) % target.users : i;
    };
    return {
      users: () => 0,
      step: async (client) => {
        let rng = rngs.get(client.index);
        if (!rng) rngs.set(client.index, (rng = seededRandom(9000 + client.index)));
        const roll = rng();
        if (roll < 0.4) {
          const person = personAt(anyUser(rng), target.people);
          await client.send({
            method: 'GET',
            path: scimPath(target, `/Users?${oktaFilter(`userName eq ${scimString(person.userName)}`)}&startIndex=1&count=${OKTA_PAGE_SIZE}`),
            headers,
          });
        } else if (roll < 0.65) {
          await client.send({ method: 'GET', path: scimPath(target, `/Users/${target.ids[anyUser(rng)]}`), headers });
        } else if (roll < 0.85) {
          const index = writableUser(rng);
          const active = inactive.has(index);
          if (active) inactive.delete(index);
          else inactive.add(index);
          const body = JSON.stringify({ schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });
          await client.send({ method: 'PATCH', path: scimPath(target, `/Users/${target.ids[index]}`), headers, body });
        } else {
          const index = writableUser(rng);
          const active = !inactive.has(index);
          const body = oktaPutBody(target, index, active, TITLES[Math.floor(rng() * TITLES.length)]!);
          await client.send({ method: 'PUT', path: scimPath(target, `/Users/${target.ids[index]}`), headers, body });
        }
        return true;
      },
    };
  },
};
