/**
 * Deprovision wave: Entra disables every tenth seeded user (`PATCH active "False"`, its default
 * dialect, test/idp/entra.ts `disable`). Half of them (every 20th user) are linked to org members,
 * so their member is removed, their device token revoked and the removal audited in the same
 * transaction. Every user once.
 */
import { SCIM_PATCH_OP } from '../../../shared/scim/urns.js';
import { ENTRA_USER_AGENT } from '../../../test/idp/entra.js';
import { bearer, scimPath, type Workload } from './workload.js';

export const DEPROVISION_EVERY = 10;

const DISABLE_BODY = JSON.stringify({ schemas: [SCIM_PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });

export const deprovisionWave: Workload = {
  name: 'deprovision-wave',
  title: 'Deprovision wave',
  description: `PATCH active "False" (Entra) for every ${DEPROVISION_EVERY}th user; half of them are linked to org members, who are removed and whose tokens are revoked.`,
  countsUsers: true,
  needs: 'directory',
  amountBound: true,
  create(target) {
    const headers = bearer(target, ENTRA_USER_AGENT);
    const wave = target.ids.filter((_, i) => i % DEPROVISION_EVERY === 0);
    let next = 0;
    let done = 0;
    return {
      users: () => done,
      step: async (client) => {
        const id = wave[next++];
        if (id === undefined) return false;
        const response = await client.send({ method: 'PATCH', path: scimPath(target, `/Users/${id}`), headers, body: DISABLE_BODY });
        if (response.status === 200) done++;
        return true;
      },
    };
  },
};
