/**
 * Okta import: `GET /Users?startIndex=k&count=100` over the whole directory ("Import Users",
 * test/idp/okta.ts). The clients share one page counter, so together they read every page once
 * per pass; passes repeat until the run has lasted at least `seconds` (a 1,000-user directory is
 * only 10 pages).
 */
import { OKTA_PAGE_SIZE, OKTA_USER_AGENT } from '../../../test/idp/okta.js';
import { bearer, scimPath, type Workload } from './workload.js';

export const oktaImport: Workload = {
  name: 'okta-import',
  title: 'Okta import',
  description: `GET /Users?startIndex=k&count=${OKTA_PAGE_SIZE} for every page of the directory (clients share the page counter); whole passes until the minimum duration.`,
  countsUsers: true,
  needs: 'directory',
  amountBound: true,
  create(target, limits) {
    const headers = bearer(target, OKTA_USER_AGENT);
    const pages = Math.ceil(target.users / OKTA_PAGE_SIZE);
    let next = 0;
    let imported = 0;
    const started = performance.now();
    return {
      users: () => imported,
      step: async (client) => {
        if (next >= pages) {
          if (performance.now() - started >= limits.seconds * 1000) return false;
          next = 0;
        }
        const page = next++;
        const response = await client.send({
          method: 'GET',
          path: scimPath(target, `/Users?startIndex=${page * OKTA_PAGE_SIZE + 1}&count=${OKTA_PAGE_SIZE}`),
          headers,
        });
        const items = /"itemsPerPage":(\d+)/.exec(response.text);
        if (response.status === 200 && items) imported += Number(items[1]);
        return true;
      },
    };
  },
};
