/**
 * On PostgreSQL a transaction's BEGIN is sent with its first statement, and its NOTIFY right
 * behind its COMMIT in the same batch (server/store/postgresDeferredBegin.ts): fewer round trips
 * per transaction, and nothing else may change. Round trips are counted as PostgreSQL's ReadyForQuery messages (one per Sync).
 * PostgreSQL only (the integration-pg project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { DeferredBeginClient, NOTIFY_AT_COMMIT } from '../../server/store/postgresDeferredBegin.js';
import { openPostgresStore } from '../../server/store/postgres.js';
import type { Database } from '../../server/store/schema.js';

const BEGIN = 'start transaction isolation level serializable';

describe('PostgreSQL: BEGIN sent with the first statement', () => {
  let database: TestDatabase;
  let observer: pg.Client;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    const created = await createTestDatabase();
    if (!created) throw new Error('postgres-deferred-begin runs in the integration-pg project only (see vitest.config.ts)');
    database = created;
    observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    await observer.query('create table probe (id int primary key, note text)');
  });
  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    await observer?.end();
    await database?.drop();
  });

  /** A client of the store's kind, and how many round trips it has made so far. */
  async function counted(): Promise<{ client: DeferredBeginClient; roundTrips: () => number }> {
    const client = new DeferredBeginClient({ connectionString: database.url });
    await client.connect();
    clients.push(client);
    let count = 0;
    (client as unknown as { connection: { on(event: string, listener: () => void): void } }).connection.on('readyForQuery', () => count++);
    return { client, roundTrips: () => count };
  }

  const observed = async (id: number) => (await observer.query('select note from probe where id = $1', [id])).rows;

  it('a transaction of two statements costs three round trips, runs at its isolation level and commits both', async () => {
    const { client, roundTrips } = await counted();
    await client.query(BEGIN, []);
    expect(roundTrips()).toBe(0);
    const level = await client.query('select current_setting($1) as level', ['transaction_isolation']);
    expect(level.rows).toEqual([{ level: 'serializable' }]);
    expect(roundTrips()).toBe(1);
    const inserted = await client.query('insert into probe (id, note) values ($1, $2)', [1, 'first']);
    expect(inserted.rowCount).toBe(1);
    expect(await observed(1)).toEqual([]); // not committed yet: the insert ran inside the transaction
    await client.query('commit', []);
    expect(roundTrips()).toBe(3);
    expect(await observed(1)).toEqual([{ note: 'first' }]);
  });

  it('a first statement that fails aborts the transaction; ROLLBACK ends it and the client goes on', async () => {
    const { client } = await counted();
    await observer.query(`insert into probe (id, note) values (2, 'taken')`);
    await client.query(BEGIN, []);
    await expect(client.query('insert into probe (id, note) values ($1, $2)', [2, 'again'])).rejects.toMatchObject({ code: '23505' });
    await expect(client.query('select 1 as one', [])).rejects.toMatchObject({ code: '25P02' }); // in failed transaction
    await client.query('rollback', []);
    expect((await client.query('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
    expect(client.getTransactionStatus()).toBe('I');
  });

  it('a transaction that runs no statement sends nothing at all', async () => {
    const { client, roundTrips } = await counted();
    await client.query(BEGIN, []);
    expect((await client.query('commit', [])).command).toBe('COMMIT');
    await client.query(BEGIN, []);
    await client.query('rollback', []);
    expect(roundTrips()).toBe(0);
    await client.query('insert into probe (id, note) values ($1, $2)', [3, 'autocommit']);
    expect(await observed(3)).toEqual([{ note: 'autocommit' }]);
  });

  it('a NOTIFY held for the COMMIT costs no round trip, is heard once the transaction commits, and never after a rollback', async () => {
    const heard: string[] = [];
    const listener = await counted();
    listener.client.on('notification', (message) => heard.push(String(message.payload)));
    await listener.client.query('listen probe_events', []);
    const { client, roundTrips } = await counted();
    await client.query(BEGIN, []);
    await client.query('insert into probe (id, note) values ($1, $2)', [7, 'notified']);
    await client.query(NOTIFY_AT_COMMIT, ['probe_events', JSON.stringify(['one', 'two'])]);
    expect(roundTrips()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual([]); // not before the commit
    await client.query('commit', []);
    expect(roundTrips()).toBe(2);
    await expect.poll(() => heard).toEqual(['one', 'two']);

    await client.query(BEGIN, []);
    await client.query('insert into probe (id, note) values ($1, $2)', [8, 'rolled back']);
    await client.query(NOTIFY_AT_COMMIT, ['probe_events', JSON.stringify(['three'])]);
    await client.query('rollback', []);
    // Outside a transaction it is sent at once.
    await client.query(NOTIFY_AT_COMMIT, ['probe_events', JSON.stringify(['four'])]);
    await expect.poll(() => heard).toEqual(['one', 'two', 'four']);
    expect(await observed(8)).toEqual([]);
  });

  it('the NOTIFY goes behind the COMMIT: a COMMIT that fails sends none, one that fails itself leaves the write committed and is reported', async () => {
    const heard: string[] = [];
    const listener = await counted();
    listener.client.on('notification', (message) => heard.push(String(message.payload)));
    await listener.client.query('listen probe_late', []);
    // Checked at COMMIT, so the COMMIT itself fails.
    await observer.query('create table probe_deferred (id int, constraint probe_deferred_once unique (id) deferrable initially deferred)');
    await observer.query('insert into probe_deferred values (1)');
    const { client, roundTrips } = await counted();
    await client.query(BEGIN, []);
    await client.query('insert into probe_deferred values ($1)', [1]);
    await client.query(NOTIFY_AT_COMMIT, ['probe_late', JSON.stringify(['never'])]);
    await expect(client.query('commit', [])).rejects.toMatchObject({ code: '23505' });
    expect((await client.query('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
    expect(client.getTransactionStatus()).toBe('I');

    // A payload over PostgreSQL's 8000-byte limit makes pg_notify fail once the COMMIT is done.
    const failures: Error[] = [];
    client.whenNotifyFails((error) => failures.push(error));
    const before = roundTrips();
    await client.query(BEGIN, []);
    await client.query('insert into probe (id, note) values ($1, $2)', [9, 'kept']);
    await client.query(NOTIFY_AT_COMMIT, ['probe_late', JSON.stringify(['x'.repeat(9_000)])]);
    expect((await client.query('commit', [])).command).toBe('COMMIT');
    expect(roundTrips() - before).toBe(2);
    expect(await observed(9)).toEqual([{ note: 'kept' }]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: '22023' });
    // The client goes on; the next events are heard, the refused ones never were.
    await client.query(BEGIN, []);
    await client.query('insert into probe (id, note) values ($1, $2)', [10, 'after']);
    await client.query(NOTIFY_AT_COMMIT, ['probe_late', JSON.stringify(['after'])]);
    await client.query('commit', []);
    await expect.poll(() => heard).toEqual(['after']);
  });

  describe('through the store', () => {
    let store: Kysely<Database>;
    beforeAll(() => {
      store = openPostgresStore(database.url, { poolSize: 1 });
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('a transaction whose callback fails after its first statement leaves nothing behind', async () => {
      await expect(
        store.transaction().execute(async (trx) => {
          await sql`insert into probe (id, note) values (${4}, ${'rolled back'})`.execute(trx);
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
      expect(await observed(4)).toEqual([]);
      await store.transaction().execute((trx) => sql`insert into probe (id, note) values (${5}, ${'kept'})`.execute(trx));
      expect(await observed(5)).toEqual([{ note: 'kept' }]);
    });

    it('a connection handed back with a BEGIN still unsent does not put the next borrower in a transaction', async () => {
      // One pooled connection: the second borrower gets the same client.
      await store.connection().execute((connection) => sql.raw(BEGIN).execute(connection));
      await sql`insert into probe (id, note) values (${6}, ${'next borrower'})`.execute(store);
      expect(await observed(6)).toEqual([{ note: 'next borrower' }]);
    });
  });
});
