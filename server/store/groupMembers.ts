/**
 * Group membership, kept as rows rather than inside the Group's JSON: Entra and Okta change
 * membership one member at a time, and groups can hold thousands of users.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

export interface MemberRef {
  value: string;
  display: string | null;
}

/** The members of each of the given groups, in the order they were added. */
export async function membersOfGroups(db: Db, groupIds: string[]): Promise<Map<string, MemberRef[]>> {
  const result = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return result;
  const rows = await db
    .selectFrom('scim_group_members as m')
    .innerJoin('scim_users as u', 'u.id', 'm.user_id')
    .select(['m.group_id', 'u.id', 'u.display_name', 'u.user_name'])
    .where('m.group_id', 'in', groupIds)
    .select('u.seq')
    .orderBy('u.seq')
    .execute();
  for (const row of rows) result.get(row.group_id)?.push({ value: row.id, display: row.display_name ?? row.user_name });
  return result;
}

/** The groups each of the given users belongs to (User.groups is derived, RFC 7643 §4.1.2). */
export async function groupsOfUsers(db: Db, userIds: string[]): Promise<Map<string, MemberRef[]>> {
  const result = new Map<string, MemberRef[]>();
  if (userIds.length === 0) return result;
  const rows = await db
    .selectFrom('scim_group_members as m')
    .innerJoin('scim_groups as g', 'g.id', 'm.group_id')
    .select(['m.user_id', 'g.id', 'g.display_name'])
    .where('m.user_id', 'in', userIds)
    .orderBy('g.seq')
    .execute();
  for (const row of rows) {
    const list = result.get(row.user_id) ?? [];
    list.push({ value: row.id, display: row.display_name });
    result.set(row.user_id, list);
  }
  return result;
}

/** Of the given ids, those that are not users of the connection. */
export async function unknownUserIds(db: Db, connectionId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = new Set<string>();
  // SQLite caps bound parameters per statement; chunk large member lists.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await db.selectFrom('scim_users').select('id').where('connection_id', '=', connectionId).where('id', 'in', chunk).where('deleted_at', 'is', null).execute();
    for (const row of rows) found.add(row.id);
  }
  return ids.filter((id) => !found.has(id));
}

export async function addMembers(db: Db, groupId: string, userIds: string[]): Promise<void> {
  for (let i = 0; i < userIds.length; i += 500) {
    const chunk = userIds.slice(i, i + 500);
    if (chunk.length === 0) continue;
    await db
      .insertInto('scim_group_members')
      .values(chunk.map((user_id) => ({ group_id: groupId, user_id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function removeMembers(db: Db, groupId: string, userIds: string[]): Promise<void> {
  for (let i = 0; i < userIds.length; i += 500) {
    const chunk = userIds.slice(i, i + 500);
    if (chunk.length === 0) continue;
    await db.deleteFrom('scim_group_members').where('group_id', '=', groupId).where('user_id', 'in', chunk).execute();
  }
}

export async function removeAllMembers(db: Db, groupId: string): Promise<void> {
  await db.deleteFrom('scim_group_members').where('group_id', '=', groupId).execute();
}
