/**
 * Paging through a connection's users (Okta's import: startIndex advanced by count) answers
 * exactly what the directory holds at the moment of each request, also when the server reuses
 * what the previous page learned: a user created, deleted or written in between shows up in
 * the next page and in totalResults at once, from this process or from another one (the CLI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openStore, storeFileIn } from '../../server/store/database.js';
import { REPO_ROOT } from '../support/cliProcess.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('SCIM list paging', () => {
  let server: TestServer;
  let client: ScimClient;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const connection = await server.createConnection();
    client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    for (let i = 0; i < 25; i++) {
      const created = await client.post('/Users', { schemas: [USER], userName: `pager${i}@example.com`, active: true });
      expect(created.status).toBe(201);
      ids.push(created.body.id as string);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  async function page(startIndex: number, count = 10) {
    const response = await client.get(`/Users?startIndex=${startIndex}&count=${count}`);
    expect(response.status).toBe(200);
    return { total: response.body.totalResults as number, ids: (response.body.Resources as { id: string }[]).map((r) => r.id) };
  }

  it('pages through every user once, in creation order', async () => {
    const pages = [await page(1), await page(11), await page(21)];
    expect(pages.map((p) => p.total)).toEqual([25, 25, 25]);
    expect(pages.flatMap((p) => p.ids)).toEqual(ids);
  });

  it('pages asked for out of order (concurrent importers) are still exactly their slice', async () => {
    await page(1);
    expect(await page(21)).toEqual({ total: 25, ids: ids.slice(20) });
    expect(await page(11)).toEqual({ total: 25, ids: ids.slice(10, 20) });
    expect(await page(16, 5)).toEqual({ total: 25, ids: ids.slice(15, 20) });
  });

  it('a user deleted between two pages shifts the next page at once, as OFFSET would', async () => {
    await page(1);
    expect(await page(11)).toEqual({ total: 25, ids: ids.slice(10, 20) });
    expect((await client.request('DELETE', `/Users/${ids[3]}`)).status).toBe(204);
    const live = ids.filter((_, i) => i !== 3);
    expect(await page(11)).toEqual({ total: 24, ids: live.slice(10, 20) });
    expect(await page(21)).toEqual({ total: 24, ids: live.slice(20) });
    ids.splice(3, 1);
  });

  it('a user created between two pages counts at once', async () => {
    await page(1);
    await page(11);
    const created = await client.post('/Users', { schemas: [USER], userName: 'late@example.com', active: true });
    ids.push(created.body.id as string);
    expect(await page(21)).toEqual({ total: 25, ids: ids.slice(20) });
  });

  it('writes that add or remove no user (a PATCH, a group, the request log) leave pages exact and show the new content', async () => {
    await page(1);
    await page(11);
    const patched = await client.patch(`/Users/${ids[12]}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed Between Pages' }],
    });
    expect(patched.status).toBe(200);
    const group = await client.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Between pages' });
    expect(group.status).toBe(201);
    // The request log is written every 250 ms; wait for a flush between the pages.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const response = await client.get('/Users?startIndex=11&count=10');
    expect(response.body.totalResults).toBe(ids.length);
    expect((response.body.Resources as { id: string }[]).map((r) => r.id)).toEqual(ids.slice(10, 20));
    expect(response.body.Resources[2].displayName).toBe('Renamed Between Pages');
    expect(await page(21)).toEqual({ total: ids.length, ids: ids.slice(20) });
    expect((await client.request('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);
    expect(await page(11)).toEqual({ total: ids.length, ids: ids.slice(10, 20) });
  });

  /**
   * Marks a user deleted the way another process would. On SQLite it must be one: a second
   * connection in this process writes synchronously and would block the event loop while this
   * server's open group commit (store/sqliteGroupCommit.ts) holds the write lock for a turn.
   */
  async function deleteFromAnotherProcess(id: string): Promise<void> {
    if (server.databaseUrl) {
      const other = await openStore(server.dataDir, server.databaseUrl);
      try {
        await other.updateTable('scim_users').set({ deleted_at: new Date().toISOString() }).where('id', '=', id).execute();
      } finally {
        await other.destroy();
      }
      return;
    }
    const script = `const db = new (require('better-sqlite3'))(process.argv[1]); db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE scim_users SET deleted_at = ? WHERE id = ?').run(new Date().toISOString(), process.argv[2]);`;
    await promisify(execFile)(process.execPath, ['-e', script, storeFileIn(server.dataDir), id], { cwd: REPO_ROOT });
  }

  it('a change committed by another process (another connection to the file) is seen by the next page', async () => {
    await page(1);
    await page(11);
    await deleteFromAnotherProcess(ids[0]!);
    const live = ids.slice(1);
    expect(await page(11)).toEqual({ total: 24, ids: live.slice(10, 20) });
    expect(await page(21)).toEqual({ total: 24, ids: live.slice(20) });
  });
});
