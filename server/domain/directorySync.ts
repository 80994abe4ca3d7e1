/**
 * What a directory's writes mean for the org. Runs inside the SCIM request's transaction, so the
 * directory's change and its consequences commit together or not at all:
 * - deactivated (`active` false, however the directory phrased it) or deleted → the linked member
 *   is removed (see memberRemoval.ts) and invites made from that directory user are cancelled;
 * - otherwise → the linked member's name and email follow the directory;
 * - whenever the pool changed → admins watching it hear so. A write that leaves the user as it was
 *   (a directory repeating itself) changes nothing here, except that a repeated deactivation still
 *   ends any access left (a last owner whose removal was refused before).
 * Reactivation needs nothing here: the pool derives "available" from the directory's state.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, MembersTable, ScimConnectionsTable } from '../store/schema.js';
import { PrecompiledQuery } from '../store/precompiledQuery.js';
import type { StoredResource } from '../store/scimResources.js';
import type { DomainContext } from './context.js';
import { cancelInvitesForDirectoryUser, removeMember } from './memberRemoval.js';
import { emailOf, nameOf } from './directoryPerson.js';
import { recordAudit } from './audit.js';
import { ACTIVE_MEMBER, PENDING_INVITE } from './statusLiterals.js';

export type DirectoryChange =
  /**
   * `created`: the user did not exist before this transaction, so no member or invite can be linked to it.
   * `previous`: the stored resource this write replaced (PUT, PATCH); `unchanged`: the write left it
   * exactly as it was (a directory repeating itself).
   */
  | { kind: 'written'; scimUserId: string; resource: StoredResource; created?: boolean; previous?: StoredResource; unchanged?: boolean }
  | { kind: 'deleted'; scimUserId: string };

export function connectionActor(connection: Pick<ScimConnectionsTable, 'id' | 'name'>) {
  return { type: 'connection' as const, id: connection.id, label: connection.name };
}

/** A directory write that may change a member's name or email looks the member up: compiled once, not built per request. */
const activeMemberLinkedTo = new PrecompiledQuery((db: Kysely<Database>, [orgId, scimUserId]: [orgId: string, scimUserId: string]) =>
  db.selectFrom('members').selectAll().where('org_id', '=', orgId).where('scim_user_id', '=', scimUserId).where('status', '=', ACTIVE_MEMBER),
);

/**
 * What a deactivation has to end, in one statement: the active member linked to the directory
 * user (all columns null when there is none) and how many pending invites were made from it
 * (almost always none, which spares the statement that would cancel them).
 */
const accessLinkedTo = new PrecompiledQuery((db: Kysely<Database>, [orgId, scimUserId]: [orgId: string, scimUserId: string]) =>
  db
    .selectFrom(db.selectNoFrom(sql<number>`1`.as('one')).as('one'))
    .leftJoin('members as m', (join) => join.on('m.org_id', '=', orgId).on('m.scim_user_id', '=', scimUserId).on('m.status', '=', ACTIVE_MEMBER))
    .selectAll('m')
    .select((eb) =>
      eb
        .selectFrom('invites as i')
        .select(eb.fn.countAll<number | string | bigint>().as('n'))
        .where('i.org_id', '=', orgId)
        .where('i.scim_user_id', '=', scimUserId)
        .where('i.status', '=', PENDING_INVITE)
        .as('pending_invites'),
    ),
);

export async function applyDirectoryChange(
  ctx: DomainContext,
  connection: Pick<ScimConnectionsTable, 'id' | 'org_id' | 'name'>,
  change: DirectoryChange,
): Promise<void> {
  const orgId = connection.org_id;
  const poolChanged = () => ctx.events.add(orgId, { type: 'pool.changed', connectionId: connection.id, poolEntryIds: [change.scimUserId] });
  const unchanged = change.kind === 'written' && change.unchanged === true;
  // Nothing links to a brand-new directory user yet (no member, no invite): the pool only has to hear of it.
  if (change.kind === 'written' && change.created === true) return poolChanged();

  if (change.kind === 'written' && change.resource.active !== false) {
    // The directory repeated what it had said: the member already follows it and the pool shows the same.
    if (unchanged) return;
    // Name and email as before (a title, an `active` true again): there is nothing for a member to follow.
    if (change.previous && nameOf(change.previous) === nameOf(change.resource) && emailOf(change.previous) === emailOf(change.resource)) return poolChanged();
    const [member] = (await activeMemberLinkedTo.execute(ctx.db, [orgId, change.scimUserId])).rows;
    if (member) await followProfile(ctx, member, change.resource);
    return poolChanged();
  }

  // Deactivated (`active` false, however the directory phrased it) or deleted.
  const [links] = (await accessLinkedTo.execute(ctx.db, [orgId, change.scimUserId])).rows;
  const pendingInvites = Number(links?.pending_invites ?? 0);
  const reason = change.kind === 'deleted' ? `deleted in ${connection.name}` : `deactivated in ${connection.name}`;
  let accessEnded = false;
  if (links?.id) {
    // Also when the user was already inactive: a last owner refused before may be removable now.
    const outcome = await removeMember(ctx, links as MembersTable, reason, { pendingInvites });
    accessEnded = outcome.kind === 'removed';
  } else if (pendingInvites > 0) {
    accessEnded = (await cancelInvitesForDirectoryUser(ctx, orgId, change.scimUserId, reason)) > 0;
  }
  // A repeated "deactivate" that found nothing left to end changed nothing the pool shows.
  if (!unchanged || accessEnded) poolChanged();
}

async function followProfile(
  ctx: DomainContext,
  member: { id: string; org_id: string; email: string; display_name: string },
  resource: StoredResource,
): Promise<void> {
  const name = nameOf(resource);
  const email = emailOf(resource) ?? member.email;
  if (name === member.display_name && email === member.email) return;
  // Another active member may already use the new email; then only the name follows.
  const clash =
    email.toLowerCase() !== member.email.toLowerCase() &&
    (await ctx.db
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', member.org_id)
      .where('email_lower', '=', email.toLowerCase())
      .where('status', '=', ACTIVE_MEMBER)
      .executeTakeFirst());
  const nextEmail = clash ? member.email : email;
  await ctx.db
    .updateTable('members')
    .set({ display_name: name, email: nextEmail, email_lower: nextEmail.toLowerCase(), updated_at: ctx.now })
    .where('id', '=', member.id)
    .execute();
  await recordAudit(ctx, {
    orgId: member.org_id,
    kind: 'member.profile_synced',
    subject: { type: 'member', id: member.id, label: nextEmail },
    details: {
      before: { name: member.display_name, email: member.email },
      after: { name, email: nextEmail },
      ...(clash ? { emailNotChanged: `another member already uses ${email}` } : {}),
    },
  });
  ctx.events.add(member.org_id, { type: 'member.changed', memberId: member.id });
}
