/**
 * `serve`'s SQLite store checkpoints the WAL from a worker thread (server/store/sqliteCheckpointer.ts),
 * not inside the COMMIT that fills it. What must hold: the server's own connection never
 * checkpoints, the WAL still starts over under a write load that never stops, and every committed
 * row is in the database after the store is closed and opened again. (Whether a PASSIVE checkpoint
 * reaches the WAL's end by itself here depends on timing; when it does not, the catch-up pause
 * does. With no checkpoint at all this test fails: the WAL reaches ~90 MB.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DATABASE_FILE_NAME, openStore, type Store } from '../../server/store/database.js';
import { RESTART_FRAMES } from '../../server/store/sqliteCheckpointer.js';

const WAL_FRAME_BYTES = 4096 + 24;
let dir: string;
let db: Store | undefined;

afterEach(async () => {
  await db?.destroy();
  db = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openServeStore(): Promise<Store> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-checkpoints-'));
  const store = await openStore(dir, undefined, { backgroundCheckpoints: true, onCheckpointerFailure: (message) => expect.fail(message) });
  await store.insertInto('orgs').values({ id: 'o1', name: 'Org', name_lower: 'org', created_at: 'now' }).execute();
  await store
    .insertInto('scim_connections')
    .values({ id: 'c1', org_id: 'o1', name: 'c', provider: 'okta', secret_hash: 'h', created_at: 'now', updated_at: 'now' } as never)
    .execute();
  return store;
}

function insertUser(store: Store, n: number): Promise<void> {
  const userName = `user.${n}@example.com`;
  return store.transaction().execute(async (trx) => {
    await trx
      .insertInto('scim_users')
      .values({
        id: `id-${n}`,
        connection_id: 'c1',
        user_name: userName,
        user_name_lower: userName,
        external_id: `ext-${n}`,
        display_name: `User ${n}`,
        active: 1,
        email: userName,
        full_name: `User ${n}`,
        search_text: `${userName}\nuser ${n}`,
        resource: JSON.stringify({ userName, note: 'x'.repeat(9000) }),
        created_at: 'now',
        updated_at: 'now',
        version: 1,
      } as never)
      .execute();
  });
}

describe('SQLite WAL checkpoints from a worker thread', () => {
  it("the server's connection never checkpoints; under a steady write load the WAL still starts over, and every committed row is kept", async () => {
    db = await openServeStore();
    const autocheckpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
    expect(autocheckpoint.rows[0]?.wal_autocheckpoint).toBe(0);

    const wal = path.join(dir, `${DATABASE_FILE_NAME}-wal`);
    let largestWal = 0;
    const users = 4000;
    // 8 writers, each starting its next write as soon as the last one is acknowledged, like a
    // directory's sync job: batches follow each other with no idle moment for the checkpoint.
    let next = 0;
    const writer = async () => {
      while (next < users) {
        await insertUser(db!, next++);
        if (next % 64 === 0) largestWal = Math.max(largestWal, fs.statSync(wal).size);
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    // 3+ pages per user, 4,000 users: with no checkpoint the WAL would hold them all (> 60,000 frames).
    expect(largestWal).toBeGreaterThan(0);
    expect(largestWal).toBeLessThan(2 * RESTART_FRAMES * WAL_FRAME_BYTES);

    await db.destroy();
    db = await openStore(dir);
    const { rows } = await sql<{ count: number }>`select count(*) as count from scim_users`.execute(db);
    expect(Number(rows[0]?.count)).toBe(users);
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    expect(integrity.rows).toEqual([{ integrity_check: 'ok' }]);
  });
});
