/**
 * ANALYZE `scim_users` while a directory fills it, as PostgreSQL's documentation advises after a
 * bulk load, instead of waiting for autovacuum (it looks once a minute, `autovacuum_naptime`).
 *
 * Why: a new deployment's first initial sync inserts into a table whose statistics say it is
 * empty. Until they are refreshed the planner cannot tell the userName lookup Entra sends before
 * every create (`connection_id = ? AND user_name_lower = ?`) should read the unique
 * (connection_id, user_name_lower) index: it estimates one row either way and read the
 * connection's live rows through `scim_users_live_seq` instead, testing each one's userName. At
 * 3,000 users that was ≈ 2,900 buffers and 0.55–0.86 ms of PostgreSQL's CPU per lookup against
 * 17 µs with statistics (pg_stat_statements, bench/RESULTS.md), and named statements kept that
 * plan. An ANALYZE replaces the statistics and makes every backend plan its statements again.
 *
 * So each process ANALYZEs the table after it has inserted 500 users, then after 2,000, 8,000, …
 * (×4 each time, so a sync of 100,000 users pays for ≈ 6 of them), one at a time and outside any
 * request's transaction. A failure costs nothing but the wait for autovacuum.
 */
const FIRST_AT = 500;
const GROWTH = 4;

export class AnalyzeAfterBulkLoad {
  private inserted = 0;
  private nextAt = FIRST_AT;
  private running = false;

  constructor(private readonly analyze: () => Promise<unknown>) {}

  /** Called for each user insert this process sends (committed or not: an estimate is enough). */
  noteInsertedUser(): void {
    if (++this.inserted < this.nextAt || this.running) return;
    this.nextAt = this.inserted * GROWTH;
    this.running = true;
    this.analyze()
      .catch(() => undefined)
      .finally(() => (this.running = false));
  }
}

/** The INSERT of a user, as the store's precompiled statement sends it (scimResources.ts). */
export const USER_INSERT = /^insert into "scim_users" /;
