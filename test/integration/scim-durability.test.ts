/**
 * Crash durability: `serve` runs as a real child process, gets a burst of concurrent POST /Users and
 * is killed with SIGKILL in the middle of it. Every user whose creation was answered 201 must be
 * there after a restart on the same data folder, exactly once. In the integration-pg project the
 * same on PostgreSQL (DATABASE_URL): the backend dies, the database does not.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { makeTempDir } from '../support/server.js';
import { runCli, startServe, type ServeProcess } from '../support/cliProcess.js';
import { ScimClient } from '../support/scimClient.js';
import { storeFileIn } from '../../server/store/database.js';
import { createTestDatabase, databaseEnv, type TestDatabase } from '../support/testDatabase.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('durability across kill -9', () => {
  const dataDir = makeTempDir('scim-durability-');
  const started: ServeProcess[] = [];
  let database: TestDatabase | undefined;

  afterAll(async () => {
    for (const serve of started) await serve.stop('SIGKILL');
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every user that was answered 201 when the server is killed mid-burst', async () => {
    database = await createTestDatabase();
    const env = databaseEnv(database);
    const first = await startServe({ dataDir, env });
    started.push(first);

    // The CLI writes to the same data folder while serve runs.
    const created = await runCli(['connection', 'create', '--org', 'Durable', '--name', 'Crash test', '--provider', 'other', '--json', '--data-dir', dataDir, '--public-url', first.baseUrl], { env });
    expect(created.code, created.stderr).toBe(0);
    const connection = JSON.parse(created.stdout) as { connectionId: string; endpointBaseUrl: string; authenticationSecret: string };
    const client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    expect((await client.get('/Users')).status).toBe(200);

    const total = 300;
    const parallel = 16;
    const killAfter = 100;
    const acknowledged: string[] = [];
    const otherOutcomes: string[] = [];
    let next = 0;
    let killed = false;
    let killing: Promise<unknown> | undefined;

    const worker = async () => {
      while (next < total) {
        const userName = `burst-${String(next++).padStart(3, '0')}@example.com`;
        try {
          const response = await client.post('/Users', { schemas: [USER], userName, displayName: userName, active: true });
          if (response.status === 201) {
            acknowledged.push(userName);
            if (acknowledged.length >= killAfter && !killed) {
              killed = true;
              killing = first.stop('SIGKILL');
            }
          } else {
            otherOutcomes.push(`${userName}: ${response.status}`);
          }
        } catch {
          // The connection died with the server: no answer, so no promise was made.
          otherOutcomes.push(`${userName}: no response`);
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    await killing;
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
    // The kill really happened mid-burst: some requests got no 201.
    expect(acknowledged.length).toBeLessThan(total);

    if (!database) {
      // The database file is intact after the crash.
      const sqlite = new SqliteDatabase(storeFileIn(dataDir));
      try {
        expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        sqlite.close();
      }
    }

    const second = await startServe({ dataDir, port: first.port, env });
    started.push(second);
    const list = await client.get('/Users?count=1000');
    expect(list.status, list.text).toBe(200);
    const names: string[] = list.body.Resources.map((r: any) => r.userName);
    expect(list.body.totalResults).toBe(names.length);
    // Every acknowledged user survived, and none appears twice.
    expect(new Set(names).size).toBe(names.length);
    if (process.env.SCIM_TEST_VERBOSE) {
      console.log(`201s before the kill: ${acknowledged.length}; users after restart: ${names.length}; other outcomes: ${otherOutcomes.length}`);
    }
    const missing = acknowledged.filter((name) => !names.includes(name));
    expect(missing).toEqual([]);
    // Nothing appeared that was not sent.
    for (const name of names) expect(name).toMatch(/^burst-\d{3}@example\.com$/);

    // A user created after the restart gets a fresh id and the list stays consistent.
    const after = await client.post('/Users', { schemas: [USER], userName: 'after-restart@example.com' });
    expect(after.status, after.text).toBe(201);
    const stop = await second.stop('SIGTERM');
    expect(stop.code).toBe(0);
  });
});
