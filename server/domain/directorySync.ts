/**
 * What a directory's writes mean for the org. Runs inside the SCIM request's transaction, so the
 * directory's change and its consequences commit together or not at all:
 * - deactivated (`active` false, however the directory phrased it) or deleted → the linked member
 *   is removed (see memberRemoval.ts) and invites made from that directory user are cancelled;
 * - otherwise → the linked member's name and email follow the directory;
 * - always → admins watching the pool hear that it changed.
 * Reactivation needs nothing here: the pool derives "available" from the directory's state.
 */
import type { Kysely } from 'kysely';
import type { Database, ScimConnectionsTable } from '../store/schema.js';
import { PrecompiledQuery } from '../store/precompiledQuery.js';
import type { StoredResource } from '../store/scimResources.js';
import type { DomainContext } from './context.js';
import { cancelInvitesForDirectoryUser, removeMember } from './memberRemoval.js';
import { emailOf, nameOf } from './directoryPerson.js';
import { recordAudit } from './audit.js';

export type DirectoryChange =
  /** `created`: the user did not exist before this transaction, so no member or invite can be linked to it. */
  | { kind: 'written'; scimUserId: string; resource: StoredResource; created?: boolean }
  | { kind: 'deleted'; scimUserId: string };

export function connectionActor(connection: Pick<ScimConnectionsTable, 'id' | 'name'>) {
  return { type: 'connection' as const, id: connection.id, label: connection.name };
}

/** Every directory write looks its user's member up: compiled once, not built per request. */
const activeMemberLinkedTo = new PrecompiledQuery((db: Kysely<Database>, [orgId, scimUserId]: [orgId: string, scimUserId: string]) =>
  db.selectFrom('members').selectAll().where('org_id', '=', orgId).where('scim_user_id', '=', scimUserId).where('status', '=', 'active'),
);

export async function applyDirectoryChange(
  ctx: DomainContext,
  connection: Pick<ScimConnectionsTable, 'id' | 'org_id' | 'name'>,
  change: DirectoryChange,
): Promise<void> {
  const orgId = connection.org_id;
  const deactivated = change.kind === 'deleted' || change.resource.active === false;
  // Nothing links to a brand-new directory user yet (no member, no invite): the pool only has to hear of it.
  if (!(change.kind === 'written' && change.created === true)) {
    const [member] = (await activeMemberLinkedTo.execute(ctx.db, [orgId, change.scimUserId])).rows;
    if (deactivated) {
      const reason = change.kind === 'deleted' ? `deleted in ${connection.name}` : `deactivated in ${connection.name}`;
      if (member) await removeMember(ctx, member, reason);
      else await cancelInvitesForDirectoryUser(ctx, orgId, change.scimUserId, reason);
    } else if (member) {
      await followProfile(ctx, member, change.resource);
    }
  }
  ctx.events.add(orgId, { type: 'pool.changed', connectionId: connection.id, poolEntryIds: [change.scimUserId] });
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
      .where('status', '=', 'active')
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
