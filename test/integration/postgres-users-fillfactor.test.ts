/**
 * On PostgreSQL `scim_users` pages keep room for a row's next version (fillfactor 85, migration
 * 010), so a PUT that changes no indexed column (Okta's, with a new title) rewrites the row on its
 * own page as a HOT update instead of moving it and adding an entry to every index. With full
 * pages the new version had to go to another page. PostgreSQL only (the integration-pg project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { generatePeople } from '../idp/common.js';
import { OKTA_USER_AGENT, oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { isPostgresStore } from '../../server/store/postgres.js';

describe('PostgreSQL: a PUT that changes no indexed column stays on its page', () => {
  let server: TestServer;
  let client: ScimClient;
  const people = generatePeople(40);
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    if (!isPostgresStore(server.db)) throw new Error('postgres-users-fillfactor runs in the integration-pg project only (see vitest.config.ts)');
    const connection = await server.createConnection({ provider: 'okta' });
    client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret, userAgent: OKTA_USER_AGENT });
    // Enough users to fill the first pages as far as the table lets inserts fill them.
    for (const person of people) ids.push((await client.post('/Users', oktaCreateUserBody(oktaProfileOf(person)))).body.id as string);
  });
  afterAll(async () => {
    await server?.close();
  });

  const pageOf = async (id: string) => {
    const { rows } = await sql<{ ctid: string }>`select ctid::text as ctid from scim_users where id = ${id}`.execute(server.db);
    return rows[0]!.ctid.replace(/^\((\d+),\d+\)$/, '$1');
  };

  it('the first user, on a page filled by inserts, gets a new title in place', async () => {
    const id = ids[0]!;
    const before = await pageOf(id);
    const stored = (await client.get(`/Users/${id}`)).body as Record<string, unknown>;
    const { id: _id, meta: _meta, groups: _groups, ...resource } = stored;
    const put = await client.put(`/Users/${id}`, { ...resource, title: `${String(stored.title ?? 'Engineer')} and Team Lead of the Directory Synchronisation Working Group` });
    expect(put.status).toBe(200);
    expect(put.body.title).toMatch(/Team Lead/);
    expect(await pageOf(id)).toBe(before);
    expect((await client.get(`/Users/${id}`)).body.title).toMatch(/Team Lead/);
  });
});
