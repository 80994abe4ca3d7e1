/**
 * The verified secret a credential-cache row remembers (so a directory's requests skip the SHA-256)
 * accepts exactly the secret that matched, for exactly that row object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../server/store/database.js';
import { ConnectionCredentialCache } from '../../server/scim/connectionCredentialCache.js';
import { createConnection } from '../../server/domain/connections.js';
import { MAX_SECRET_LENGTH } from '../../server/domain/secrets.js';
import type { ScimConnectionsTable } from '../../server/store/schema.js';

describe('ConnectionCredentialCache: the remembered verified secret', () => {
  let dataDir: string;
  let db: Store;
  let cache: ConnectionCredentialCache;
  let row: ScimConnectionsTable;
  let secret: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credential-cache-'));
    db = await openStore(dataDir);
    const created = await createConnection(db, { orgName: 'Acme', name: 'Okta', provider: 'okta', publicUrl: 'http://127.0.0.1' });
    secret = created.authenticationSecret;
    cache = new ConnectionCredentialCache(db);
    row = (await cache.get(created.connectionId))!;
  });
  afterAll(async () => {
    cache.close();
    await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('knows no secret for a row until one is remembered for it, and then only that one', () => {
    expect(cache.isVerifiedSecret(row, secret)).toBe(false);
    cache.rememberVerifiedSecret(row, secret);
    expect(cache.isVerifiedSecret(row, secret)).toBe(true);
    for (const other of [secret.slice(0, -1), `${secret}x`, `x${secret.slice(1)}`, '', secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase()]) {
      expect(cache.isVerifiedSecret(row, other)).toBe(false);
    }
  });

  it('is bound to the row object: a reloaded row (after a rotation, or the TTL) knows nothing yet', async () => {
    cache.rememberVerifiedSecret(row, secret);
    const reloaded = (await cache.load(row.id))!;
    expect(reloaded).not.toBe(row);
    expect(cache.isVerifiedSecret(reloaded, secret)).toBe(false);
  });

  it('never remembers a secret longer than any valid one', () => {
    const tooLong = 'a'.repeat(MAX_SECRET_LENGTH + 1);
    cache.rememberVerifiedSecret(row, tooLong);
    expect(cache.isVerifiedSecret(row, tooLong)).toBe(false);
    // A multi-byte secret within the character limit but beyond the byte width is not remembered either.
    const wide = 'é'.repeat(MAX_SECRET_LENGTH);
    cache.rememberVerifiedSecret(row, wide);
    expect(cache.isVerifiedSecret(row, wide)).toBe(false);
  });
});
