/**
 * Crash during an Entra initial sync: 10,000 users, 8 workers each doing what Entra does per user
 * (GET /Users?filter=userName eq "…", then POST with the full Entra body when nothing matched).
 * Part-way through, the backend (a spawned `serve`) is killed with SIGKILL; it is restarted on the
 * same data and the sync finishes the way Entra finishes one: requests that failed are retried, and
 * the lookup finds users whose creation was committed but whose 201 never arrived.
 *
 * Every user that was answered 201 must be present, exactly once, with the id it was given; no
 * userName may appear twice; the SQLite file must pass integrity_check after the crash.
 *
 * The store is whatever the environment chooses: with DATABASE_URL set, the spawned server and CLI
 * are given it and this runs on PostgreSQL (each run makes its own connection, so a shared
 * database does not disturb the counts) and the SQLite file checks are left out.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { makeTempDir } from '../support/server.js';
import { startServe, type ServeProcess } from '../support/cliProcess.js';
import { createConnectionWithCli, storeEnvFromEnvironment } from '../support/cliConnection.js';
import { generatePeople, type Person } from '../idp/common.js';
import { EntraSimulator } from '../idp/entra.js';
import { expectEveryAcknowledgedUserOnce } from '../support/acknowledgedUsers.js';
import { storeFileIn } from '../../server/store/database.js';

const USERS = 10_000;
const WORKERS = 8;
/** Kill once this many users were answered 201: well inside the sync, with plenty left to do. */
const KILL_AFTER_CREATED = 3_000;
/** A worker whose request failed at the transport level waits this long before its next one. */
const TRANSPORT_RETRY_MS = 100;

const storeEnv = storeEnvFromEnvironment();
const onSqlite = storeEnv.DATABASE_URL === undefined;

function sqliteIntegrity(dataDir: string): { integrity: unknown; duplicateNames: unknown[] } {
  const sqlite = new SqliteDatabase(storeFileIn(dataDir), { readonly: true });
  try {
    return {
      integrity: sqlite.pragma('integrity_check', { simple: true }),
      // Across every connection and deleted rows too: the unique index must have held everywhere.
      duplicateNames: sqlite
        .prepare('SELECT connection_id, user_name_lower, COUNT(*) AS n FROM scim_users GROUP BY connection_id, user_name_lower HAVING n > 1')
        .all(),
    };
  } finally {
    sqlite.close();
  }
}

describe('kill -9 during an Entra initial sync', () => {
  const dataDir = makeTempDir('scim-crash-sync-');
  const started: ServeProcess[] = [];

  afterAll(async () => {
    for (const serve of started) await serve.stop('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged user of a ${USERS.toLocaleString('en')}-user sync exactly once after a crash and restart`, async () => {
    const serveEnv = { ...storeEnv, LOG_LEVEL: 'warn' };
    const first = await startServe({ dataDir, env: serveEnv });
    started.push(first);
    const connection = await createConnectionWithCli(first, { org: 'Crash', name: 'Entra initial sync', provider: 'azure-ad', env: storeEnv });
    const entra = new EntraSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret, record: false });

    const people = generatePeople(USERS, { seed: 10_000, externalIdStyle: 'entra' });
    /** userName → the id its 201 carried. */
    const acknowledged = new Map<string, string>();
    /** Users whose 201 was lost with the crash, found by the retry's lookup instead. */
    const foundOnRetry = new Map<string, string>();
    const unexpected: string[] = [];
    const pending: Person[] = [...people].reverse();
    const retry: Person[] = [];
    const failedOnce = new Set<string>();
    let transportFailures = 0;
    let restarted: Promise<ServeProcess> | undefined;
    let crashFailed = false;

    const crashAndRestart = async () => {
      await first.stop('SIGKILL');
      if (onSqlite) {
        // Nobody has the file open now: this is exactly what the crash left behind.
        const { integrity, duplicateNames } = sqliteIntegrity(dataDir);
        expect(integrity).toBe('ok');
        expect(duplicateNames).toEqual([]);
      }
      const second = await startServe({ dataDir, port: first.port, env: serveEnv });
      started.push(second);
      return second;
    };

    const worker = async () => {
      for (;;) {
        if (crashFailed) return;
        // New users first, then the ones whose requests failed (Entra retries failures later in the
        // cycle). A worker whose request fails keeps going, so nothing handed back is left behind.
        const person = pending.pop() ?? retry.pop();
        if (!person) return;
        try {
          const result = await entra.provisionUser(person);
          if (result.created && result.id) {
            acknowledged.set(person.userName, result.id);
            if (acknowledged.size >= KILL_AFTER_CREATED && !restarted) {
              restarted = crashAndRestart();
              restarted.catch(() => (crashFailed = true));
            }
          } else if (result.id && !result.created) {
            // The lookup found it: created before the crash, its 201 lost on the way.
            if (!failedOnce.has(person.userName)) unexpected.push(`${person.userName}: found by a first lookup, never created`);
            foundOnRetry.set(person.userName, result.id);
          } else {
            unexpected.push(`${person.userName}: lookup ${result.lookup.status}, create ${result.create?.status}: ${(result.create ?? result.lookup).text.slice(0, 200)}`);
          }
        } catch {
          // No answer (the server is down or died mid-request): nothing was promised; retry later.
          transportFailures++;
          failedOnce.add(person.userName);
          retry.push(person);
          await new Promise((r) => setTimeout(r, TRANSPORT_RETRY_MS));
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expect(restarted, 'the server was killed during the sync').toBeDefined();
    const second = await restarted!;
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(unexpected).toEqual([]);
    // The crash really interrupted requests, and the sync really went on after it.
    expect(transportFailures).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(KILL_AFTER_CREATED);
    expect(acknowledged.size + foundOnRetry.size).toBe(USERS);

    // What the directory would see on its next import: every user once, with the id it was told.
    await expectEveryAcknowledgedUserOnce({
      endpointBaseUrl: connection.endpointBaseUrl,
      secret: connection.authenticationSecret,
      acknowledged,
      total: USERS,
    });
    if (process.env.SCIM_TEST_VERBOSE) {
      console.log(`crash: ${acknowledged.size} answered 201, ${foundOnRetry.size} found on retry, ${transportFailures} transport failures`);
    }

    expect((await second.stop('SIGTERM')).code).toBe(0);
    if (onSqlite) expect(sqliteIntegrity(dataDir)).toEqual({ integrity: 'ok', duplicateNames: [] });
  });
});
