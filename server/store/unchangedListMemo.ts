/**
 * What an unfiltered SCIM list learned about a connection's live rows, reused while the SQLite
 * database is provably unchanged: the total (`totalResults`) and the `seq` each page begins at.
 *
 * Okta imports a directory page by page (`startIndex=k&count=100`); answering each page with
 * COUNT(*) over the whole connection and an OFFSET that skips k rows made a 100,000-user import
 * quadratic. Here page k+100 starts right after the last `seq` of page k, and the count is
 * counted once, for as long as nothing was written.
 *
 * "Unchanged" is exact, not a time-to-live: the memo is stamped with SQLite's `total_changes()`
 * (every row this connection inserted, updated or deleted, in any table) and `data_version`
 * (which moves when another connection, such as the CLI, commits). Any write anywhere drops it,
 * so every answer is the one COUNT and OFFSET would have given. On PostgreSQL the stamp is the
 * snapshot the list's statement read under (`postgresListPage.ts`).
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

interface Memo {
  stamp: string;
  total: number;
  /** offset → the seq of the row just before it, for offsets a previous page ended at. */
  pageStarts: Map<number, number>;
}

/** Connections remembered at once; beyond that the oldest is dropped. */
const MAX_CONNECTIONS = 256;
/** Page starts remembered per connection (a 100,000-user import at count=100 needs 1,000). */
const MAX_PAGE_STARTS = 10_000;
/** How many pages back a request may resume from (8 concurrent importers interleave their pages). */
const RESUME_PAGES = 16;

const memos = new Map<string, Memo>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/** The database's change stamp, read on the connection the list runs on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function changeStamp(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ changes: number; version: number }>`select total_changes() as changes, (select data_version from pragma_data_version) as version`.execute(db);
  return `${rows[0]!.version}:${rows[0]!.changes}`;
}

export class UnchangedListMemo {
  constructor(
    private readonly key: string,
    private readonly stamp: string,
  ) {}

  /** The stamp of what is remembered for `key`, for a database that learns its stamp only with the answer (PostgreSQL). */
  static stampOf(key: string): string | undefined {
    return memos.get(key)?.stamp;
  }

  private current(): Memo | undefined {
    const memo = memos.get(this.key);
    return memo?.stamp === this.stamp ? memo : undefined;
  }

  total(): number | undefined {
    return this.current()?.total;
  }

  /**
   * Where to resume for the page at `offset`: the nearest page end at or before it (up to
   * RESUME_PAGES pages of `pageSize` back, for clients whose page requests arrive out of order),
   * as the seq of the row just before that page end and the rows to skip after it.
   */
  resumeAt(offset: number, pageSize: number): { seqBefore: number; skip: number } | undefined {
    const memo = this.current();
    if (!memo || pageSize <= 0) return undefined;
    for (let skip = 0; skip <= RESUME_PAGES * pageSize && skip <= offset; skip += pageSize) {
      const seqBefore = memo.pageStarts.get(offset - skip);
      if (seqBefore !== undefined) return { seqBefore, skip };
    }
    return undefined;
  }

  /** Remembers the total, and that the row at `nextOffset` is the first after `lastSeq` (the page just read ended there). */
  remember(total: number, nextOffset?: number, lastSeq?: number): void {
    let memo = this.current();
    if (!memo) {
      memo = { stamp: this.stamp, total, pageStarts: new Map() };
      memos.delete(this.key);
      memos.set(this.key, memo);
      if (memos.size > MAX_CONNECTIONS) memos.delete(memos.keys().next().value as string);
    }
    if (nextOffset !== undefined && lastSeq !== undefined && memo.pageStarts.size < MAX_PAGE_STARTS) memo.pageStarts.set(nextOffset, lastSeq);
  }
}
