/**
 * Concurrent writes: the database, not a check-then-insert race, decides uniqueness, parallel
 * PATCHes to one resource are all applied (none lost, each counted in the version), and two
 * owners stepping down at once cannot leave the org without one (a write skew that SQLite's one
 * writer at a time and PostgreSQL's SERIALIZABLE transactions both prevent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient, filterQuery } from '../support/scimClient.js';
import type { ConnectionWithSecret } from '../../server/domain/connections.js';
import { expectStatus, redeem, signInOwner } from '../support/adminClient.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM concurrency', () => {
  let server: TestServer;
  let connection: ConnectionWithSecret;
  let client: ScimClient;

  beforeAll(async () => {
    server = await startTestServer();
    connection = await server.createConnection();
    client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The live (not deleted) rows with this userName, ignoring case. */
  async function rowsNamed(userName: string) {
    return server.db
      .selectFrom('scim_users')
      .select(['id', 'user_name'])
      .where('connection_id', '=', connection.connectionId)
      .where('user_name_lower', '=', userName.toLowerCase())
      .where('deleted_at', 'is', null) // a DELETE keeps the row, marked deleted
      .execute();
  }

  function expectOneCreatedRestConflict(responses: { status: number; body: any; text: string }[]) {
    const created = responses.filter((r) => r.status === 201);
    const conflicts = responses.filter((r) => r.status === 409);
    const other = responses.filter((r) => r.status !== 201 && r.status !== 409);
    expect(other.map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(responses.length - 1);
    for (const conflict of conflicts) {
      expect(conflict.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    }
    return created[0]!;
  }

  it('50 parallel POSTs of one userName: exactly one 201, 49 × 409 uniqueness, one row', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => client.post('/Users', { schemas: [USER], userName: 'race@example.com', active: true })),
    );
    const winner = expectOneCreatedRestConflict(responses);
    expect(winner.body.userName).toBe('race@example.com');
    expect(await rowsNamed('race@example.com')).toHaveLength(1);
    const listed = await client.get(`/Users?${filterQuery('userName eq "race@example.com"')}`);
    expect(listed.body.totalResults).toBe(1);
  });

  it('50 parallel POSTs of one userName in differing case: exactly one 201, 49 × 409, one row', async () => {
    const variants = ['case@example.com', 'CASE@example.com', 'Case@Example.com', 'cAsE@eXaMpLe.CoM', 'CASE@EXAMPLE.COM'];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.post('/Users', { schemas: [USER], userName: variants[i % variants.length] })),
    );
    expectOneCreatedRestConflict(responses);
    expect(await rowsNamed('case@example.com')).toHaveLength(1);
  });

  it('20 parallel POSTs of one group displayName: exactly one 201, the rest 409 uniqueness', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.post('/Groups', { schemas: [GROUP], displayName: i % 2 ? 'Racers' : 'RACERS' })),
    );
    expectOneCreatedRestConflict(responses);
  });

  it('20 parallel DELETEs of one user: exactly one 204, the rest 404', async () => {
    const created = await client.post('/Users', { schemas: [USER], userName: 'deleted-once@example.com' });
    expect(created.status).toBe(201);
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.delete(`/Users/${created.body.id}`)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([204, ...Array(19).fill(404)]);
    expect(await rowsNamed('deleted-once@example.com')).toHaveLength(0);
  });

  it('parallel POSTs of distinct users all succeed', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.post('/Users', { schemas: [USER], userName: `distinct-${i}@example.com` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(40);
  });

  it('duplicates among a burst of new users get 409 and take none of the others down with them', async () => {
    // On SQLite the burst's transactions share commits (store/sqliteGroupCommit.ts); a refused one must fail alone.
    expect((await client.post('/Users', { schemas: [USER], userName: 'existing@example.com' })).status).toBe(201);
    const userNames = Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? 'EXISTING@example.com' : `burst-mate-${i}@example.com`));
    const responses = await Promise.all(userNames.map((userName) => client.post('/Users', { schemas: [USER], userName })));
    const expected = userNames.map((userName) => (userName.startsWith('EXISTING') ? 409 : 201));
    expect(responses.map((r) => r.status)).toEqual(expected);
    for (const [i, response] of responses.entries()) {
      if (expected[i] === 201) expect(await rowsNamed(userNames[i]!)).toHaveLength(1);
      else expect(response.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    }
    expect(await rowsNamed('existing@example.com')).toHaveLength(1);
  });

  it('parallel PATCHes to one user all succeed and the version counts every one', async () => {
    const created = await client.post('/Users', { schemas: [USER], userName: 'patched@example.com', displayName: 'v0' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.meta.version).toBe('W/"1"');
    const n = 30;
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.patch(`/Users/${id}`, {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'replace', path: 'displayName', value: `v${i + 1}` },
            { op: 'add', path: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`, value: String(i + 1) },
          ],
        }),
      ),
    );
    expect(responses.map((r) => (r.status === 200 ? 200 : `${r.status} ${r.text}`))).toEqual(Array(n).fill(200));
    const versions = responses.map((r) => r.body.meta.version as string).sort();
    // Each PATCH saw a distinct version: none read a stale resource and overwrote another's change.
    expect(new Set(versions).size).toBe(n);
    const final = await client.get(`/Users/${id}`);
    expect(final.body.meta.version).toBe(`W/"${n + 1}"`);
    const row = await server.db.selectFrom('scim_users').select(['version', 'display_name']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.version).toBe(n + 1);
    // The last one applied wins, consistently in the column and the resource.
    expect(row.display_name).toBe(final.body.displayName);
  });

  it('parallel PATCHes adding different members to one group keep every member', async () => {
    const users = await Promise.all(
      Array.from({ length: 25 }, (_, i) => client.post('/Users', { schemas: [USER], userName: `member-${i}@example.com` })),
    );
    expect(users.map((u) => u.status)).toEqual(Array(25).fill(201));
    const group = await client.post('/Groups', { schemas: [GROUP], displayName: 'Parallel' });
    expect(group.status).toBe(201);
    const responses = await Promise.all(
      users.map((u) =>
        client.patch(`/Groups/${group.body.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'add', path: 'members', value: [{ value: u.body.id }] }],
        }),
      ),
    );
    expect(responses.map((r) => (r.status === 200 || r.status === 204 ? 'ok' : `${r.status} ${r.text}`))).toEqual(Array(25).fill('ok'));
    const final = await client.get(`/Groups/${group.body.id}`);
    expect(new Set(final.body.members.map((m: any) => m.value))).toEqual(new Set(users.map((u) => u.body.id)));
    expect(final.body.meta.version).toBe(`W/"${25 + 1}"`);
  });

  it('two owners stepping down at once: one succeeds, the other is refused as the last owner, every time', async () => {
    const first = await signInOwner(server, 'Owners Org', 'first@owners.example');
    const invited = expectStatus(await first.client.post('/invites', { email: 'second@owners.example', name: 'Second', role: 'admin' }), 200, 'POST /invites');
    const second = await redeem(server.baseUrl, invited.results[0].inviteCode);
    for (let round = 0; round < 10; round++) {
      expectStatus(await first.client.patch(`/members/${second.member.id}`, { role: 'owner' }), 200, 'promote');
      const [a, b] = await Promise.all([
        first.client.patch(`/members/${first.member.id}`, { role: 'admin' }),
        second.client.patch(`/members/${second.member.id}`, { role: 'admin' }),
      ]);
      expect([a.status, b.status].sort(), `round ${round}: ${a.text} / ${b.text}`).toEqual([200, 409]);
      const owners = await server.db.selectFrom('members').select('id').where('org_id', '=', first.orgId).where('role', '=', 'owner').where('status', '=', 'active').execute();
      expect(owners).toHaveLength(1);
      if (a.status === 200) {
        // The second one is the owner now: hand back, so every round starts from the same state.
        expectStatus(await second.client.patch(`/members/${first.member.id}`, { role: 'owner' }), 200, 'hand back');
        expectStatus(await second.client.patch(`/members/${second.member.id}`, { role: 'admin' }), 200, 'step down');
      }
    }
  });
});
