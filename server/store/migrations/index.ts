/**
 * Migrations are listed here rather than read from a folder so that they survive bundling into
 * the desktop app. Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_scim.js';
import * as m002 from './002_org.js';
import * as m003 from './003_pool_search.js';
import * as m004 from './004_pool_search_covering_index.js';
import * as m005 from './005_live_resources_seq_index.js';
import * as m006 from './006_links_by_directory_user.js';
import * as m007 from './007_pool_deactivated_index.js';
import * as m008 from './008_drop_unused_user_email_index.js';
import * as m009 from './009_resource_layout.js';

const migrations: Record<string, Migration> = {
  '001_scim': m001,
  '002_org': m002,
  '003_pool_search': m003,
  '004_pool_search_covering_index': m004,
  '005_live_resources_seq_index': m005,
  '006_links_by_directory_user': m006,
  '007_pool_deactivated_index': m007,
  '008_drop_unused_user_email_index': m008,
  '009_resource_layout': m009,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
