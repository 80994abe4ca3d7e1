/**
 * A PostgreSQL connection that dies while the store holds it (mid-transaction, between two
 * statements) fails that work, and only that work: the process keeps running and the store
 * answers the next query on a fresh connection. pg emits 'error' on such a client, and pg-pool
 * listens only while a client is idle; unheard, that event ends the process (a database restart
 * took the whole backend down). PostgreSQL only (the integration-pg project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { onMaintenanceDatabase } from '../support/postgresCluster.js';
import { openPostgresStore } from '../../server/store/postgres.js';

let database: TestDatabase;

beforeAll(async () => {
  const created = await createTestDatabase();
  if (!created) throw new Error('postgres-connection-loss runs in the integration-pg project only (see vitest.config.ts)');
  database = created;
});
afterAll(async () => {
  await database?.drop();
});

describe('a PostgreSQL connection lost while in use', () => {
  it('fails the transaction that held it, is reported, and the store goes on', async () => {
    const reported: Error[] = [];
    const store = openPostgresStore(database.url, { onIdleError: (error) => reported.push(error) });
    try {
      const lost = store.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await onMaintenanceDatabase(database.url, (client) => client.query('select pg_terminate_backend($1)', [rows[0]!.pid]));
        // The held connection's socket closes while no statement of ours is running on it.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`select 1`.execute(trx);
      });
      await expect(lost).rejects.toThrow();
      expect(reported.length).toBeGreaterThan(0);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await store.destroy();
    }
  });
});
