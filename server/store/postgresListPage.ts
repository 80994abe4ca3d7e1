/**
 * A SCIM list page on PostgreSQL in one statement: the total, the page's rows and, for Users,
 * each user's groups. One statement reads one snapshot, so the answer is consistent without a
 * transaction around it, and costs one round trip instead of BEGIN, COUNT, the page, the groups
 * and COMMIT (the database shares the backend's core; every round trip is two context switches).
 * The page start comes from the index (`seq >=` the k-th match's seq) rather than OFFSET over the
 * rows, which fetched every skipped row's tuple.
 *
 * Unfiltered pages (Okta's import: `startIndex=k&count=100` over the whole connection) also reuse
 * what an earlier page learned. Each statement reports the snapshot it read under
 * (`pg_current_snapshot()`); two snapshots with the same text (xmin, xmax and in-progress
 * transactions) see exactly the same committed rows, so a total and page ends learned under one
 * are still true under the other: that is the change stamp `UnchangedListMemo` keeps, as SQLite's
 * `total_changes()`/`data_version` is. A page whose start is remembered is read by keyset
 * (`seq > last seq of the previous page`) with the remembered total; if its statement's snapshot
 * turns out to differ, the page is read again in full. Either way the answer is exactly what
 * COUNT + OFFSET give at that moment.
 *
 * Inside a transaction that wrote something its own uncommitted rows are visible to it but not to
 * the snapshot's text, so such a read neither uses nor feeds the memo.
 */
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { MemberRef } from './groupMembers.js';
import type { RawRow } from './scimResources.js';
import { UnchangedListMemo } from './unchangedListMemo.js';

export interface LiveRow extends RawRow {
  seq: number;
  /** A user's groups in their creation order (Users only). */
  groups?: MemberRef[];
}

interface PageRow extends Omit<LiveRow, 'id'> {
  id: string | null;
  /** Null when this transaction wrote rows of its own (see above). */
  snapshot: string | null;
  total?: number;
}

const SNAPSHOT = sql`case when pg_current_xact_id_if_assigned() is null then pg_current_snapshot()::text end`;

function liveRows(table: string, connectionId: string, where?: Expression<SqlBool>): RawBuilder<unknown> {
  const rows = sql`${sql.table(table)} as r where r.connection_id = ${connectionId} and r.deleted_at is null`;
  return where ? sql`${rows} and (${where})` : rows;
}

/** The page's columns; for Users also their groups, as groupsOfUsers gives them. */
function pageColumns(table: string): RawBuilder<unknown> {
  const columns = sql`r.id, r.connection_id, r.resource, r.resource_layout, r.created_at, r.updated_at, r.version, r.seq`;
  if (table !== 'scim_users') return columns;
  return sql`${columns}, (
    select coalesce(json_agg(json_build_object('value', g.id, 'display', g.display_name) order by g.seq), '[]'::json)
    from scim_group_members m join scim_groups g on g.id = m.group_id where m.user_id = r.id
  ) as groups`;
}

function pageOf(rows: PageRow[]): LiveRow[] {
  return rows.filter((row) => row.id !== null) as LiveRow[];
}

export interface ListPageInput {
  connectionId: string;
  where?: Expression<SqlBool>;
  offset: number;
  limit: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
type Page = { total: number; rows: LiveRow[] };

/** Full reads (count + seek) running now, per connection's table. */
const fullReadsInFlight = new Map<string, Promise<Page>>();

export async function listPagePostgres(db: AnyDb, table: string, input: ListPageInput): Promise<Page> {
  if (input.where) return fullRead(db, table, input, undefined);
  const key = `${table} ${input.connectionId}`;
  const remembered = await fromMemo(db, table, input, key);
  if (remembered) return remembered;
  const inFlight = fullReadsInFlight.get(key);
  if (inFlight) {
    // After a commit the concurrent importers all miss at once; one re-counts, the others wait for
    // what it learns and read by keyset, still checked against their own statement's snapshot.
    await inFlight.catch(() => undefined);
    const after = await fromMemo(db, table, input, key);
    if (after) return after;
  }
  const read = fullRead(db, table, input, key);
  if (!fullReadsInFlight.has(key)) {
    fullReadsInFlight.set(key, read);
    read
      .finally(() => {
        if (fullReadsInFlight.get(key) === read) fullReadsInFlight.delete(key);
      })
      .catch(() => undefined);
  }
  return read;
}

/** The page by keyset from what is remembered, if its statement's snapshot is the one that was. */
async function fromMemo(db: AnyDb, table: string, { connectionId, offset, limit }: ListPageInput, key: string): Promise<Page | undefined> {
  const remembered = UnchangedListMemo.stampOf(key);
  if (remembered === undefined) return undefined;
  const memo = new UnchangedListMemo(key, remembered);
  const resume = memo.resumeAt(offset, limit);
  if (resume === undefined) return undefined;
  const { rows } = await sql<PageRow>`
    select s.snapshot, p.* from (select ${SNAPSHOT} as snapshot) s
    left join lateral (
      select ${pageColumns(table)} from ${liveRows(table, connectionId)}
      and r.seq > ${resume.seqBefore} order by r.seq limit ${limit} offset ${resume.skip}
    ) p on true`.execute(db);
  const total = memo.total();
  if (rows[0]?.snapshot !== remembered || total === undefined) return undefined;
  const page = pageOf(rows);
  memo.remember(total, offset + page.length, page[page.length - 1]?.seq);
  return { total, rows: page };
}

/** Count and page in one statement; remembered under its snapshot when `key` is given (unfiltered). */
async function fullRead(db: AnyDb, table: string, { connectionId, where, offset, limit }: ListPageInput, key: string | undefined): Promise<Page> {
  const { rows } = await sql<PageRow>`
    select s.snapshot, s.total, p.* from (
      select ${SNAPSHOT} as snapshot, (select count(*) from ${liveRows(table, connectionId, where)}) as total
    ) s
    left join lateral (
      select ${pageColumns(table)} from ${liveRows(table, connectionId, where)}
      and r.seq >= (select r.seq from ${liveRows(table, connectionId, where)} order by r.seq offset ${offset} limit 1)
      order by r.seq limit ${limit}
    ) p on true`.execute(db);
  const first = rows[0]!;
  const total = Number(first.total);
  const page = pageOf(rows);
  if (first.snapshot !== null && key !== undefined) new UnchangedListMemo(key, first.snapshot).remember(total, offset + page.length, page[page.length - 1]?.seq);
  return { total, rows: page };
}
