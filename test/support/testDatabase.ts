/**
 * Which database the tests of this vitest project run against. The `integration-pg` project's
 * global setup (postgresGlobalSetup.ts) starts a throwaway PostgreSQL cluster and provides its
 * address; every other project gets nothing and uses SQLite. Each test server then gets a database
 * of its own, copied from a migrated template (much faster than migrating each one).
 */
import crypto from 'node:crypto';
import { inject } from 'vitest';
import { onMaintenanceDatabase } from './postgresCluster.js';
import { migrateToLatest, openSqliteStore, openStore, type Store } from '../../server/store/database.js';

export interface ProvidedPostgres {
  /** The cluster's maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** A database with every migration applied, to copy. */
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres | undefined;
  }
}

/** The PostgreSQL cluster of this test run, when the project runs on PostgreSQL. */
export function testPostgres(): ProvidedPostgres | undefined {
  return inject('postgres');
}

export interface TestDatabase {
  /** postgres://… of a database only this test uses. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated PostgreSQL database, or undefined when this project runs on SQLite. */
export async function createTestDatabase(): Promise<TestDatabase | undefined> {
  const postgres = testPostgres();
  if (!postgres) return undefined;
  const name = `scim_test_${crypto.randomBytes(6).toString('hex')}`;
  await onMaintenanceDatabase(postgres.adminUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${postgres.template}`));
  const url = new URL(postgres.adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: a backend process killed by a test may have left sessions behind.
    drop: () => onMaintenanceDatabase(postgres.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** The environment a spawned backend or CLI process needs to use `database` (nothing for SQLite). */
export function databaseEnv(database: TestDatabase | undefined): Record<string, string> {
  return database ? { DATABASE_URL: database.url } : {};
}

/**
 * A migrated store for a test file that talks to the store itself: a fresh PostgreSQL database
 * when the project runs on PostgreSQL, an in-memory SQLite store otherwise. `close` destroys the
 * store and drops the PostgreSQL database.
 */
export async function openTestStore(): Promise<{ db: Store; close(): Promise<void> }> {
  const database = await createTestDatabase();
  let db: Store;
  if (database) {
    db = await openStore('', database.url);
  } else {
    db = openSqliteStore(':memory:');
    await migrateToLatest(db);
  }
  return {
    db,
    async close() {
      await db.destroy();
      await database?.drop();
    },
  };
}
