/** Stands in for the integration-pg project on a machine without PostgreSQL (see vitest.config.ts). */
import { it } from 'vitest';

it.skip('integration-pg: skipped because PostgreSQL (initdb, pg_ctl) is not installed; apt-get install postgresql or set POSTGRES_BIN', () => {});
