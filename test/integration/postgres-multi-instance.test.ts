/**
 * Several backend instances on one PostgreSQL database, as behind a load balancer: two real
 * `server/cli.ts serve` processes with the same DATABASE_URL. A directory's deactivation sent to
 * one instance reaches an admin's live events on the other within a second (LISTEN/NOTIFY), and
 * the removed member's device token is refused by both. PostgreSQL only (the integration-pg
 * project): SQLite is one file for one backend.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../support/cliProcess.js';
import { createTestDatabase, databaseEnv, type TestDatabase } from '../support/testDatabase.js';
import { makeTempDir } from '../support/server.js';
import { AdminClient, expectStatus, redeem, type SignedIn } from '../support/adminClient.js';
import { subscribeEvents, type SseSubscription } from '../support/sse.js';
import { EntraSimulator } from '../idp/entra.js';
import { generatePeople } from '../idp/common.js';
import { openStore, type Store } from '../../server/store/database.js';
import { EventBus } from '../../server/domain/eventBus.js';
import { PostgresEventRelay } from '../../server/store/postgresEventRelay.js';
import type { LiveEvent } from '../../shared/api/events.js';
import type { InviteOutcome } from '../../shared/api/invites.js';
import type { PoolEntry } from '../../shared/api/pool.js';

const WITHIN_A_SECOND = 1000;

let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  const created = await createTestDatabase();
  if (!created) throw new Error('postgres-multi-instance runs in the integration-pg project only (see vitest.config.ts)');
  database = created;
  dataDir = makeTempDir('scim-multi-');
});
afterAll(async () => {
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('two backend processes on one PostgreSQL database', () => {
  let a: ServeProcess;
  let b: ServeProcess;
  let owner: SignedIn;
  let events: SseSubscription;

  beforeAll(async () => {
    const env = databaseEnv(database);
    [a, b] = await Promise.all([startServe({ dataDir, env }), startServe({ dataDir, env })]);
    const org = await runCli(['org', 'create', '--name', 'Scale Org', '--owner-email', 'owner@scale.example', '--json', '--data-dir', dataDir], { env });
    expect(org.code, org.stderr).toBe(0);
    owner = await redeem(a.baseUrl, JSON.parse(org.stdout).enrollmentCode, 'owner on instance A');
  });
  afterAll(async () => {
    events?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("a deactivation sent to instance A reaches an admin subscribed on B within a second; the member's token is refused by both", async () => {
    // The owner creates an Azure AD connection on A; Entra provisions a user through A.
    const connection = expectStatus(await owner.client.post('/connections', { provider: 'azure-ad', name: 'Entra' }), 201, 'POST /connections');
    const entra = new EntraSimulator({ endpointBaseUrl: connection.connection.endpointBaseUrl, secret: connection.authenticationSecret, record: false });
    const [person] = generatePeople(1, { seed: 6, domain: 'scale.example', externalIdStyle: 'entra' });
    const provisioned = await entra.provisionUser(person!);
    expect(provisioned.create?.status).toBe(201);

    // The owner invites the person from the pool on A; they redeem the invite on B.
    const pool = expectStatus(await owner.client.get(`/connections/${connection.connection.id}/pool`, { search: person!.userName }), 200, 'GET pool');
    const entry = (pool.items as PoolEntry[]).find((e) => e.userName === person!.userName)!;
    const invite = await owner.client.post('/invites/from-pool', { connectionId: connection.connection.id, poolEntryIds: [entry.id], role: 'member' });
    const [outcome] = (invite.body as { results: InviteOutcome[] }).results;
    expect(outcome?.outcome, invite.text).toBe('invited');
    const member = await redeem(b.baseUrl, outcome!.inviteCode!, "member's laptop, via instance B");
    for (const instance of [a, b]) {
      expect((await new AdminClient(instance.baseUrl, member.deviceToken).get('/session')).status).toBe(200);
    }

    // The owner's app is connected to B; the directory deactivates the person through A.
    events = await subscribeEvents(b.baseUrl, owner.deviceToken);
    const disabled = await entra.disable(provisioned.id!);
    const answeredAt = performance.now();
    expect(disabled.status).toBe(200);
    const removed = await events.next('member.removed', WITHIN_A_SECOND, (e) => e.data.memberId === member.member.id);
    expect(removed.receivedAt - answeredAt).toBeLessThan(WITHIN_A_SECOND);
    expect(removed.data).toMatchObject({ email: person!.email, by: { type: 'connection' } });

    for (const instance of [a, b]) {
      expect((await new AdminClient(instance.baseUrl, member.deviceToken).get('/session')).status).toBe(401);
    }
    // Heard once on B: the relay never echoes an instance's own events back to it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.collected('member.removed').filter((e) => e.data.memberId === member.member.id)).toHaveLength(1);
  });
});

describe('the LISTEN/NOTIFY relay', () => {
  let stores: Store[] = [];
  let relays: PostgresEventRelay[] = [];

  beforeAll(async () => {
    stores = await Promise.all([openStore(dataDir, database.url), openStore(dataDir, database.url)]);
  });
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.close()));
    await Promise.all(stores.map((s) => s.destroy()));
  });

  it('carries an event larger than NOTIFY’s 8000-byte limit whole, once, and not back to its sender', async () => {
    const buses = [new EventBus(), new EventBus()] as const;
    relays = await Promise.all(buses.map((bus, i) => PostgresEventRelay.start({ bus, db: stores[i]!, databaseUrl: database.url })));
    const heard: LiveEvent[][] = [[], []];
    buses.forEach((bus, i) => bus.subscribe('org-1', (event) => heard[i]!.push(event)));

    const poolEntryIds = Array.from({ length: 400 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const connectionId = '11111111-1111-4111-8111-111111111111';
    const big: LiveEvent = { type: 'pool.changed', connectionId, poolEntryIds };
    const small: LiveEvent = { type: 'connection.health', connectionId };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(8000);
    buses[0].publish('org-1', big);
    buses[0].publish('org-1', small);

    await expect.poll(() => heard[1]!.length, { timeout: WITHIN_A_SECOND }).toBe(2);
    expect(heard[1]).toEqual([big, small]);
    // The sender's own subscribers heard each event once, directly.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard[0]).toEqual([big, small]);
  });
});
