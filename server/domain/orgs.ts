import type { Kysely } from 'kysely';
import type { Database, OrgsTable } from '../store/schema.js';
import { newId, nowIso } from './ids.js';
import { DomainError } from './errors.js';
import { ENROLLMENT_CODE_TTL_MS, generateOneTimeCode, hashOneTimeCode } from './oneTimeCodes.js';

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

export interface OrgWithOwner {
  org: OrgsTable;
  ownerMemberId: string;
  enrollmentCode: string;
  enrollmentExpiresAt: string;
}

/**
 * Creates an org and its first owner, and returns the owner's one-time enrollment code (valid 24
 * hours). Redeeming it in the app signs the owner in on that device.
 */
export async function createOrgWithOwner(
  db: Kysely<Database>,
  input: { name: string; ownerEmail: string; ownerName?: string; clock?: () => number },
): Promise<OrgWithOwner> {
  const clock = input.clock ?? Date.now;
  const ownerEmail = input.ownerEmail.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(ownerEmail) || ownerEmail.length > 320) {
    throw new DomainError('invalid', `"${input.ownerEmail}" is not an email address.`);
  }
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('orgs').select('id').where('name_lower', '=', input.name.trim().toLowerCase()).executeTakeFirst();
    if (existing) throw new DomainError('conflict', `An org named "${input.name.trim()}" already exists.`);
    const org = await ensureOrg(trx, input.name);
    const now = nowIso(clock);
    const ownerMemberId = newId();
    await trx
      .insertInto('members')
      .values({
        id: ownerMemberId,
        org_id: org.id,
        email: ownerEmail,
        email_lower: ownerEmail.toLowerCase(),
        display_name: input.ownerName?.trim() || ownerEmail.split('@')[0]!,
        role: 'owner',
        status: 'active',
        scim_user_id: null,
        created_at: now,
        updated_at: now,
        removed_at: null,
        removed_by_type: null,
        removed_by_id: null,
        removed_by_label: null,
        removal_reason: null,
      })
      .execute();
    const { code, expiresAt } = await issueEnrollmentCode(trx, ownerMemberId, clock);
    return { org, ownerMemberId, enrollmentCode: code, enrollmentExpiresAt: expiresAt };
  });
}

/** A new one-time code that signs an existing member in on one more device. */
export async function issueEnrollmentCode(
  db: Kysely<Database>,
  memberId: string,
  clock: () => number = Date.now,
): Promise<{ code: string; expiresAt: string }> {
  const code = generateOneTimeCode();
  const expiresAt = new Date(clock() + ENROLLMENT_CODE_TTL_MS).toISOString();
  await db
    .insertInto('enrollment_codes')
    .values({ code_hash: hashOneTimeCode(code), member_id: memberId, created_at: nowIso(clock), expires_at: expiresAt, used_at: null })
    .execute();
  return { code, expiresAt };
}
