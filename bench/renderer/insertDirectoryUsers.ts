/**
 * Seeds directory users straight into `scim_users`, with the SCIM routes' own column derivation,
 * in large transactions of multi-row inserts: both benchmarks need 100,000 users in seconds,
 * which the SCIM API (one transaction per user) cannot give. (It lives beside the renderer
 * benchmark, whose TypeScript project the backend benchmark already references.)
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/store/schema.js';
import { derivedColumns, storedResourceColumns } from '../../server/store/scimResources.js';
import { newId } from '../../server/domain/ids.js';

const TRANSACTION_ROWS = 5000;
const ROWS_PER_STATEMENT = 250;

/** Inserts `count` users of `connectionId`, the i-th from `userAt(i)`; returns their ids in order. */
export async function insertDirectoryUsers(
  db: Kysely<Database>,
  connectionId: string,
  count: number,
  userAt: (index: number) => { resource: Record<string, unknown>; at: string },
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += TRANSACTION_ROWS) {
    const end = Math.min(count, start + TRANSACTION_ROWS);
    await db.transaction().execute(async (trx) => {
      for (let from = start; from < end; from += ROWS_PER_STATEMENT) {
        const rows = [];
        for (let i = from; i < Math.min(end, from + ROWS_PER_STATEMENT); i++) {
          const { resource, at } = userAt(i);
          const id = newId();
          ids.push(id);
          rows.push({
            id,
            connection_id: connectionId,
            ...derivedColumns.scim_users(resource),
            // As the SCIM routes store it: in the layout whole reads splice (migration 009).
            ...storedResourceColumns.scim_users(resource),
            created_at: at,
            updated_at: at,
            version: 1,
            deleted_at: null,
          });
        }
        // derivedColumns is typed loosely (it serves both tables); its scim_users keys are exact.
        await trx
          .insertInto('scim_users')
          .values(rows as never)
          .execute();
      }
    });
  }
  return ids;
}
