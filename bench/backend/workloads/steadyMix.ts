/**
 * Steady mix, a directory's day-to-day traffic: the calls of test/support/steadyMix.ts (40 %
 * userName filter lookups that hit, 25 % GET by id, 20 % PATCH active, 15 % Okta full PUT of the
 * user with a changed title), the same generator the soak test sends. Here the user is chosen by
 * index over the seeded directory, and writes avoid every tenth user, whom the deprovision wave owns.
 */
import { personAt, seededRandom } from '../../../test/idp/common.js';
import { OKTA_USER_AGENT } from '../../../test/idp/okta.js';
import { drawSteadyMixKind, steadyMixCallOf } from '../../../test/support/steadyMix.js';
import { DEPROVISION_EVERY } from './deprovisionWave.js';
import { bearer, scimPath, type Workload } from './workload.js';

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
        const kind = drawSteadyMixKind(rng);
        const index = kind === 'patchActive' || kind === 'oktaPut' ? writableUser(rng) : anyUser(rng);
        const call = steadyMixCallOf(kind, { person: personAt(index, target.people), id: target.ids[index]! }, rng);
        await client.send({
          method: call.method,
          path: scimPath(target, call.path),
          headers,
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
        });
        return true;
      },
    };
  },
};
