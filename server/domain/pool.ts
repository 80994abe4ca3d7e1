/**
 * The pool: the users a directory provisioned into one connection, and where each stands with the
 * org. Status is derived in SQL from the directory's state and the org's members and invites, so
 * paging, filtering and totals are exact and nothing is computed over a whole directory in memory:
 * - deactivated: the directory wrote `active: false` or deleted the user;
 * - member: an active member is linked to the entry;
 * - invited: a pending, unexpired invite was made from the entry;
 * - available: anything else (reactivation in the directory makes an entry available again).
 */
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database, ScimConnectionsTable } from '../store/schema.js';
import type { PoolEntry, PoolPage, PoolQuery, PoolStatus } from '../../shared/api/pool.js';
import { DomainError } from './errors.js';
import { isPostgresStore } from '../store/postgres.js';

/**
 * The caller's org's connection. Deleted connections stay readable (their pool is the record of
 * who the directory had); the write paths refuse them separately.
 */
export async function connectionOfOrg(db: Kysely<Database>, orgId: string, connectionId: string): Promise<ScimConnectionsTable> {
  const row = await db.selectFrom('scim_connections').selectAll().where('id', '=', connectionId).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No SCIM connection with id ${connectionId} in this org.`, 'connectionId');
  return row;
}

/** `LIKE` pattern matching `needle` literally anywhere (wildcards escaped with `\`). */
export function containsPattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The trigram index answers patterns of three or more plain characters; FTS5's LIKE has no ESCAPE. */
const TRIGRAM_MIN_LENGTH = 3;

/**
 * Entries whose name, email or userName contains `search` (lower-cased, like `search_text`).
 * SQLite: long enough queries use the FTS5 trigram index (migration 003); short ones, or ones with
 * LIKE wildcards in them, scan the covering (connection, seq, search_text) index. PostgreSQL: one
 * escaped LIKE, which the pg_trgm GIN index answers (the planner scans instead when it is cheaper).
 */
function searchCondition(search: string, postgres: boolean): RawBuilder<boolean> {
  if (postgres) return sql<boolean>`u.search_text like ${containsPattern(search)} escape '\\'`;
  if (search.length >= TRIGRAM_MIN_LENGTH && !/[%_\\]/.test(search)) {
    return sql<boolean>`u.seq in (select rowid from scim_users_search where search_text like ${`%${search}%`})`;
  }
  return sql<boolean>`u.search_text like ${containsPattern(search)} escape '\\'`;
}

function memberIdOf(orgId: string): RawBuilder<string | null> {
  return sql<string | null>`(select m.id from members m where m.org_id = ${orgId} and m.scim_user_id = u.id and m.status = 'active' limit 1)`;
}

function inviteIdOf(orgId: string, now: string): RawBuilder<string | null> {
  return sql<
    string | null
  >`(select i.id from invites i where i.org_id = ${orgId} and i.scim_user_id = u.id and i.status = 'pending' and i.expires_at > ${now} order by i.created_at desc limit 1)`;
}

/**
 * The directory deactivated or deleted the user. Written exactly as the partial index of migration
 * 007 is defined, so that a query with this condition can use it.
 */
const deactivatedInDirectory = sql<boolean>`(u.active = 0 or u.deleted_at is not null)`;

function statusOf(orgId: string, now: string): RawBuilder<PoolStatus> {
  return sql<PoolStatus>`(case
    when ${deactivatedInDirectory} then 'deactivated'
    when exists (select 1 from members m where m.org_id = ${orgId} and m.scim_user_id = u.id and m.status = 'active') then 'member'
    when exists (select 1 from invites i where i.org_id = ${orgId} and i.scim_user_id = u.id and i.status = 'pending' and i.expires_at > ${now}) then 'invited'
    else 'available' end)`;
}

/**
 * The entries with one org status. Members and pending invites are few next to a directory's
 * users, so "member" and "invited" first narrow to the users those rows point at (`u.seq in …`:
 * the database reads those users by `seq`, already in page order) instead of working out the status
 * of every user of the connection (at 100,000 users: a correlated lookup per user for every page
 * and count); `statusOf` still decides, so the rows are exactly the status's. "Deactivated" is
 * `statusOf`'s first case alone, which the partial index of migration 007 answers; "Available" is
 * its last case spelled out with the same two sets (test/integration/pool-status-filter.test.ts
 * checks every status's rows and totals against `statusOf`).
 */
function statusCondition(orgId: string, connectionId: string, now: string, status: PoolStatus): RawBuilder<boolean> {
  if (status === 'deactivated') return deactivatedInDirectory;
  const hasStatus = sql<boolean>`${statusOf(orgId, now)} = ${status}`;
  const membersSeqs = sql`(select su.seq from members m join scim_users su on su.id = m.scim_user_id
      where m.org_id = ${orgId} and m.status = 'active' and su.connection_id = ${connectionId})`;
  const invitedSeqs = sql`(select su.seq from invites i join scim_users su on su.id = i.scim_user_id
      where i.org_id = ${orgId} and i.status = 'pending' and i.expires_at > ${now} and su.connection_id = ${connectionId})`;
  if (status === 'member') return sql<boolean>`u.seq in ${membersSeqs} and ${hasStatus}`;
  if (status === 'invited') return sql<boolean>`u.seq in ${invitedSeqs} and ${hasStatus}`;
  // Available: `statusOf`'s last case spelled out (not deactivated — a NULL `active` is not — and in
  // neither small set). Each set is built once per statement; the correlated lookups of `statusOf`
  // ran for every user a deep page skips (page 500 of 100,000: ~306 → ~166 ms, loaded machine).
  return sql<boolean>`coalesce(u.active, 1) <> 0 and u.deleted_at is null and u.seq not in ${membersSeqs} and u.seq not in ${invitedSeqs}`;
}

export async function listPool(db: Kysely<Database>, orgId: string, connectionId: string, query: PoolQuery, now: string): Promise<PoolPage> {
  await connectionOfOrg(db, orgId, connectionId);
  const search = query.search?.trim().toLowerCase();
  /** This connection's entries that match the search (if any) and have `status` (if given). */
  const matching = (status: PoolStatus | undefined) => {
    let q = db.selectFrom('scim_users as u').where('u.connection_id', '=', connectionId);
    if (search) q = q.where(searchCondition(search, isPostgresStore(db)));
    if (status) q = q.where(statusCondition(orgId, connectionId, now, status));
    return q;
  };
  const base = matching(query.status);

  const offset = (query.page - 1) * query.pageSize;
  const rows = await base
    .select([
      'u.id',
      'u.connection_id',
      'u.user_name',
      'u.full_name',
      'u.email',
      'u.active',
      'u.deleted_at',
      'u.updated_at',
      statusOf(orgId, now).as('status'),
      memberIdOf(orgId).as('member_id'),
      inviteIdOf(orgId, now).as('invite_id'),
    ])
    .orderBy('u.seq')
    .limit(query.pageSize)
    .offset(offset)
    .execute();
  const { total, totalExact } = await countMatches(db, base, query, offset, rows.length, () => exactCount(db, matching, query.status));

  const items: PoolEntry[] = rows.map((row) => ({
    id: row.id,
    connectionId: row.connection_id,
    userName: row.user_name,
    name: row.full_name ?? row.user_name,
    email: row.email,
    directoryActive: row.active !== 0 && row.deleted_at === null,
    deletedInDirectory: row.deleted_at !== null,
    status: row.status,
    memberId: row.member_id,
    inviteId: row.invite_id,
    lastDirectoryChangeAt: row.updated_at,
  }));
  return { items, total, totalExact, page: query.page, pageSize: query.pageSize };
}

/**
 * The number of matches, without a second pass where the page already tells (a short page is the
 * last one), and counted only up to `countUpTo` when the caller asked for no more: a one-letter
 * search matches most of a 100,000-person directory, and counting them all is a scan.
 */
async function countMatches(
  db: Kysely<Database>,
  base: PoolSelection,
  query: PoolQuery,
  offset: number,
  rowsOnPage: number,
  exactTotal: () => Promise<number>,
): Promise<{ total: number; totalExact: boolean }> {
  if (rowsOnPage < query.pageSize && (rowsOnPage > 0 || offset === 0)) return { total: offset + rowsOnPage, totalExact: true };
  if (query.countUpTo === undefined) return { total: await exactTotal(), totalExact: true };
  const upTo = query.countUpTo;
  const { total } = await db
    .selectFrom(base.select(sql<number>`1`.as('one')).limit(upTo).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const counted = Number(total);
  if (counted < upTo) return { total: counted, totalExact: true };
  // At least the cap, and at least every row up to this page's last one (when it has any).
  return { total: Math.max(counted, rowsOnPage > 0 ? offset + rowsOnPage : 0), totalExact: false };
}

type PoolSelection = SelectQueryBuilder<Database & { u: Database['scim_users'] }, 'u', object>;

/**
 * The exact number of matches. "Available" is what is left of the matches once the other three
 * statuses are taken away (every entry has exactly one): each of those counts comes from an index
 * (all matches: the connection's index or the search's; deactivated: migration 007's partial
 * index; member and invited: the few users the org's links point at), where counting the available
 * entries themselves worked out the status of nearly every user of the connection (~350–570 ms at
 * 100,000 users). One statement, so the four counts see the same data.
 */
async function exactCount(db: Kysely<Database>, matching: (status: PoolStatus | undefined) => PoolSelection, status: PoolStatus | undefined): Promise<number> {
  const count = (s: PoolStatus | undefined) => matching(s).select((eb) => eb.fn.countAll<number>().as('total'));
  if (status !== 'available') {
    const { total } = await count(status).executeTakeFirstOrThrow();
    return Number(total);
  }
  const { total } = await db
    .selectNoFrom(sql<number>`(${count(undefined)}) - (${count('deactivated')}) - (${count('member')}) - (${count('invited')})`.as('total'))
    .executeTakeFirstOrThrow();
  return Number(total);
}
