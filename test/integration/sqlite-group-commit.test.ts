/**
 * SQLite group commit (server/store/sqliteGroupCommit.ts): transactions that arrive together share
 * one COMMIT, yet each is answered only once it is in the file. A second, read-only connection to
 * the same file plays "after a crash": it sees committed data only.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { makeTempDir } from '../support/server.js';
import { openStore, storeFileIn, type Store } from '../../server/store/database.js';
import { createConnection } from '../../server/domain/connections.js';
import { runDomainTransaction } from '../../server/domain/transaction.js';
import { applyDirectoryChange, connectionActor } from '../../server/domain/directorySync.js';
import { insertResource } from '../../server/store/scimResources.js';
import { EventBus } from '../../server/domain/eventBus.js';
import { newId } from '../../server/domain/ids.js';
import type { LiveEvent } from '../../shared/api/events.js';
import type { ScimConnectionsTable } from '../../server/store/schema.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('SQLite group commit', () => {
  const dataDir = makeTempDir('scim-group-commit-');
  const bus = new EventBus();
  let db: Store;
  let committed: SqliteDatabase.Database;
  let connection: ScimConnectionsTable;

  beforeAll(async () => {
    db = await openStore(dataDir);
    const { connectionId } = await createConnection(db, { orgName: 'Batch', provider: 'other', publicUrl: 'http://127.0.0.1' });
    connection = await db.selectFrom('scim_connections').selectAll().where('id', '=', connectionId).executeTakeFirstOrThrow();
    committed = new SqliteDatabase(storeFileIn(dataDir), { readonly: true });
  });
  afterAll(async () => {
    committed?.close();
    await db?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** userNames present in the file as another connection (a restarted server) would see it. */
  function committedUserNames(): string[] {
    return (committed.prepare('SELECT user_name FROM scim_users WHERE connection_id = ? ORDER BY user_name').all(connection.id) as { user_name: string }[]).map(
      (r) => r.user_name,
    );
  }

  /** What POST /Users does: the user, the pool's reaction and its live event, in one domain transaction. */
  function createUser(userName: string, afterInsert?: () => Promise<void>) {
    return runDomainTransaction({ db, bus, clock: Date.now }, connectionActor(connection), async (ctx) => {
      const resource = { schemas: [USER], userName, active: true };
      const row = await insertResource(ctx.db, 'scim_users', { id: newId(), connectionId: connection.id, resource, now: ctx.now });
      await applyDirectoryChange(ctx, connection, { kind: 'written', scimUserId: row.id, resource });
      await afterInsert?.();
      return row;
    });
  }

  it('writes that arrive together are all answered, each only once it is committed, and share the commit', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `together-${String(i).padStart(2, '0')}@example.com`);
    const seenWhenAnswered: string[][] = [];
    await Promise.all(
      names.map((name) =>
        createUser(name).then(() => {
          seenWhenAnswered.push(committedUserNames().filter((n) => n.startsWith('together-')));
        }),
      ),
    );
    expect(committedUserNames().filter((n) => n.startsWith('together-'))).toEqual(names);
    // Already when the first was answered, all 20 were in the file: one commit for the lot.
    expect(seenWhenAnswered[0]).toEqual(names);
  });

  it('a failing write rolls back only itself: its batch-mates are committed, its own first insert is not', async () => {
    await createUser('taken@example.com');
    const outcomes = await Promise.allSettled([
      createUser('mate-1@example.com'),
      // Inserts a user of its own, then collides with an existing userName.
      runDomainTransaction({ db, bus, clock: Date.now }, connectionActor(connection), async (ctx) => {
        await insertResource(ctx.db, 'scim_users', { id: newId(), connectionId: connection.id, resource: { schemas: [USER], userName: 'half-done@example.com' }, now: ctx.now });
        await insertResource(ctx.db, 'scim_users', { id: newId(), connectionId: connection.id, resource: { schemas: [USER], userName: 'TAKEN@example.com' }, now: ctx.now });
      }),
      createUser('mate-2@example.com'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const names = committedUserNames();
    expect(names).toEqual(expect.arrayContaining(['mate-1@example.com', 'mate-2@example.com', 'taken@example.com']));
    expect(names).not.toContain('half-done@example.com');
  });

  it('a failing write that changed rows a batch-mate changed first rolls back to the batch-mate’s values, not to the old ones', async () => {
    // Rolling back one unit restores the pages the earlier units had already changed from the
    // savepoint's sub-journal (in memory since temp_store = MEMORY), not from the file.
    const row = await createUser('shared-row@example.com');
    const setDisplayName = (displayName: string, thenFail: boolean) =>
      db.transaction().execute(async (trx) => {
        await trx.updateTable('scim_users').set({ display_name: displayName }).where('id', '=', row.id).execute();
        if (thenFail) throw new Error('the second write fails after its UPDATE');
      });
    const outcomes = await Promise.allSettled([setDisplayName('First', false), setDisplayName('Second', true), createUser('shared-mate@example.com')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = committed.prepare('SELECT display_name FROM scim_users WHERE id = ?').get(row.id) as { display_name: string | null };
    expect(stored.display_name).toBe('First');
    expect(committedUserNames()).toContain('shared-mate@example.com');
  });

  it('live events are published only after the commit', async () => {
    const heard: { event: LiveEvent; userInFile: boolean }[] = [];
    const unsubscribe = bus.subscribe(connection.org_id, (event) => {
      heard.push({ event, userInFile: committedUserNames().includes('evented@example.com') });
    });
    try {
      const row = await createUser('evented@example.com');
      expect(heard).toEqual([{ event: { type: 'pool.changed', connectionId: connection.id, poolEntryIds: [row.id] }, userInFile: true }]);
    } finally {
      unsubscribe();
    }
  });

  it('a query outside a transaction waits while a batch is open, so it never shows uncommitted data', async () => {
    let finishWrite!: () => void;
    const writeHeldOpen = new Promise<void>((resolve) => (finishWrite = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const write = createUser('slow@example.com', async () => {
      inserted();
      await writeHeldOpen;
    });
    await insertDone;
    let readSettled = false;
    const read = db
      .selectFrom('scim_users')
      .select('user_name')
      .where('user_name', '=', 'slow@example.com')
      .execute()
      .finally(() => (readSettled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readSettled).toBe(false);
    finishWrite();
    const rows = await read;
    // What the read showed is in the file.
    expect(rows).toEqual([{ user_name: 'slow@example.com' }]);
    expect(committedUserNames()).toContain('slow@example.com');
    await write;
  });

  it('a COMMIT that fails fails every write of its batch and publishes nothing; the next write works', async () => {
    // A deferred foreign key is checked at COMMIT, so this commit is refused although every unit ran.
    await sql`CREATE TABLE IF NOT EXISTS test_deferred_ref (user_id TEXT REFERENCES scim_users(id) DEFERRABLE INITIALLY DEFERRED)`.execute(db);
    const heard: LiveEvent[] = [];
    const unsubscribe = bus.subscribe(connection.org_id, (event) => heard.push(event));
    try {
      const outcomes = await Promise.allSettled([
        createUser('doomed@example.com'),
        db.transaction().execute((trx) => sql`INSERT INTO test_deferred_ref (user_id) VALUES ('no-such-user')`.execute(trx)),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
      expect(heard).toEqual([]);
      expect(committedUserNames()).not.toContain('doomed@example.com');
      expect(await db.selectFrom('scim_users').select('id').where('user_name', '=', 'doomed@example.com').execute()).toEqual([]);

      await createUser('after-failure@example.com');
      expect(committedUserNames()).toContain('after-failure@example.com');
    } finally {
      unsubscribe();
    }
  });
});
