/**
 * An unfiltered SCIM list page on PostgreSQL (Okta's import: `startIndex=k&count=100` over the
 * whole connection), exact as COUNT + OFFSET and without their cost on every page.
 *
 * Each statement reports the snapshot it read under (`pg_current_snapshot()`). Two snapshots with
 * the same text (xmin, xmax and in-progress transactions) see exactly the same committed rows, so
 * a total and page ends learned under one are still true under the other: that is the change
 * stamp `UnchangedListMemo` keeps, as SQLite's `total_changes()`/`data_version` is. A page whose
 * start is remembered is read by keyset (`seq > last seq of the previous page`, 100 rows from the
 * index) with the remembered total; if its statement's snapshot turns out to differ, the page is
 * read again in full. The full read is one statement too (a consistent snapshot on its own):
 * COUNT and the page start both come from the live-rows index (migration 005) without visiting
 * the skipped rows in the table (a plain OFFSET fetched every skipped row's tuple).
 *
 * Inside a transaction that wrote something its own uncommitted rows are visible to it but not to
 * the snapshot's text, so such a read neither uses nor feeds the memo.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { UnchangedListMemo } from './unchangedListMemo.js';

export interface LiveRow {
  id: string;
  connection_id: string;
  resource: string;
  created_at: string;
  updated_at: string;
  version: number;
  seq: number;
}

interface PageRow extends Omit<LiveRow, 'id'> {
  id: string | null;
  /** Null when this transaction wrote rows of its own (see above). */
  snapshot: string | null;
  total?: number;
}

const SNAPSHOT = sql`case when pg_current_xact_id_if_assigned() is null then pg_current_snapshot()::text end`;

function liveRows(table: string, connectionId: string): RawBuilder<unknown> {
  return sql`${sql.table(table)} as r where r.connection_id = ${connectionId} and r.deleted_at is null`;
}

function pageOf(rows: PageRow[]): LiveRow[] {
  return rows.filter((row) => row.id !== null) as LiveRow[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function listLivePostgres(db: Kysely<any>, table: string, connectionId: string, offset: number, limit: number): Promise<{ total: number; rows: LiveRow[] }> {
  const key = `${table} ${connectionId}`;
  const remembered = UnchangedListMemo.stampOf(key);
  const resume = remembered === undefined ? undefined : new UnchangedListMemo(key, remembered).resumeAt(offset, limit);
  if (remembered !== undefined && resume !== undefined) {
    const { rows } = await sql<PageRow>`
      select s.snapshot, p.* from (select ${SNAPSHOT} as snapshot) s
      left join lateral (
        select r.id, r.connection_id, r.resource, r.created_at, r.updated_at, r.version, r.seq from ${liveRows(table, connectionId)}
        and r.seq > ${resume.seqBefore} order by r.seq limit ${limit} offset ${resume.skip}
      ) p on true`.execute(db);
    const memo = new UnchangedListMemo(key, remembered);
    const total = memo.total();
    if (rows[0]?.snapshot === remembered && total !== undefined) {
      const page = pageOf(rows);
      memo.remember(total, offset + page.length, page[page.length - 1]?.seq);
      return { total, rows: page };
    }
  }
  const { rows } = await sql<PageRow>`
    select s.snapshot, s.total, p.* from (
      select ${SNAPSHOT} as snapshot, (select count(*) from ${liveRows(table, connectionId)}) as total
    ) s
    left join lateral (
      select r.id, r.connection_id, r.resource, r.created_at, r.updated_at, r.version, r.seq from ${liveRows(table, connectionId)}
      and r.seq >= (select r.seq from ${liveRows(table, connectionId)} order by r.seq offset ${offset} limit 1)
      order by r.seq limit ${limit}
    ) p on true`.execute(db);
  const first = rows[0]!;
  const total = Number(first.total);
  const page = pageOf(rows);
  if (first.snapshot !== null) new UnchangedListMemo(key, first.snapshot).remember(total, offset + page.length, page[page.length - 1]?.seq);
  return { total, rows: page };
}
