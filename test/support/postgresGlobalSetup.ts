/**
 * vitest global setup of the `integration-pg` project: one throwaway PostgreSQL cluster for the
 * run, with a migrated template database that each test server copies (testDatabase.ts).
 */
import type { TestProject } from 'vitest/node';
import { openStore } from '../../server/store/database.js';
import { onMaintenanceDatabase, startPostgresCluster } from './postgresCluster.js';

const TEMPLATE = 'scim_template';

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgresCluster();
  try {
    const adminUrl = cluster.urlFor('postgres');
    await onMaintenanceDatabase(adminUrl, (client) => client.query(`CREATE DATABASE ${TEMPLATE}`));
    const db = await openStore('', cluster.urlFor(TEMPLATE));
    await db.destroy();
    project.provide('postgres', { adminUrl, template: TEMPLATE });
  } catch (error) {
    cluster.destroy();
    throw error;
  }
  return () => cluster.destroy();
}
