/**
 * Invites: from the pool (name and email come from the directory, and the invite stays linked to
 * the directory user, so the member it creates is managed by the directory), or by email. Each
 * invite carries a one-time code, returned once and stored only as a hash; it expires in 7 days.
 * An expired invite is never stored as such: it is a pending one past `expires_at`.
 */
import type { Kysely } from 'kysely';
import type { Database, InvitesTable, MembersTable } from '../store/schema.js';
import type { Invite, InviteOutcome, InvitePage } from '../../shared/api/invites.js';
import type { DomainContext } from './context.js';
import { DomainError } from './errors.js';
import { newId } from './ids.js';
import { generateOneTimeCode, hashOneTimeCode, INVITE_CODE_TTL_MS } from './oneTimeCodes.js';
import { recordAudit } from './audit.js';
import { connectionOfOrg } from './pool.js';
import { ACTIVE_MEMBER, PENDING_INVITE } from './statusLiterals.js';

type InviteRow = InvitesTable & { connection_id: string | null };

export type InviteStatusFilter = Invite['status'];

function toInvite(row: InviteRow, now: string): Invite {
  const expired = row.status === 'pending' && row.expires_at <= now;
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    role: row.role,
    status: expired ? 'expired' : row.status,
    poolEntryId: row.scim_user_id,
    connectionId: row.connection_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    statusReason: row.status_reason,
  };
}

function invitesWithConnection(db: Kysely<Database>) {
  return db.selectFrom('invites as i').leftJoin('scim_users as u', 'u.id', 'i.scim_user_id').selectAll('i').select('u.connection_id');
}

export async function listInvites(
  db: Kysely<Database>,
  orgId: string,
  query: { status?: InviteStatusFilter | undefined; page: number; pageSize: number },
  now: string,
): Promise<InvitePage> {
  let base = db.selectFrom('invites as i').where('i.org_id', '=', orgId);
  if (query.status === 'pending') base = base.where('i.status', '=', 'pending').where('i.expires_at', '>', now);
  else if (query.status === 'expired') base = base.where('i.status', '=', 'pending').where('i.expires_at', '<=', now);
  else if (query.status) base = base.where('i.status', '=', query.status);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .leftJoin('scim_users as u', 'u.id', 'i.scim_user_id')
    .selectAll('i')
    .select('u.connection_id')
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return { items: rows.map((row) => toInvite(row, now)), total: Number(total), page: query.page, pageSize: query.pageSize };
}

interface Inviter {
  orgId: string;
  member: Pick<MembersTable, 'id' | 'email'>;
}

function outcome(
  poolEntryId: string | null,
  email: string | null,
  kind: Exclude<InviteOutcome['outcome'], 'invited'>,
  message: string,
): InviteOutcome {
  return { poolEntryId, email, outcome: kind, message, invite: null, inviteCode: null };
}

async function activeMemberWithEmail(ctx: DomainContext, orgId: string, emailLower: string) {
  return ctx.db
    .selectFrom('members')
    .select(['id', 'scim_user_id'])
    .where('org_id', '=', orgId)
    .where('email_lower', '=', emailLower)
    .where('status', '=', ACTIVE_MEMBER)
    .executeTakeFirst();
}

/** The pending invite for this email (or directory user), unexpired; an expired one is retired so a new one can be made. */
async function pendingInvite(ctx: DomainContext, orgId: string, emailLower: string, scimUserId: string | null) {
  let query = ctx.db.selectFrom('invites').select(['id', 'email', 'expires_at']).where('org_id', '=', orgId).where('status', '=', PENDING_INVITE);
  query = scimUserId
    ? query.where((eb) => eb.or([eb('email_lower', '=', emailLower), eb('scim_user_id', '=', scimUserId)]))
    : query.where('email_lower', '=', emailLower);
  const rows = await query.execute();
  let live: (typeof rows)[number] | undefined;
  for (const row of rows) {
    if (row.expires_at > ctx.now) {
      live ??= row;
      continue;
    }
    // At most one pending invite per email (a unique index): an expired one makes way for the new one.
    await ctx.db
      .updateTable('invites')
      .set({ status: 'cancelled', status_changed_at: ctx.now, status_reason: 'expired; replaced by a new invite' })
      .where('id', '=', row.id)
      .execute();
  }
  return live;
}

async function createInvite(
  ctx: DomainContext,
  inviter: Inviter,
  input: { email: string; name: string; role: 'admin' | 'member'; scimUserId: string | null; connectionId: string | null },
): Promise<InviteOutcome> {
  const code = generateOneTimeCode();
  const row: InvitesTable = {
    id: newId(),
    org_id: inviter.orgId,
    email: input.email,
    email_lower: input.email.toLowerCase(),
    display_name: input.name,
    role: input.role,
    scim_user_id: input.scimUserId,
    code_hash: hashOneTimeCode(code),
    invited_by_member_id: inviter.member.id,
    created_at: ctx.now,
    expires_at: new Date(Date.parse(ctx.now) + INVITE_CODE_TTL_MS).toISOString(),
    status: 'pending',
    status_changed_at: null,
    status_reason: null,
    member_id: null,
  };
  await ctx.db.insertInto('invites').values(row).execute();
  await recordAudit(ctx, {
    orgId: inviter.orgId,
    kind: 'invite.created',
    subject: { type: 'invite', id: row.id, label: row.email },
    details: {
      name: row.display_name,
      role: row.role,
      expiresAt: row.expires_at,
      source: input.scimUserId ? 'directory' : 'email',
      ...(input.scimUserId ? { poolEntryId: input.scimUserId, connectionId: input.connectionId } : {}),
    },
  });
  ctx.events.add(inviter.orgId, { type: 'invite.changed', inviteId: row.id });
  return {
    poolEntryId: input.scimUserId,
    email: row.email,
    outcome: 'invited',
    message: `Invited ${row.display_name} <${row.email}> as ${row.role}; the code expires ${row.expires_at}.`,
    invite: toInvite({ ...row, connection_id: input.connectionId }, ctx.now),
    inviteCode: code,
  };
}

/** Invites the given pool entries, one result per requested entry in request order. */
export async function inviteFromPool(
  ctx: DomainContext,
  inviter: Inviter,
  request: { connectionId: string; poolEntryIds: string[]; role: 'admin' | 'member' },
): Promise<InviteOutcome[]> {
  const connection = await connectionOfOrg(ctx.db, inviter.orgId, request.connectionId);
  if (connection.deleted_at !== null) {
    throw new DomainError(
      'conflict',
      `The connection "${connection.name}" was deleted: its directory can no longer deactivate anyone, so nobody can be invited from its pool.`,
      'connectionId',
    );
  }
  const results: InviteOutcome[] = [];
  const invited: string[] = [];
  for (const entryId of request.poolEntryIds) {
    const entry = await ctx.db
      .selectFrom('scim_users')
      .select(['id', 'user_name', 'full_name', 'email', 'active', 'deleted_at'])
      .where('id', '=', entryId)
      .where('connection_id', '=', connection.id)
      .executeTakeFirst();
    if (!entry) {
      results.push(outcome(entryId, null, 'not_found', `No pool entry ${entryId} in the connection "${connection.name}".`));
      continue;
    }
    const name = entry.full_name ?? entry.user_name;
    if (entry.active === 0 || entry.deleted_at !== null) {
      const how = entry.deleted_at !== null ? 'deleted' : 'deactivated';
      results.push(outcome(entry.id, entry.email, 'deactivated', `${name} was ${how} in ${connection.name} and cannot be invited.`));
      continue;
    }
    if (!entry.email) {
      results.push(
        outcome(
          entry.id,
          null,
          'no_email',
          `${name} has no email address in ${connection.name}; add one in the directory (or map userName to an email) and it will sync here.`,
        ),
      );
      continue;
    }
    const emailLower = entry.email.toLowerCase();
    const linked = await ctx.db
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', inviter.orgId)
      .where('scim_user_id', '=', entry.id)
      .where('status', '=', ACTIVE_MEMBER)
      .executeTakeFirst();
    const sameEmail = linked ? undefined : await activeMemberWithEmail(ctx, inviter.orgId, emailLower);
    if (linked || sameEmail) {
      const hint = sameEmail && !sameEmail.scim_user_id ? ' (invited by email; link the member to this pool entry to let the directory manage them)' : '';
      results.push(outcome(entry.id, entry.email, 'already_member', `${name} <${entry.email}> is already a member of this org${hint}.`));
      continue;
    }
    const pending = await pendingInvite(ctx, inviter.orgId, emailLower, entry.id);
    if (pending) {
      results.push(
        outcome(entry.id, entry.email, 'already_invited', `${name} <${pending.email}> already has a pending invite (expires ${pending.expires_at}).`),
      );
      continue;
    }
    results.push(
      await createInvite(ctx, inviter, { email: entry.email, name, role: request.role, scimUserId: entry.id, connectionId: connection.id }),
    );
    invited.push(entry.id);
  }
  if (invited.length > 0) ctx.events.add(inviter.orgId, { type: 'pool.changed', connectionId: connection.id, poolEntryIds: invited });
  return results;
}

export async function inviteByEmail(
  ctx: DomainContext,
  inviter: Inviter,
  request: { email: string; name: string; role: 'admin' | 'member' },
): Promise<InviteOutcome> {
  const emailLower = request.email.toLowerCase();
  if (await activeMemberWithEmail(ctx, inviter.orgId, emailLower)) {
    return outcome(null, request.email, 'already_member', `${request.email} is already a member of this org.`);
  }
  const pending = await pendingInvite(ctx, inviter.orgId, emailLower, null);
  if (pending) return outcome(null, request.email, 'already_invited', `${pending.email} already has a pending invite (expires ${pending.expires_at}).`);
  return createInvite(ctx, inviter, { email: request.email, name: request.name, role: request.role, scimUserId: null, connectionId: null });
}

/** Revokes a pending, unexpired invite; its code stops working at once. */
export async function revokeInvite(ctx: DomainContext, orgId: string, inviteId: string, reason: string): Promise<void> {
  const row = await invitesWithConnection(ctx.db).where('i.id', '=', inviteId).where('i.org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No invite with id ${inviteId} in this org.`);
  const current = toInvite(row, ctx.now);
  if (current.status !== 'pending') throw new DomainError('conflict', `This invite is ${current.status}, not pending; there is nothing to revoke.`);
  await ctx.db
    .updateTable('invites')
    .set({ status: 'revoked', status_changed_at: ctx.now, status_reason: reason })
    .where('id', '=', row.id)
    .where('status', '=', PENDING_INVITE)
    .execute();
  await recordAudit(ctx, {
    orgId,
    kind: 'invite.revoked',
    subject: { type: 'invite', id: row.id, label: row.email },
    details: { reason, ...(row.scim_user_id ? { poolEntryId: row.scim_user_id } : {}) },
  });
  ctx.events.add(orgId, { type: 'invite.changed', inviteId: row.id });
  if (row.scim_user_id && row.connection_id) {
    ctx.events.add(orgId, { type: 'pool.changed', connectionId: row.connection_id, poolEntryIds: [row.scim_user_id] });
  }
}
