/**
 * Removing someone from the org, whoever asks (an admin, or a directory deprovisioning them):
 * the membership ends, every device token they hold is revoked, invites made from the same
 * directory user are cancelled, and the audit log and live events say so. The last owner is never
 * removed; the refusal is recorded and raised as an alert instead.
 */
import type { Kysely } from 'kysely';
import type { Database, MembersTable } from '../store/schema.js';
import { PrecompiledQuery } from '../store/precompiledQuery.js';
import type { DomainContext } from './context.js';
import { recordAudit } from './audit.js';
import { newId } from './ids.js';
import { ACTIVE_MEMBER, PENDING_INVITE } from './statusLiterals.js';

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
    .where('status', '=', ACTIVE_MEMBER)
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

// A directory's deprovisioning wave removes members one request after another: these statements
// are compiled once, not built per removal (see store/precompiledQuery.ts).

/** Cancels in one statement and says which were cancelled (RETURNING: SQLite ≥ 3.35 and PostgreSQL). */
const cancelPendingInvites = new PrecompiledQuery(
  (db: Kysely<Database>, [now, reason, orgId, scimUserId]: [now: string, reason: string, orgId: string, scimUserId: string]) =>
    db
      .updateTable('invites')
      .set({ status: 'cancelled', status_changed_at: now, status_reason: reason })
      .where('org_id', '=', orgId)
      .where('scim_user_id', '=', scimUserId)
      .where('status', '=', PENDING_INVITE)
      .returning(['id', 'email']),
);

const markRemoved = new PrecompiledQuery(
  (db: Kysely<Database>, v: [now: string, byType: MembersTable['removed_by_type'], byId: string | null, byLabel: string, reason: string, memberId: string]) =>
    db
      .updateTable('members')
      .set({ status: 'removed', removed_at: v[0], removed_by_type: v[1], removed_by_id: v[2], removed_by_label: v[3], removal_reason: v[4], updated_at: v[0] })
      .where('id', '=', v[5]),
);

const revokeDeviceTokens = new PrecompiledQuery((db: Kysely<Database>, [now, reason, memberId]: [now: string, reason: string, memberId: string]) =>
  db.updateTable('device_tokens').set({ revoked_at: now, revoked_reason: reason }).where('member_id', '=', memberId).where('revoked_at', 'is', null),
);

/** Cancels the pending invites made from a directory user; returns how many. */
export async function cancelInvitesForDirectoryUser(ctx: DomainContext, orgId: string, scimUserId: string, reason: string): Promise<number> {
  const { rows: cancelled } = await cancelPendingInvites.execute(ctx.db, [ctx.now, reason, orgId, scimUserId]);
  for (const invite of cancelled) {
    await recordAudit(ctx, {
      orgId,
      kind: 'invite.cancelled',
      subject: { type: 'invite', id: invite.id, label: invite.email },
      details: { reason },
    });
    ctx.events.add(orgId, { type: 'invite.cancelled', inviteId: invite.id, email: invite.email, by: ctx.actor });
  }
  return cancelled.length;
}

/**
 * `pendingInvites`: how many pending invites the caller already knows were made from the member's
 * directory user (directorySync.ts reads it with the member); 0 spares the statement that cancels them.
 */
export async function removeMember(ctx: DomainContext, member: MembersTable, reason: string, known?: { pendingInvites: number }): Promise<RemovalOutcome> {
  if (await isLastOwner(ctx, member)) return refuseLastOwnerRemoval(ctx, member, reason);

  await markRemoved.execute(ctx.db, [ctx.now, ctx.actor.type, ctx.actor.id, ctx.actor.label, reason, member.id]);
  const revoked = await revokeDeviceTokens.execute(ctx.db, [ctx.now, `member removed: ${reason}`, member.id]);
  const revokedDevices = Number(revoked.numAffectedRows ?? 0);
  const cancelledInvites =
    member.scim_user_id && known?.pendingInvites !== 0 ? await cancelInvitesForDirectoryUser(ctx, member.org_id, member.scim_user_id, reason) : 0;

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
