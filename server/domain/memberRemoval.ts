/**
 * Removing someone from the org, whoever asks (an admin, or a directory deprovisioning them):
 * the membership ends, every device token they hold is revoked, invites made from the same
 * directory user are cancelled, and the audit log and live events say so. The last owner is never
 * removed; the refusal is recorded and raised as an alert instead.
 */
import type { MembersTable } from '../store/schema.js';
import type { DomainContext } from './context.js';
import { recordAudit } from './audit.js';
import { newId } from './ids.js';

export type RemovalOutcome =
  | { kind: 'removed'; revokedDevices: number; cancelledInvites: number }
  | { kind: 'refused'; reason: string; alertId: string };

export const LAST_OWNER_ALERT = 'last_owner_removal_refused';

/** True when the member is an owner and no other active owner exists. */
export async function isLastOwner(ctx: DomainContext, member: MembersTable): Promise<boolean> {
  if (member.role !== 'owner') return false;
  const others = await ctx.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', member.org_id)
    .where('role', '=', 'owner')
    .where('status', '=', 'active')
    .where('id', '!=', member.id)
    .executeTakeFirstOrThrow();
  return Number(others.n) === 0;
}

async function refuseLastOwnerRemoval(ctx: DomainContext, member: MembersTable, reason: string): Promise<RemovalOutcome> {
  const message = `${member.display_name} (${member.email}) is the org's last owner and was not removed, although ${ctx.actor.label} asked to (${reason}). Make someone else an owner first.`;
  // One open alert per refused member: a directory repeating the same request raises no new alert.
  const open = await ctx.db
    .selectFrom('alerts')
    .select('id')
    .where('org_id', '=', member.org_id)
    .where('kind', '=', LAST_OWNER_ALERT)
    .where('dismissed_at', 'is', null)
    .where('subject_id', '=', member.id)
    .executeTakeFirst();
  if (open) return { kind: 'refused', reason: message, alertId: open.id };

  const alertId = newId();
  await ctx.db
    .insertInto('alerts')
    .values({
      id: alertId,
      org_id: member.org_id,
      kind: LAST_OWNER_ALERT,
      subject_id: member.id,
      message,
      details: JSON.stringify({ memberId: member.id, requestedBy: ctx.actor, reason }),
      created_at: ctx.now,
      dismissed_at: null,
      dismissed_by_member_id: null,
    })
    .execute();
  await recordAudit(ctx, {
    orgId: member.org_id,
    kind: 'member.removal_refused',
    subject: { type: 'member', id: member.id, label: member.email },
    details: { reason, refusal: 'last_owner', alertId },
  });
  ctx.events.add(member.org_id, {
    type: 'member.removal_refused',
    memberId: member.id,
    name: member.display_name,
    reason: message,
    alertId,
    by: ctx.actor,
  });
  return { kind: 'refused', reason: message, alertId };
}

/** Cancels the pending invites made from a directory user; returns how many. */
export async function cancelInvitesForDirectoryUser(ctx: DomainContext, orgId: string, scimUserId: string, reason: string): Promise<number> {
  const pending = await ctx.db
    .selectFrom('invites')
    .select(['id', 'email'])
    .where('org_id', '=', orgId)
    .where('scim_user_id', '=', scimUserId)
    .where('status', '=', 'pending')
    .execute();
  for (const invite of pending) {
    await ctx.db
      .updateTable('invites')
      .set({ status: 'cancelled', status_changed_at: ctx.now, status_reason: reason })
      .where('id', '=', invite.id)
      .execute();
    await recordAudit(ctx, {
      orgId,
      kind: 'invite.cancelled',
      subject: { type: 'invite', id: invite.id, label: invite.email },
      details: { reason },
    });
    ctx.events.add(orgId, { type: 'invite.cancelled', inviteId: invite.id, email: invite.email, by: ctx.actor });
  }
  return pending.length;
}

export async function removeMember(ctx: DomainContext, member: MembersTable, reason: string): Promise<RemovalOutcome> {
  if (await isLastOwner(ctx, member)) return refuseLastOwnerRemoval(ctx, member, reason);

  await ctx.db
    .updateTable('members')
    .set({
      status: 'removed',
      removed_at: ctx.now,
      removed_by_type: ctx.actor.type,
      removed_by_id: ctx.actor.id,
      removed_by_label: ctx.actor.label,
      removal_reason: reason,
      updated_at: ctx.now,
    })
    .where('id', '=', member.id)
    .execute();
  const revoked = await ctx.db
    .updateTable('device_tokens')
    .set({ revoked_at: ctx.now, revoked_reason: `member removed: ${reason}` })
    .where('member_id', '=', member.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const revokedDevices = Number(revoked.numUpdatedRows);
  const cancelledInvites = member.scim_user_id ? await cancelInvitesForDirectoryUser(ctx, member.org_id, member.scim_user_id, reason) : 0;

  await recordAudit(ctx, {
    orgId: member.org_id,
    kind: 'member.removed',
    subject: { type: 'member', id: member.id, label: member.email },
    details: { reason, revokedDevices, cancelledInvites, name: member.display_name },
  });
  ctx.events.add(member.org_id, {
    type: 'member.removed',
    memberId: member.id,
    name: member.display_name,
    email: member.email,
    by: ctx.actor,
    revokedDevices,
    cancelledInvites,
  });
  return { kind: 'removed', revokedDevices, cancelledInvites };
}
