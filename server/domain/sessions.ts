/**
 * Signing devices in and recognising them: a one-time code (an owner's enrollment code or an
 * invite code) is redeemed for a device token; the token authenticates every admin API call until
 * it is revoked, which happens at once when its member is removed.
 */
import type { Kysely } from 'kysely';
import type { Database, MembersTable, OrgsTable } from '../store/schema.js';
import type { DomainContext } from './context.js';
import { DomainError } from './errors.js';
import { newId } from './ids.js';
import { generateDeviceToken, hashDeviceToken, hashOneTimeCode } from './oneTimeCodes.js';
import { recordAudit } from './audit.js';
import { ACTIVE_MEMBER, PENDING_INVITE } from './statusLiterals.js';

export interface DeviceSession {
  org: Pick<OrgsTable, 'id' | 'name'>;
  member: MembersTable;
  deviceId: string;
}

export interface RedeemedCode extends DeviceSession {
  deviceToken: string;
}

const INVALID_CODE = 'This code is not valid: it may be mistyped, already used, expired or cancelled. Ask an admin for a new one.';

async function issueDeviceToken(ctx: DomainContext, member: MembersTable, label: string): Promise<{ deviceId: string; deviceToken: string }> {
  const deviceToken = generateDeviceToken();
  const deviceId = newId();
  await ctx.db
    .insertInto('device_tokens')
    .values({
      id: deviceId,
      member_id: member.id,
      token_hash: hashDeviceToken(deviceToken),
      label,
      created_at: ctx.now,
      last_used_at: null,
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();
  await recordAudit(ctx, {
    orgId: member.org_id,
    kind: 'device.enrolled',
    subject: { type: 'member', id: member.id, label: member.email },
    details: { deviceId, label },
  });
  return { deviceId, deviceToken };
}

async function orgOf(db: Kysely<Database>, orgId: string): Promise<Pick<OrgsTable, 'id' | 'name'>> {
  return db.selectFrom('orgs').select(['id', 'name']).where('id', '=', orgId).executeTakeFirstOrThrow();
}

/**
 * Redeems a one-time code. Returns undefined for a code that is unknown, used, expired or
 * cancelled: the caller answers all of these alike, so codes cannot be probed.
 */
export async function redeemCode(ctx: DomainContext, input: { code: string; deviceLabel: string }): Promise<RedeemedCode | undefined> {
  const codeHash = hashOneTimeCode(input.code);

  const enrollment = await ctx.db
    .selectFrom('enrollment_codes as e')
    .innerJoin('members as m', 'm.id', 'e.member_id')
    .selectAll('m')
    .where('e.code_hash', '=', codeHash)
    .where('e.used_at', 'is', null)
    .where('e.expires_at', '>', ctx.now)
    .where('m.status', '=', 'active')
    .executeTakeFirst();
  if (enrollment) {
    await ctx.db.updateTable('enrollment_codes').set({ used_at: ctx.now }).where('code_hash', '=', codeHash).execute();
    const device = await issueDeviceToken({ ...ctx, actor: { type: 'member', id: enrollment.id, label: enrollment.email } }, enrollment, input.deviceLabel);
    return { org: await orgOf(ctx.db, enrollment.org_id), member: enrollment, ...device };
  }

  const invite = await ctx.db
    .selectFrom('invites')
    .selectAll()
    .where('code_hash', '=', codeHash)
    .where('status', '=', PENDING_INVITE)
    .where('expires_at', '>', ctx.now)
    .executeTakeFirst();
  if (!invite) return undefined;

  const alreadyMember = await ctx.db
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', invite.org_id)
    .where('email_lower', '=', invite.email_lower)
    .where('status', '=', ACTIVE_MEMBER)
    .executeTakeFirst();
  if (alreadyMember) throw new DomainError('conflict', `${invite.email} is already a member of this org; sign in with an enrollment code instead.`, 'code');

  const member: MembersTable = {
    id: newId(),
    org_id: invite.org_id,
    email: invite.email,
    email_lower: invite.email_lower,
    display_name: invite.display_name,
    role: invite.role,
    status: 'active',
    scim_user_id: invite.scim_user_id,
    created_at: ctx.now,
    updated_at: ctx.now,
    removed_at: null,
    removed_by_type: null,
    removed_by_id: null,
    removed_by_label: null,
    removal_reason: null,
  };
  await ctx.db.insertInto('members').values(member).execute();
  await ctx.db
    .updateTable('invites')
    .set({ status: 'accepted', status_changed_at: ctx.now, member_id: member.id })
    .where('id', '=', invite.id)
    .execute();
  const memberCtx = { ...ctx, actor: { type: 'member' as const, id: member.id, label: member.email } };
  await recordAudit(memberCtx, {
    orgId: invite.org_id,
    kind: 'invite.accepted',
    subject: { type: 'member', id: member.id, label: member.email },
    details: { inviteId: invite.id, role: member.role, poolEntryId: invite.scim_user_id },
  });
  ctx.events.add(invite.org_id, { type: 'member.changed', memberId: member.id });
  ctx.events.add(invite.org_id, { type: 'invite.changed', inviteId: invite.id });
  const device = await issueDeviceToken(memberCtx, member, input.deviceLabel);
  return { org: await orgOf(ctx.db, invite.org_id), member, ...device };
}

export { INVALID_CODE };

/** The session behind a device token, or undefined when the token is unknown, revoked, or its member removed. */
export async function authenticateDevice(db: Kysely<Database>, token: string): Promise<DeviceSession | undefined> {
  const row = await db
    .selectFrom('device_tokens as d')
    .innerJoin('members as m', 'm.id', 'd.member_id')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .selectAll('m')
    .select(['d.id as device_id', 'o.name as org_name'])
    .where('d.token_hash', '=', hashDeviceToken(token))
    .where('d.revoked_at', 'is', null)
    .where('m.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return undefined;
  const { device_id, org_name, ...member } = row;
  return { org: { id: member.org_id, name: org_name }, member, deviceId: device_id };
}
