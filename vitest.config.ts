import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { findPostgresBin } from './test/support/postgresCluster.js';

/**
 * The integration suite again on PostgreSQL, minus what is about SQLite or the desktop app, not
 * the backend's behaviour. Each exclusion says why.
 */
const NOT_ON_POSTGRES = [
  'test/integration/keychain-keytar.test.ts', // the OS keychain; no database
  'test/integration/main-*.test.ts', // the desktop main process and its bundled (SQLite) backend
  'test/integration/utility-process-backend.test.ts', // the bundled backend in a utility process, on SQLite
  'test/integration/npm-start.test.ts', // the desktop launcher
  'test/integration/sqlite-group-commit.test.ts', // SQLite's group commit; PostgreSQL commits each transaction itself
  'test/integration/sqlite-idle-reads.test.ts', // SQLite's direct reads and shared read transaction; PostgreSQL reads through Kysely
];
// Outside CI a machine without PostgreSQL skips the project with the reason in the test name;
// with CI=true the global setup fails instead, so a missing PostgreSQL cannot go unnoticed.
const postgresMissing = !findPostgresBin() && process.env.CI !== 'true';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/idp/**/*.test.ts'],
          // Several backend instances on one database: PostgreSQL only (integration-pg).
          exclude: ['test/integration/postgres-*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration-pg',
          include: postgresMissing
            ? ['test/support/postgres-missing.test.ts']
            : ['test/integration/**/*.test.ts', 'test/idp/**/*.test.ts'],
          exclude: NOT_ON_POSTGRES,
          ...(postgresMissing ? {} : { globalSetup: ['test/support/postgresGlobalSetup.ts'] }),
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          // Each file drives a spawned backend at full load; one at a time, so that one's load does
          // not skew another's numbers (the soak's memory, the overload test's latencies).
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
    ],
  },
});
