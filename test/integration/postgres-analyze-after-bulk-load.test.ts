/**
 * A directory filling a fresh PostgreSQL table (an initial sync) gets statistics from the store's
 * own ANALYZE (server/store/postgresAnalyzeAfterBulkLoad.ts), not a minute later from autovacuum:
 * before them the planner read Entra's userName lookup through the connection's live rows instead
 * of the unique userName index, one heap row per user already created. PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient, filterQuery } from '../support/scimClient.js';
import { generatePeople } from '../idp/common.js';
import { ENTRA_USER_AGENT, entraCreateUserBody } from '../idp/entra.js';
import { isPostgresStore } from '../../server/store/postgres.js';

describe('PostgreSQL: an initial sync into an empty table', () => {
  let server: TestServer;
  let client: ScimClient;
  let connectionId: string;
  const people = generatePeople(600);

  beforeAll(async () => {
    server = await startTestServer();
    if (!isPostgresStore(server.db)) throw new Error('postgres-analyze-after-bulk-load runs in the integration-pg project only (see vitest.config.ts)');
    // What a new deployment's table looks like to the planner once autovacuum has seen it empty.
    await sql`vacuum analyze scim_users`.execute(server.db);
    const connection = await server.createConnection({ provider: 'azure-ad' });
    connectionId = connection.connectionId;
    client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret, userAgent: ENTRA_USER_AGENT });
  });
  afterAll(async () => {
    await server?.close();
  });

  const statistics = async () =>
    Number((await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'scim_users'`.execute(server.db)).rows[0]!.reltuples);

  it('after 500 creates the users have statistics (≈ 500 rows) and the userName lookup reads the unique index', async () => {
    expect(await statistics()).toBe(0);
    // Entra's step, eight at a time: the lookup that finds nobody, then the create.
    for (let i = 0; i < people.length; i += 8) {
      await Promise.all(
        people.slice(i, i + 8).map(async (person) => {
          expect((await client.get(`/Users?${filterQuery(`userName eq "${person.userName}"`)}`)).body.totalResults).toBe(0);
          expect((await client.post('/Users', entraCreateUserBody(person))).status).toBe(201);
        }),
      );
    }
    await expect.poll(statistics, { timeout: 10_000 }).toBeGreaterThan(400);
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from scim_users where connection_id = ${connectionId} and user_name_lower = ${'nobody@example.com'} and deleted_at is null`.execute(server.db);
    const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('scim_users_user_name');
    // And the lookup still finds who was created.
    const found = await client.get(`/Users?${filterQuery(`userName eq "${people[599]!.userName}"`)}`);
    expect(found.body.totalResults).toBe(1);
  });
});
