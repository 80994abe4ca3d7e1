/**
 * Users and Groups of a SCIM connection share one storage shape: the canonical resource as JSON
 * plus indexed columns derived from it on every write, so the two can never disagree. This module
 * is that shape once, for both tables.
 */
import type { Compilable, Expression, Kysely, SqlBool, UpdateResult } from 'kysely';
import type { Database } from './schema.js';
import { emailOf, nameOf, searchTextOf } from '../domain/directoryPerson.js';
import { changeStamp, isSqlite, UnchangedListMemo } from './unchangedListMemo.js';
import type { MemberRef } from './groupMembers.js';
import { PrecompiledQuery } from './precompiledQuery.js';
import { isPostgresStore } from './postgres.js';
import { listPagePostgres } from './postgresListPage.js';
import { spliceableText, type SpliceableText } from '../scim/resource/spliceableText.js';
import { groupResourceType, userResourceType } from '../scim/schema/definitions.js';

export type StoredResource = Record<string, unknown>;

export interface ResourceRow {
  id: string;
  connectionId: string;
  /** Parsed from the stored text on first use (a spliced whole-resource read never asks for it). */
  readonly resource: StoredResource;
  /** The stored text when its writer stored it in the splice layout (spliceableText.ts). */
  spliceable?: SpliceableText | undefined;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type ResourceTable = 'scim_users' | 'scim_groups';

type Db = Kysely<Database>;

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The indexed columns of each table, computed from the canonical resource. */
export const derivedColumns: Record<ResourceTable, (resource: StoredResource) => Record<string, string | number | null>> = {
  scim_users: (resource) => {
    const userName = String(resource.userName);
    const email = emailOf(resource);
    const fullName = nameOf(resource);
    return {
      user_name: userName,
      user_name_lower: userName.toLowerCase(),
      external_id: textOrNull(resource.externalId),
      display_name: textOrNull(resource.displayName),
      active: resource.active === true ? 1 : resource.active === false ? 0 : null,
      // What the pool shows and searches (migration 002).
      email,
      full_name: fullName,
      search_text: searchTextOf(resource, email, fullName),
    };
  },
  scim_groups: (resource) => {
    const displayName = String(resource.displayName);
    return {
      display_name: displayName,
      display_name_lower: displayName.toLowerCase(),
      external_id: textOrNull(resource.externalId),
    };
  },
};

/**
 * The `resource` text to store and its `resource_layout` (migration 009), for every writer of
 * `resource`: in the splice layout whenever the resource allows, so that whole reads can splice it.
 */
export const storedResourceColumns: Record<ResourceTable, (resource: StoredResource) => { resource: string; resource_layout: number | null }> = {
  scim_users: (resource) => storedColumnsOf(spliceableText(userResourceType, resource, 'groups')),
  scim_groups: (resource) => storedColumnsOf(spliceableText(groupResourceType, resource, 'members')),
};

function storedColumnsOf(stored: { text: string; layout: number | null }): { resource: string; resource_layout: number | null } {
  return { resource: stored.text, resource_layout: stored.layout };
}

const spliceableOf = (stored: { resource: string; resource_layout: number | null }): SpliceableText | undefined =>
  stored.resource_layout === null ? undefined : { text: stored.resource, layout: stored.resource_layout };

/** A resource row as SQL returns it, before toRow. */
export interface RawRow {
  id: string;
  connection_id: string;
  resource: string;
  /** Null for a text not known to be in the splice layout (migration 009). */
  resource_layout: number | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * A row as the store hands it out, its `resource` parsed from the stored text on first use: a whole
 * read of a spliceable row answers from the text alone. A class rather than an object literal with
 * a getter, which V8 builds slowly and in a shape of its own per row: that cost about 8 µs a row in
 * the alternating benchmark, more than the parse it saved (an Okta import page: ×1.5 CPU).
 */
class StoredRow implements ResourceRow {
  constructor(
    readonly id: string,
    readonly connectionId: string,
    /** The stored text until `resource` is first read, then the parsed resource. */
    private stored: string | StoredResource,
    readonly spliceable: SpliceableText | undefined,
    readonly createdAt: string,
    readonly updatedAt: string,
    readonly version: number,
  ) {}

  get resource(): StoredResource {
    if (typeof this.stored === 'string') this.stored = JSON.parse(this.stored) as StoredResource;
    return this.stored;
  }
}

function toRow(row: RawRow): ResourceRow {
  return new StoredRow(row.id, row.connection_id, row.resource, spliceableOf(row), row.created_at, row.updated_at, row.version);
}

// Kysely cannot type a query over "one of two tables"; the casts stay inside this module, whose
// columns are common to both tables by construction (see migrations/001_scim.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const loose = (db: Db) => db as unknown as Kysely<any>;
const columns = ['r.id', 'r.connection_id', 'r.resource', 'r.resource_layout', 'r.created_at', 'r.updated_at', 'r.version'];

/** One INSERT per table, compiled once (its derived columns are always the same ones, in the same order). */
const inserts: Record<ResourceTable, PrecompiledQuery<unknown[], unknown>> = {
  scim_users: insertInto('scim_users'),
  scim_groups: insertInto('scim_groups'),
};

function insertInto(table: ResourceTable): PrecompiledQuery<unknown[], unknown> {
  // values: id, connection_id, resource, resource_layout, created_at (also updated_at), then the derived columns in `shape`'s order.
  return new PrecompiledQuery((db, [id, connectionId, resource, layout, now, ...derived], shape) =>
    db.insertInto(table).values({
      id,
      connection_id: connectionId,
      ...Object.fromEntries(shape.split(',').map((column, i) => [column, derived[i]])),
      resource,
      resource_layout: layout,
      created_at: now,
      updated_at: now,
      version: 1,
    }),
  );
}

export async function insertResource(
  db: Db,
  table: ResourceTable,
  input: { id: string; connectionId: string; resource: StoredResource; now: string },
): Promise<ResourceRow> {
  const derived = derivedColumns[table](input.resource);
  const stored = storedResourceColumns[table](input.resource);
  await inserts[table].execute(db, [input.id, input.connectionId, stored.resource, stored.resource_layout, input.now, ...Object.values(derived)], Object.keys(derived).join(','));
  return new StoredRow(input.id, input.connectionId, input.resource, spliceableOf(stored), input.now, input.now, 1);
}

const findLive: Record<ResourceTable, PrecompiledQuery<[connectionId: string, id: string], RawRow>> = {
  scim_users: findLiveIn('scim_users'),
  scim_groups: findLiveIn('scim_groups'),
};

function findLiveIn(table: ResourceTable): PrecompiledQuery<[connectionId: string, id: string], RawRow> {
  return new PrecompiledQuery(
    (db, [connectionId, id]) =>
      db
        .selectFrom(`${table} as r`)
        .select(columns)
        .where('r.connection_id', '=', connectionId)
        .where('r.id', '=', id)
        .where('r.deleted_at', 'is', null) as unknown as Compilable<RawRow>,
  );
}

export async function findResource(db: Db, table: ResourceTable, connectionId: string, id: string): Promise<ResourceRow | undefined> {
  const [row] = (await findLive[table].execute(db, [connectionId, id])).rows;
  return row ? toRow(row) : undefined;
}

/**
 * A live user and its groups (in the groups' creation order) in one statement, which is a
 * consistent view on its own: the hot read (GET /Users/{id}) needs no transaction around it.
 * Keyed by id, or by the live user's lower-cased userName (unique per connection among live users).
 */
const userWithGroupsBy = (key: 'r.id' | 'r.user_name_lower') =>
  new PrecompiledQuery((db: Db, [connectionId, value]: [connectionId: string, value: string]) =>
    db
      .selectFrom('scim_users as r')
      .leftJoin('scim_group_members as m', 'm.user_id', 'r.id')
      .leftJoin('scim_groups as g', 'g.id', 'm.group_id')
      .select(['r.id', 'r.connection_id', 'r.resource', 'r.resource_layout', 'r.created_at', 'r.updated_at', 'r.version', 'g.id as group_id', 'g.display_name as group_display_name'])
      .where('r.connection_id', '=', connectionId)
      .where(key, '=', value)
      .where('r.deleted_at', 'is', null)
      .orderBy('g.seq'),
  );
const userWithGroups = userWithGroupsBy('r.id');
const userByUserNameWithGroups = userWithGroupsBy('r.user_name_lower');

export async function findUserWithGroups(db: Db, connectionId: string, id: string): Promise<{ row: ResourceRow; groups: MemberRef[] } | undefined> {
  return userAndGroupsOf((await userWithGroups.execute(db, [connectionId, id])).rows);
}

/**
 * The `userName eq "…"` lookup (Entra's before every create, Okta's matching) in one statement,
 * consistent on its own: the live user whose `user_name_lower` is `userNameLower`, with its groups.
 */
export async function findUserByUserNameWithGroups(db: Db, connectionId: string, userNameLower: string): Promise<{ row: ResourceRow; groups: MemberRef[] } | undefined> {
  return userAndGroupsOf((await userByUserNameWithGroups.execute(db, [connectionId, userNameLower])).rows);
}

function userAndGroupsOf(rows: (RawRow & { group_id: string | null; group_display_name: string | null })[]): { row: ResourceRow; groups: MemberRef[] } | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const groups = rows.flatMap((r) => (r.group_id === null ? [] : [{ value: r.group_id, display: r.group_display_name }]));
  return { row: toRow(first), groups };
}

/**
 * Only the derived columns whose value changes are written: the rows' columns were derived from
 * `current.resource` by the write that stored it, and an assigned column costs its index and
 * trigger upkeep even when its value stays (the pool's trigram index made every PATCH of
 * `active` ten times dearer than the change itself).
 */
function changedColumns(table: ResourceTable, current: StoredResource, next: StoredResource): Record<string, string | number | null> {
  const before = derivedColumns[table](current);
  const after = derivedColumns[table](next);
  return Object.fromEntries(Object.entries(after).filter(([column, value]) => before[column] !== value));
}

/** One UPDATE per table, compiled once per set of changed derived columns (`shape`: their names). */
const updates: Record<ResourceTable, PrecompiledQuery<unknown[], UpdateResult>> = {
  scim_users: updateIn('scim_users'),
  scim_groups: updateIn('scim_groups'),
};

function updateIn(table: ResourceTable): PrecompiledQuery<unknown[], UpdateResult> {
  // values: id, resource, resource_layout, updated_at, version, then the changed derived columns in `shape`'s order.
  return new PrecompiledQuery((db, [id, resource, layout, updatedAt, version, ...derived], shape) => {
    const changed = Object.fromEntries((shape === '' ? [] : shape.split(',')).map((column, i) => [column, derived[i]]));
    return db
      .updateTable(table)
      .set({ ...changed, resource, resource_layout: layout, updated_at: updatedAt, version })
      .where('id', '=', id);
  });
}

export async function updateResource(db: Db, table: ResourceTable, current: ResourceRow, resource: StoredResource, now: string): Promise<ResourceRow> {
  const changed = changedColumns(table, current.resource, resource);
  const shape = Object.keys(changed).join(',');
  // A row written before migration 009 (no layout) is marked here, at its first write since.
  const stored = storedResourceColumns[table](resource);
  await updates[table].execute(db, [current.id, stored.resource, stored.resource_layout, now, current.version + 1, ...Object.values(changed)], shape);
  return new StoredRow(current.id, current.connectionId, resource, spliceableOf(stored), current.createdAt, now, current.version + 1);
}

/** Marks a resource as changed without touching its body (a Group whose members changed). */
export async function touchResource(db: Db, table: ResourceTable, current: ResourceRow, now: string): Promise<ResourceRow> {
  await loose(db).updateTable(table).set({ updated_at: now, version: current.version + 1 }).where('id', '=', current.id).execute();
  // The body is unchanged: so is its stored text (and whether it can be spliced).
  return new StoredRow(current.id, current.connectionId, current.resource, current.spliceable, current.createdAt, now, current.version + 1);
}

/**
 * Deletes a resource as SCIM sees it: it is gone from every SCIM response and its memberships are
 * removed, but the row stays (marked deleted) as the record of who the directory removed.
 */
export async function deleteResource(db: Db, table: ResourceTable, connectionId: string, id: string, now: string): Promise<boolean> {
  const result = await loose(db)
    .updateTable(table)
    .set({ deleted_at: now, updated_at: now })
    .where('connection_id', '=', connectionId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (BigInt(result.numUpdatedRows) === 0n) return false;
  await db
    .deleteFrom('scim_group_members')
    .where(table === 'scim_users' ? 'user_id' : 'group_id', '=', id)
    .execute();
  return true;
}

/**
 * Whether `listResources` answers in one statement, consistent on its own (PostgreSQL), so that a
 * list needs no transaction around it; it then also returns the users' groups.
 */
export function listsInOneStatement(db: Db): boolean {
  return isPostgresStore(db);
}

/**
 * One page of a connection's resources in insertion order, and the exact number that match; with
 * `related`, the page's users' groups read with it (see listsInOneStatement).
 */
export async function listResources(
  db: Db,
  table: ResourceTable,
  input: { connectionId: string; where?: Expression<SqlBool>; offset: number; limit: number },
): Promise<{ total: number; rows: ResourceRow[]; related?: Map<string, MemberRef[]> }> {
  if (listsInOneStatement(db)) {
    const page = await listPagePostgres(db, table, input);
    const related = table === 'scim_users' ? new Map(page.rows.map((row) => [row.id, row.groups ?? []])) : undefined;
    return { total: page.total, rows: page.rows.map(toRow), ...(related ? { related } : {}) };
  }
  // `deleted_at IS NULL` lets SQLite use the partial indexes over live rows (migration 005).
  let base = loose(db).selectFrom(`${table} as r`).where('r.connection_id', '=', input.connectionId).where('r.deleted_at', 'is', null);
  if (input.where) base = base.where(input.where);
  // Paging through a whole connection (Okta's import) reuses what the previous page learned while nothing changed.
  const memo = !input.where && isSqlite(db) ? new UnchangedListMemo(`${table} ${input.connectionId}`, await changeStamp(db)) : undefined;
  let total = memo?.total();
  if (total === undefined) {
    const counted = (await base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow()) as { total: number | bigint };
    total = Number(counted.total);
  }
  if (input.limit === 0 || total <= input.offset) {
    memo?.remember(total);
    return { total, rows: [] };
  }
  const resume = memo?.resumeAt(input.offset, input.limit);
  const page =
    resume === undefined
      ? base.select([...columns, 'r.seq']).orderBy('r.seq').limit(input.limit).offset(input.offset)
      : base.where('r.seq', '>', resume.seqBefore).select([...columns, 'r.seq']).orderBy('r.seq').limit(input.limit).offset(resume.skip);
  const rows = (await page.execute()) as (RawRow & { seq: number })[];
  memo?.remember(total, input.offset + rows.length, rows[rows.length - 1]?.seq);
  return { total, rows: rows.map(toRow) };
}
