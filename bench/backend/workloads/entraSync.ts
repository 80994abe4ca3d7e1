/**
 * Entra initial sync: for each assigned user, `GET /Users?filter=userName eq "…"` (no match yet)
 * then `POST /Users` with Entra's full Create User body (core, enterprise extension, emails,
 * phones, addresses: `entraCreateUserBody` in test/idp/entra.ts). The clients share the person
 * counter, so the run provisions exactly `limits.users` people into an empty connection.
 */
import { entraFilter, personAt, scimString } from '../../../test/idp/common.js';
import { ENTRA_USER_AGENT, entraCreateUserBody } from '../../../test/idp/entra.js';
import { bearer, scimPath, type Workload } from './workload.js';

export const entraSync: Workload = {
  name: 'entra-sync',
  title: 'Entra initial sync',
  description: 'Per user: GET /Users?filter=userName eq "…" (no match), then POST /Users with a full Entra body; every user once.',
  countsUsers: true,
  needs: 'empty',
  amountBound: true,
  create(target, limits) {
    const headers = bearer(target, ENTRA_USER_AGENT);
    let next = 0;
    let created = 0;
    return {
      users: () => created,
      step: async (client) => {
        const index = next++;
        if (index >= limits.users) return false;
        const person = personAt(index, target.people);
        const lookup = await client.send({
          method: 'GET',
          path: scimPath(target, `/Users?${entraFilter(`userName eq ${scimString(person.userName)}`)}`),
          headers,
        });
        if (lookup.status !== 200 || !lookup.text.includes('"totalResults":0')) return true;
        const create = await client.send({ method: 'POST', path: scimPath(target, '/Users'), headers, body: JSON.stringify(entraCreateUserBody(person)) });
        if (create.status === 201) created++;
        return true;
      },
    };
  },
};
