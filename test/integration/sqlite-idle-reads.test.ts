/**
 * Reads outside transactions on the SQLite store skip Kysely while it does not use the connection,
 * and the reads of one event-loop turn share one read transaction (server/store/sqliteIdleReads.ts).
 * What a user could notice if that went wrong: a GET showing a write that was then rolled back, a
 * write acknowledged before it is in the file, or a change the CLI made never showing up; and the
 * CLI, sharing the file, being blocked.
 */
import fs from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { makeTempDir } from '../support/server.js';
import { openStore, storeFileIn, type Store } from '../../server/store/database.js';
import { createConnection } from '../../server/domain/connections.js';
import { findUserWithGroups, insertResource } from '../../server/store/scimResources.js';
import { newId } from '../../server/domain/ids.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('SQLite reads outside transactions', () => {
  const dataDir = makeTempDir('scim-idle-reads-');
  let db: Store;
  /** Another process's connection to the same file (the CLI next to `serve`). */
  let cli: SqliteDatabase.Database;
  let connectionId: string;
  let userId: string;

  beforeAll(async () => {
    db = await openStore(dataDir);
    ({ connectionId } = await createConnection(db, { orgName: 'Reads', provider: 'other', publicUrl: 'http://127.0.0.1' }));
    userId = newId();
    const now = new Date().toISOString();
    await db.transaction().execute((trx) =>
      insertResource(trx, 'scim_users', { id: userId, connectionId, resource: { schemas: [USER], userName: 'ada', displayName: 'v1' }, now }),
    );
    cli = new SqliteDatabase(storeFileIn(dataDir));
    cli.pragma('busy_timeout = 5000');
  });
  afterAll(async () => {
    cli?.close();
    await db?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const displayName = async () => (await findUserWithGroups(db, connectionId, userId))!.row.resource.displayName;
  const setDisplayNameInCli = (value: string) =>
    cli.prepare("UPDATE scim_users SET resource = json_set(resource, '$.displayName', ?) WHERE id = ?").run(value, userId);

  it('never shows a write its transaction then rolled back, and shows an acknowledged one at once', async () => {
    let during: Promise<unknown> | undefined;
    const failed = db.transaction().execute(async (trx) => {
      await trx.updateTable('scim_users').set({ resource: JSON.stringify({ schemas: [USER], userName: 'ada', displayName: 'rolled back' }) }).where('id', '=', userId).execute();
      // Issued while the batch's transaction holds the uncommitted change, which then rolls back.
      during = displayName();
      await nextTurn();
      throw new Error('the write fails after changing the row');
    });
    await expect(failed).rejects.toThrow('the write fails');
    expect(await during).toBe('v1');
    expect(await displayName()).toBe('v1');

    await db.transaction().execute((trx) =>
      trx.updateTable('scim_users').set({ resource: JSON.stringify({ schemas: [USER], userName: 'ada', displayName: 'v2' }) }).where('id', '=', userId).execute(),
    );
    expect(await displayName()).toBe('v2');
  });

  it('a write issued in the same turn as a read is in the file when it is acknowledged', async () => {
    expect(await displayName()).toBe('v2'); // opens this turn's shared read
    await db.updateTable('scim_users').set({ resource: JSON.stringify({ schemas: [USER], userName: 'ada', displayName: 'v3' }) }).where('id', '=', userId).execute();
    // Still the same turn: another connection sees it, so it was committed, not held in the read.
    expect(cli.prepare('SELECT json_extract(resource, ?) AS v FROM scim_users WHERE id = ?').get('$.displayName', userId)).toEqual({ v: 'v3' });
    expect(await displayName()).toBe('v3');
  });

  it('lets another process write while a read is open, and shows its change from the next turn on', async () => {
    expect(await displayName()).toBe('v3');
    // Within the same turn the CLI commits without waiting (a WAL reader blocks no writer)…
    const started = Date.now();
    setDisplayNameInCli('from the CLI');
    expect(Date.now() - started).toBeLessThan(1000);
    await nextTurn();
    // …and the next turn's reads see it, and the CLI can checkpoint the whole WAL.
    expect(await displayName()).toBe('from the CLI');
    await nextTurn();
    const [checkpoint] = cli.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    expect(checkpoint!.busy).toBe(0);
  });
});
