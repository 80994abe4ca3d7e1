/**
 * On PostgreSQL an unfiltered list page reuses the total and page ends an earlier page learned
 * while the database snapshot is the same (server/store/postgresListPage.ts). These races are the
 * ones a weaker stamp would miss: a transaction that was in progress when the memo was made and
 * commits after a later one (so the newest committed transaction id does not move), and reads
 * inside a transaction that wrote rows of its own. Each page must equal what COUNT + OFFSET gives
 * at that moment. PostgreSQL only (the integration-pg project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { openStore, type Store } from '../../server/store/database.js';
import { listResources } from '../../server/store/scimResources.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('PostgreSQL list pages against concurrent transactions', () => {
  let server: TestServer;
  let store: Store;
  let connectionId: string;
  const ids: string[] = [];
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    if (!server.databaseUrl) throw new Error('postgres-list-snapshot runs in the integration-pg project only (see vitest.config.ts)');
    const connection = await server.createConnection();
    connectionId = connection.connectionId;
    const client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    for (let i = 0; i < 30; i++) {
      const created = await client.post('/Users', { schemas: [USER], userName: `snap${i}@example.com`, active: true });
      expect(created.status).toBe(201);
      ids.push(created.body.id as string);
    }
    store = await openStore(server.dataDir, server.databaseUrl);
  });
  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    await store?.destroy();
    await server?.close();
  });

  async function session(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    clients.push(client);
    return client;
  }

  async function page(offset: number, db: Store = store) {
    const { total, rows } = await listResources(db, 'scim_users', { connectionId, offset, limit: 10 });
    return { total, ids: rows.map((r) => r.id) };
  }

  /** What COUNT + OFFSET answer now, from the table itself. */
  async function truth(offset: number) {
    const live = await store.selectFrom('scim_users').select('id').where('connection_id', '=', connectionId).where('deleted_at', 'is', null).orderBy('seq').execute();
    return { total: live.length, ids: live.slice(offset, offset + 10).map((r) => r.id) };
  }

  it('a transaction in progress when the first page was read, committed after a later one, shifts the next page', async () => {
    const slow = await session();
    const fast = await session();
    await slow.query('BEGIN');
    await slow.query('UPDATE scim_users SET deleted_at = $1 WHERE id = $2', [new Date().toISOString(), ids[2]]);
    await fast.query('BEGIN');
    await fast.query('UPDATE scim_users SET updated_at = updated_at WHERE id = $1', [ids[25]]);
    await fast.query('COMMIT');

    expect(await page(0)).toEqual(await truth(0));
    expect(await page(10)).toEqual({ total: 30, ids: ids.slice(10, 20) });
    await slow.query('COMMIT');

    const now = await page(20);
    expect(now).toEqual(await truth(20));
    expect(now.total).toBe(29);
    expect(now.ids[0]).toBe(ids[21]);
  });

  it('pages read inside a transaction see its own uncommitted writes, and the pages after it do not', async () => {
    expect(await page(0)).toEqual(await truth(0));
    await expect(
      store.transaction().execute(async (trx) => {
        await trx.updateTable('scim_users').set({ deleted_at: new Date().toISOString() }).where('id', '=', ids[5]!).execute();
        const inside = await page(10, trx);
        expect(inside.total).toBe((await truth(10)).total - 1);
        expect(inside.ids[0]).toBe((await truth(11)).ids[0]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await page(10)).toEqual(await truth(10));
    expect(await page(20)).toEqual(await truth(20));
  });
});
