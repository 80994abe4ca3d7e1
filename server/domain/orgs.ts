import type { Kysely } from 'kysely';
import type { Database, OrgsTable } from '../store/schema.js';
import { newId, nowIso } from './ids.js';
import { DomainError } from './errors.js';

export const MAX_ORG_NAME_LENGTH = 100;

/** Finds the org by name (ignoring case) or creates it; used by `connection create --org NAME`. */
export async function ensureOrg(db: Kysely<Database>, name: string): Promise<OrgsTable> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_ORG_NAME_LENGTH) {
    throw new DomainError('invalid', `The org name must be between 1 and ${MAX_ORG_NAME_LENGTH} characters.`);
  }
  const existing = await db.selectFrom('orgs').selectAll().where('name_lower', '=', trimmed.toLowerCase()).executeTakeFirst();
  if (existing) return existing;
  const org: OrgsTable = { id: newId(), name: trimmed, name_lower: trimmed.toLowerCase(), created_at: nowIso() };
  await db.insertInto('orgs').values(org).execute();
  return org;
}
