/**
 * The pool's org-status filters. "Member" and "Invited" are narrowed to the users the org's members
 * and invites point at before the status is worked out (server/domain/pool.ts), so these cases pin
 * down that the narrowing never changes the answer: links from another org, to another
 * connection's user, removed members, expired invites, a member who also has a pending invite, a
 * member the directory deactivated. "Deactivated" and the exact count of "Available" are answered
 * from indexes (the partial index of migration 007; Available as what the other statuses leave),
 * so they also pin down the plans of the statements `listPool` actually runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, sql, type Kysely, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { listPool } from '../../server/domain/pool.js';
import type { PoolQuery, PoolStatus } from '../../shared/api/pool.js';
import { isPostgresStore } from '../../server/store/postgres.js';
import type { Database } from '../../server/store/schema.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const NOW = '2026-06-01T12:00:00.000Z';
const LATER = '2026-06-08T12:00:00.000Z';
const EARLIER = '2026-05-25T12:00:00.000Z';

let server: TestServer;
let orgId: string;
let connectionId: string;
/** userName → SCIM id, in provisioning order. */
const users = new Map<string, string>();
let linkCount = 0;


async function member(org: string, scimUserId: string, status: 'active' | 'removed'): Promise<void> {
  const n = ++linkCount;
  await sql`insert into members (id, org_id, email, email_lower, display_name, role, status, scim_user_id, created_at, updated_at)
    values (${`member-${n}`}, ${org}, ${`m${n}@status.example`}, ${`m${n}@status.example`}, ${`Member ${n}`}, 'member', ${status}, ${scimUserId}, ${EARLIER}, ${EARLIER})`.execute(server.db);
}

async function invite(org: string, scimUserId: string, expiresAt: string): Promise<void> {
  const n = ++linkCount;
  await sql`insert into invites (id, org_id, email, email_lower, display_name, role, scim_user_id, code_hash, created_at, expires_at, status)
    values (${`invite-${n}`}, ${org}, ${`i${n}@status.example`}, ${`i${n}@status.example`}, ${`Invitee ${n}`}, 'member', ${scimUserId}, ${`hash-${n}`}, ${EARLIER}, ${expiresAt}, 'pending')`.execute(server.db);
}

const filtered = async (status: PoolStatus, pageSize = 50) => {
  const page = await listPool(server.db, orgId, connectionId, { status, page: 1, pageSize, countUpTo: 1000 }, NOW);
  return { userNames: page.items.map((e) => e.userName), total: page.total, statuses: [...new Set(page.items.map((e) => e.status))] };
};

beforeAll(async () => {
  server = await startTestServer();
  const connection = await server.createConnection({ org: 'Status Org' });
  connectionId = connection.connectionId;
  orgId = await server.orgIdOf(connectionId);
  const scim = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
  for (let i = 0; i < 10; i++) {
    const userName = `u${i}@status.example`;
    // u8 says nothing about `active` (stored as NULL): not deactivated. u9 is deleted below.
    const created = await scim.post('/Users', { schemas: [USER], userName, name: { givenName: 'User', familyName: `${i}` }, ...(i === 8 ? {} : { active: i !== 6 }) });
    expect(created.status).toBe(201);
    users.set(userName, created.body.id);
  }
  expect((await scim.delete(`/Users/${users.get('u9@status.example')}`)).status).toBe(204);
  const id = (i: number) => users.get(`u${i}@status.example`)!;
  const otherOrg = await server.orgIdOf((await server.createConnection({ org: 'Other Org' })).connectionId);
  const sameOrgConnection = await server.createConnection({ org: 'Status Org' });
  const elsewhere = await new ScimClient(sameOrgConnection.endpointBaseUrl, { secret: sameOrgConnection.authenticationSecret }).post('/Users', {
    schemas: [USER],
    userName: 'elsewhere@status.example',
  });
  expect(elsewhere.status).toBe(201);

  await member(orgId, id(0), 'active'); // member
  await invite(orgId, id(1), LATER); // invited
  await invite(orgId, id(2), EARLIER); // expired invite: available
  await member(otherOrg, id(3), 'active'); // another org's member: available here
  await invite(otherOrg, id(3), LATER); // and another org's invite
  await member(orgId, id(4), 'removed'); // removed member: available
  await member(orgId, id(5), 'active'); // member, also invited: member
  await invite(orgId, id(5), LATER);
  await member(orgId, id(6), 'active'); // deactivated in the directory: deactivated
  await member(orgId, elsewhere.body.id as string, 'active'); // another connection's user: not in this pool
  await invite(orgId, elsewhere.body.id as string, LATER);
});
afterAll(async () => server.close());

describe('pool status filters', () => {
  it('Member: the org’s active members linked to this connection’s active users, in provisioning order', async () => {
    expect(await filtered('member')).toEqual({ userNames: ['u0@status.example', 'u5@status.example'], total: 2, statuses: ['member'] });
  });

  it('Invited: pending, unexpired invites of this org, not people who are members already', async () => {
    expect(await filtered('invited')).toEqual({ userNames: ['u1@status.example'], total: 1, statuses: ['invited'] });
  });

  it('Available and Deactivated: everyone else, each exactly once; deactivated or deleted by the directory is Deactivated', async () => {
    const available = ['u2@status.example', 'u3@status.example', 'u4@status.example', 'u7@status.example', 'u8@status.example'];
    expect(await filtered('available')).toEqual({ userNames: available, total: 5, statuses: ['available'] });
    expect(await filtered('deactivated')).toEqual({ userNames: ['u6@status.example', 'u9@status.example'], total: 2, statuses: ['deactivated'] });
  });

  it('exact totals, counted (pages of one), equal the rows of each status, with and without a search', async () => {
    for (const search of [undefined, 'status.example', 'u8', 'nobody']) {
      const all = await listPool(server.db, orgId, connectionId, { search, page: 1, pageSize: 100 }, NOW);
      for (const status of ['available', 'deactivated', 'member', 'invited'] as const) {
        const expected = all.items.filter((e) => e.status === status).length;
        const counted = await listPool(server.db, orgId, connectionId, { search, status, page: 1, pageSize: 1 }, NOW);
        expect({ search, status, total: counted.total, totalExact: counted.totalExact }).toEqual({ search, status, total: expected, totalExact: true });
      }
    }
  });

  it('pages of a filter follow each other with no gap or repeat, and count exactly', async () => {
    const second = await listPool(server.db, orgId, connectionId, { status: 'member', page: 2, pageSize: 1, countUpTo: 1 }, NOW);
    expect(second.items.map((e) => e.userName)).toEqual(['u5@status.example']);
    const exact = await listPool(server.db, orgId, connectionId, { status: 'member', page: 1, pageSize: 1 }, NOW);
    expect({ total: exact.total, totalExact: exact.totalExact }).toEqual({ total: 2, totalExact: true });
  });
});

/** The statements `listPool` runs on scim_users for `query`, compiled as the store runs them. */
async function statementsOf(query: PoolQuery): Promise<CompiledQuery[]> {
  // Subqueries pass through transformQuery too; only what is executed comes back as a result.
  const built = new Map<QueryId, RootOperationNode>();
  const executed: CompiledQuery[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => (built.set(queryId, node), node),
    transformResult: async ({ result, queryId }) => (executed.push(server.db.getExecutor().compileQuery(built.get(queryId)!, queryId)), result),
  };
  await listPool(server.db.withPlugin(capture), orgId, connectionId, query, NOW);
  return executed.filter((c) => /scim_users/.test(c.sql));
}

/**
 * The plan of a statement, one line per step. On PostgreSQL, with sequential scans off: these test
 * tables are tiny, so a scan is always cheapest; what matters is that the index can answer.
 */
async function planOf(db: Kysely<Database>, statement: CompiledQuery): Promise<string[]> {
  if (!isPostgresStore(db)) {
    const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]));
    return plan.rows.map((r) => r.detail);
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]));
    return plan.rows.map((r) => r['QUERY PLAN'].trim());
  });
}

describe('pool status filters at scale: answered from indexes', () => {
  it('Deactivated: its page and its count read the partial index of deactivated and deleted users, not the connection’s users', async () => {
    const statements = await statementsOf({ status: 'deactivated', page: 1, pageSize: 1 });
    expect(statements).toHaveLength(2); // the page, and the exact count
    for (const statement of statements) {
      const plan = (await planOf(server.db, statement)).join('\n');
      expect(plan).toMatch(/scim_users_deactivated_seq/);
      if (isPostgresStore(server.db)) expect(plan).not.toMatch(/Seq Scan on scim_users/);
      else expect(plan).not.toMatch(/^(SCAN|SEARCH) u USING (INDEX|COVERING INDEX) (?!scim_users_deactivated_seq)\S+ \(connection_id=\?\)$/m);
    }
  });

  it('Available’s exact count works out no status per user: the connection’s users are only counted, from an index', async () => {
    const statements = await statementsOf({ status: 'available', page: 1, pageSize: 1 });
    expect(statements).toHaveLength(2);
    const plan = (await planOf(server.db, statements[1]!)).join('\n');
    expect(plan).toMatch(/scim_users_deactivated_seq/);
    if (isPostgresStore(server.db)) {
      expect(plan).not.toMatch(/Seq Scan on scim_users/);
    } else {
      // Every step over the whole connection reads an index alone (COVERING) or the partial index;
      // reading each user's row (INDEX … (connection_id=?)) is what evaluating a status needs.
      const wholeConnection = plan.split('\n').filter((line) => / u USING .*\(connection_id=\?\)$/.test(line));
      expect(wholeConnection.length).toBeGreaterThan(0);
      for (const line of wholeConnection) expect(line).toMatch(/USING COVERING INDEX|USING INDEX scim_users_deactivated_seq/);
    }
  });
});
