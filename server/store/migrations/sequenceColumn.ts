import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { isPostgresStore } from '../postgres.js';

/**
 * The `seq` column (insertion order, the stable order of list pages): SQLite's INTEGER PRIMARY KEY
 * AUTOINCREMENT, PostgreSQL's identity column (bigint, read back as a number, see postgres.ts).
 */
export function sequenceColumn(db: Kysely<unknown>): { type: 'integer' | 'bigint'; build: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder } {
  return isPostgresStore(db)
    ? { type: 'bigint', build: (c) => c.primaryKey().generatedAlwaysAsIdentity() }
    : { type: 'integer', build: (c) => c.primaryKey().autoIncrement() };
}
