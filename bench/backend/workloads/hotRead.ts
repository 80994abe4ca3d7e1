/** Hot read: GET /Users/{id} of random seeded users, as directories do before every update. */
import { seededRandom } from '../../../test/idp/common.js';
import { OKTA_USER_AGENT } from '../../../test/idp/okta.js';
import { bearer, scimPath, type Workload } from './workload.js';

export const hotRead: Workload = {
  name: 'hot-read',
  title: 'Hot read',
  description: 'GET /Users/{id} of a random seeded user.',
  countsUsers: false,
  needs: 'directory',
  amountBound: false,
  create(target) {
    const headers = bearer(target, OKTA_USER_AGENT);
    const rngs = new Map<number, () => number>();
    return {
      users: () => 0,
      step: async (client) => {
        let rng = rngs.get(client.index);
        if (!rng) rngs.set(client.index, (rng = seededRandom(7000 + client.index)));
        const id = target.ids[Math.floor(rng() * target.ids.length)]!;
        await client.send({ method: 'GET', path: scimPath(target, `/Users/${id}`), headers });
        return true;
      },
    };
  },
};
