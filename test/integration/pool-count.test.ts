/**
 * Pool totals over the admin API (real HTTP): exact by default; counted only up to `countUpTo`
 * when the caller asks (the desktop app does for each keystroke, so a one-letter search in a
 * 100,000-person directory is not a count of everyone), with `totalExact` saying which; and a
 * short page is known to be the last one, so its total needs no count at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { AdminClient } from '../support/adminClient.js';
import { createOrgWithOwner } from '../../server/domain/orgs.js';
import { isPostgresStore } from '../../server/store/postgres.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { generatePeople } from '../idp/common.js';

let server: TestServer;
let admin: AdminClient;
let connectionId: string;
const PEOPLE = 30;

beforeAll(async () => {
  server = await startTestServer();
  const created = await createOrgWithOwner(server.db, { name: 'Count Org', ownerEmail: 'owner@count.example' });
  const redeemed = await new AdminClient(server.baseUrl).request('POST', '/session/redeem', { code: created.enrollmentCode });
  expect(redeemed.status).toBe(201);
  admin = new AdminClient(server.baseUrl, redeemed.body.deviceToken);
  const connection = await server.createConnection({ org: 'Count Org', provider: 'okta' });
  connectionId = connection.connectionId;
  const okta = new OktaSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret });
  for (const person of generatePeople(PEOPLE, { seed: 7, prefix: 'count.' })) {
    expect((await okta.createUser(oktaProfileOf(person))).status).toBe(201);
  }
});
afterAll(async () => server.close());

const pool = (query: Record<string, string | number>) => admin.request('GET', `/connections/${connectionId}/pool`, undefined, { query });

describe('pool totals', () => {
  it('are exact unless the caller caps the count', async () => {
    expect((await pool({ pageSize: 5 })).body).toMatchObject({ total: PEOPLE, totalExact: true });
    expect((await pool({ pageSize: 5, countUpTo: 100 })).body).toMatchObject({ total: PEOPLE, totalExact: true });
  });

  it('say "at least" when the count stopped at countUpTo, and the page is still full', async () => {
    const capped = await pool({ pageSize: 5, countUpTo: 10 });
    expect(capped.status).toBe(200);
    expect(capped.body).toMatchObject({ total: 10, totalExact: false });
    expect(capped.body.items).toHaveLength(5);
    // Past the cap, the total is at least as many as the pages so far hold.
    expect((await pool({ page: 3, pageSize: 8, countUpTo: 5 })).body).toMatchObject({ total: 24, totalExact: false });
  });

  it('come from a short page without counting: it is the last one', async () => {
    // One person matches: page 1 is short, so the total is exact even with a count of at most 1.
    const one = await pool({ search: '.0@example.com', countUpTo: 1 });
    expect(one.body).toMatchObject({ total: 1, totalExact: true });
    expect((await pool({ page: 4, pageSize: 8, countUpTo: 1 })).body).toMatchObject({ total: PEOPLE, totalExact: true });
    expect((await pool({ page: 5, pageSize: 8, countUpTo: 1 })).body).toMatchObject({ total: 1, totalExact: false, items: [] });
    expect((await pool({ page: 5, pageSize: 8 })).body).toMatchObject({ total: PEOPLE, totalExact: true, items: [] });
  });

  it('refuse a countUpTo that is not a positive whole number, naming the field', async () => {
    for (const countUpTo of ['0', '-3', 'many', '1.5']) {
      const response = await pool({ countUpTo });
      expect(response.status, countUpTo).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_request', field: 'countUpTo' });
    }
  });

  it('SQLite: a short search pages through the covering index, not the table rows', async () => {
    if (isPostgresStore(server.db)) return; // PostgreSQL answers every search from its pg_trgm index.
    const plan = await sql<{ detail: string }>`explain query plan
      select u.id, u.resource from scim_users u where u.connection_id = ${connectionId} and u.search_text like ${'%zq%'} escape '\\'
      order by u.seq limit 200`.execute(server.db);
    expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/USING INDEX scim_users_connection_seq_search/);
  });
});
