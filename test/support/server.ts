/**
 * Starts the real backend in this process on a free loopback port with its own temporary data
 * folder (SQLite) or, in the integration-pg project, its own PostgreSQL database. Tests talk to it
 * over real HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppConfig } from '../../server/app.js';
import { openStore, type Store } from '../../server/store/database.js';
import { createConnection, type ConnectionWithSecret } from '../../server/domain/connections.js';
import type { DirectoryProvider } from '../../shared/scim/wire.js';
import { createTestDatabase } from './testDatabase.js';

export interface TestServer {
  baseUrl: string;
  dataDir: string;
  /** The PostgreSQL database of this server (integration-pg), for a second connection to it; undefined on SQLite. */
  databaseUrl: string | undefined;
  db: Store;
  app: FastifyInstance;
  /** Creates a SCIM connection the way `connection create` does; returns the one-time secret. */
  createConnection(options?: { org?: string; name?: string; provider?: DirectoryProvider }): Promise<ConnectionWithSecret>;
  /** The org a connection belongs to (what the pool and member queries are keyed by). */
  orgIdOf(connectionId: string): Promise<string>;
  close(): Promise<void>;
}

export function makeTempDir(prefix = 'scim-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServerOptions extends Partial<Pick<AppConfig, 'failedAuth' | 'failedSignIn' | 'clock' | 'bus' | 'maxConcurrentRequests'>> {
  dataDir?: string;
  /** Runs on the built app before it listens (hooks can no longer be added after). */
  beforeListen?: (app: FastifyInstance) => void;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? makeTempDir();
  const database = await createTestDatabase();
  const db = await openStore(dataDir, database?.url);
  let baseUrl = '';
  const { beforeListen, ...config } = options;
  const app = await buildApp({ db, publicUrl: () => baseUrl, ...config });
  beforeListen?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let counter = 0;
  return {
    baseUrl,
    dataDir,
    databaseUrl: database?.url,
    db,
    app,
    createConnection: (o = {}) =>
      createConnection(db, {
        orgName: o.org ?? 'Test Org',
        name: o.name ?? `Connection ${++counter}`,
        provider: o.provider ?? 'other',
        publicUrl: baseUrl,
      }),
    orgIdOf: async (connectionId) => (await db.selectFrom('scim_connections').select('org_id').where('id', '=', connectionId).executeTakeFirstOrThrow()).org_id,
    close: async () => {
      await app.close();
      await db.destroy();
      await database?.drop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
