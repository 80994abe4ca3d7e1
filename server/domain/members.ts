/**
 * The org's members as admins manage them: listing (with where each came from), removal by an
 * admin, role changes, and linking a member invited by email to the directory user with the same
 * email, after which the directory manages them (deactivating them there removes them here).
 *
 * Role rules: owners and admins manage members; only an owner may remove an owner, grant 'owner',
 * or take it away; the last owner can be neither removed nor demoted.
 */
import type { Kysely } from 'kysely';
import type { Database, MembersTable } from '../store/schema.js';
import type { Member, MemberPage } from '../../shared/api/members.js';
import type { Role } from '../../shared/api/common.js';
import type { DomainContext } from './context.js';
import { DomainError } from './errors.js';
import { recordAudit } from './audit.js';
import { cancelInvitesForDirectoryUser, isLastOwner, removeMember, type RemovalOutcome } from './memberRemoval.js';
import { ACTIVE_MEMBER } from './statusLiterals.js';

type MemberRow = MembersTable & { connection_id: string | null; connection_name: string | null };

function membersWithSource(db: Kysely<Database>) {
  return db
    .selectFrom('members as m')
    .leftJoin('scim_users as u', 'u.id', 'm.scim_user_id')
    .leftJoin('scim_connections as c', 'c.id', 'u.connection_id')
    .selectAll('m')
    .select(['c.id as connection_id', 'c.name as connection_name']);
}

export function toMember(row: MemberRow): Member {
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    role: row.role,
    status: row.status,
    source:
      row.scim_user_id && row.connection_id
        ? { kind: 'directory', connectionId: row.connection_id, connectionName: row.connection_name ?? '', poolEntryId: row.scim_user_id }
        : { kind: 'email' },
    createdAt: row.created_at,
    removedAt: row.removed_at,
    removedBy: row.removed_by_type ? { type: row.removed_by_type, id: row.removed_by_id, label: row.removed_by_label ?? '' } : null,
    removalReason: row.removal_reason,
  };
}

export async function listMembers(
  db: Kysely<Database>,
  orgId: string,
  query: { status: 'active' | 'removed'; unmanaged?: boolean | undefined; page: number; pageSize: number },
): Promise<MemberPage> {
  let base = db.selectFrom('members as m').where('m.org_id', '=', orgId).where('m.status', '=', query.status);
  // unmanaged=true: only members no directory manages (never linked, or linked through a connection
  // since deleted, whose directory can no longer deprovision them); false or absent: no filter.
  if (query.unmanaged === true) {
    base = base.where((eb) =>
      eb.or([
        eb('m.scim_user_id', 'is', null),
        eb.exists(
          eb
            .selectFrom('scim_users as lu')
            .innerJoin('scim_connections as lc', 'lc.id', 'lu.connection_id')
            .select('lu.id')
            .whereRef('lu.id', '=', 'm.scim_user_id')
            .where('lc.deleted_at', 'is not', null),
        ),
      ]),
    );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const ids = await base
    .select('m.id')
    .orderBy(query.status === 'removed' ? 'm.removed_at' : 'm.created_at', query.status === 'removed' ? 'desc' : 'asc')
    .orderBy('m.id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const rows = ids.length === 0 ? [] : await membersWithSource(db).where('m.id', 'in', ids.map((r) => r.id)).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items = ids.map((r) => byId.get(r.id)).filter((r): r is MemberRow => r !== undefined).map(toMember);
  return { items, total: Number(total), page: query.page, pageSize: query.pageSize };
}

export async function getMember(db: Kysely<Database>, orgId: string, memberId: string): Promise<Member> {
  const row = await membersWithSource(db).where('m.id', '=', memberId).where('m.org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No member with id ${memberId} in this org.`);
  return toMember(row);
}

async function activeMemberOf(ctx: DomainContext, orgId: string, memberId: string): Promise<MembersTable> {
  const row = await ctx.db.selectFrom('members').selectAll().where('id', '=', memberId).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No member with id ${memberId} in this org.`);
  if (row.status !== 'active') throw new DomainError('conflict', `${row.display_name} (${row.email}) was already removed from the org.`);
  return row;
}

/**
 * An admin removes a member: devices revoked at once. The last owner is refused: the refusal (alert,
 * audit, event) is returned, not thrown, so that it commits; the caller answers 409.
 */
export async function removeMemberByAdmin(ctx: DomainContext, admin: MembersTable, memberId: string): Promise<RemovalOutcome> {
  const member = await activeMemberOf(ctx, admin.org_id, memberId);
  if (member.role === 'owner' && admin.role !== 'owner') {
    throw new DomainError('forbidden', `Only an owner may remove an owner; ${member.email} is an owner.`);
  }
  return removeMember(ctx, member, `removed by ${admin.email}`);
}

export async function changeRole(ctx: DomainContext, admin: MembersTable, memberId: string, role: Role): Promise<void> {
  const member = await activeMemberOf(ctx, admin.org_id, memberId);
  if (member.role === role) return;
  if ((role === 'owner' || member.role === 'owner') && admin.role !== 'owner') {
    throw new DomainError('forbidden', 'Only an owner may make someone an owner or change an owner’s role.', 'role');
  }
  if (await isLastOwner(ctx, member)) {
    throw new DomainError('conflict', `${member.display_name} (${member.email}) is the org's last owner; make someone else an owner first.`, 'role');
  }
  await ctx.db.updateTable('members').set({ role, updated_at: ctx.now }).where('id', '=', member.id).execute();
  await recordAudit(ctx, {
    orgId: member.org_id,
    kind: 'member.role_changed',
    subject: { type: 'member', id: member.id, label: member.email },
    details: { from: member.role, to: role },
  });
  ctx.events.add(member.org_id, { type: 'member.changed', memberId: member.id });
}

/**
 * Links a member no directory manages to the pool entry with the same email (ignoring case). The
 * entry must be active in a live connection of the org and not linked to another active member.
 */
export async function linkMember(ctx: DomainContext, orgId: string, memberId: string, poolEntryId: string): Promise<void> {
  const member = await activeMemberOf(ctx, orgId, memberId);
  if (member.scim_user_id) {
    // A link through a deleted connection manages nothing any more and may be replaced.
    const current = await ctx.db
      .selectFrom('scim_users as u')
      .innerJoin('scim_connections as c', 'c.id', 'u.connection_id')
      .select(['c.name', 'c.deleted_at'])
      .where('u.id', '=', member.scim_user_id)
      .executeTakeFirst();
    if (!current || current.deleted_at === null) {
      throw new DomainError(
        'conflict',
        `${member.email} is already managed by a directory${current ? ` (${current.name})` : ''}; only members no directory manages can be linked.`,
      );
    }
  }
  const entry = await ctx.db
    .selectFrom('scim_users as u')
    .innerJoin('scim_connections as c', 'c.id', 'u.connection_id')
    .select(['u.id', 'u.user_name', 'u.email', 'u.active', 'u.deleted_at', 'c.id as connection_id', 'c.name as connection_name', 'c.deleted_at as connection_deleted_at'])
    .where('u.id', '=', poolEntryId)
    .where('c.org_id', '=', orgId)
    .executeTakeFirst();
  if (!entry) throw new DomainError('not_found', `No pool entry ${poolEntryId} in this org's connections.`, 'poolEntryId');
  if (entry.connection_deleted_at !== null) {
    throw new DomainError('conflict', `The connection "${entry.connection_name}" was deleted; its pool entries can no longer manage members.`, 'poolEntryId');
  }
  if (entry.active === 0 || entry.deleted_at !== null) {
    throw new DomainError(
      'conflict',
      `${entry.user_name} is ${entry.deleted_at !== null ? 'deleted' : 'deactivated'} in ${entry.connection_name}; only an active directory user can manage a member.`,
      'poolEntryId',
    );
  }
  if (!entry.email || entry.email.toLowerCase() !== member.email_lower) {
    throw new DomainError(
      'unprocessable',
      `The pool entry's email (${entry.email ?? 'none'}) is not the member's email (${member.email}); a member can only be linked to the directory user with the same email.`,
      'poolEntryId',
    );
  }
  const taken = await ctx.db
    .selectFrom('members')
    .select(['id', 'email'])
    .where('org_id', '=', orgId)
    .where('scim_user_id', '=', entry.id)
    .where('status', '=', ACTIVE_MEMBER)
    .executeTakeFirst();
  if (taken) throw new DomainError('conflict', `This pool entry already manages another member (${taken.email}).`, 'poolEntryId');

  await ctx.db.updateTable('members').set({ scim_user_id: entry.id, updated_at: ctx.now }).where('id', '=', member.id).execute();
  // Invites made from this directory user would now create a second membership: cancel them.
  await cancelInvitesForDirectoryUser(ctx, orgId, entry.id, `${member.email} was linked to this directory user`);
  await recordAudit(ctx, {
    orgId,
    kind: 'member.linked',
    subject: { type: 'member', id: member.id, label: member.email },
    details: { poolEntryId: entry.id, connectionId: entry.connection_id, connectionName: entry.connection_name },
  });
  ctx.events.add(orgId, { type: 'member.changed', memberId: member.id });
  ctx.events.add(orgId, { type: 'pool.changed', connectionId: entry.connection_id, poolEntryIds: [entry.id] });
}
