/**
 * How a connection is doing, for the admin's SCIM Connections screen: which directory calls it,
 * when it last did, how many requests and errors in the last 24 hours (from the hourly counters the
 * request log recorder keeps), the last error, and how many users it has synced.
 */
import type { Kysely } from 'kysely';
import type { Database, ScimConnectionsTable } from '../store/schema.js';
import type { ConnectionHealth } from '../../shared/api/connections.js';

const HOUR_MS = 3600_000;

/**
 * The counters' bucket for a time: the UTC hour as `YYYY-MM-DDTHH`. A time that is already
 * `toISOString()` text (`…Z`, what the request log records for every request) is its own first 13
 * characters: no Date to parse and format again per request.
 */
export function hourBucket(at: number | string): string {
  if (typeof at === 'string' && at.length === 24 && at.endsWith('Z')) return at.slice(0, 13);
  return new Date(at).toISOString().slice(0, 13);
}

/** The oldest of the 24 hourly buckets that make up "the last 24 hours" (the current hour included). */
export function firstBucketOfLast24h(nowMs: number): string {
  return hourBucket(nowMs - 23 * HOUR_MS);
}

type HealthRow = Pick<ScimConnectionsTable, 'id' | 'detected_provider' | 'last_request_at' | 'last_error' | 'last_error_at'>;

function later(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a;
  if (!a) return b;
  return a > b ? a : b;
}

/** Health of several connections in a constant number of queries (no query per connection). */
export async function connectionsHealth(db: Kysely<Database>, rows: HealthRow[], nowMs: number): Promise<Map<string, ConnectionHealth>> {
  const result = new Map<string, ConnectionHealth>();
  if (rows.length === 0) return result;
  const ids = rows.map((row) => row.id);
  const [stats, users, lastLogged] = await Promise.all([
    db
      .selectFrom('scim_request_stats')
      .select((eb) => ['connection_id', eb.fn.sum<number>('requests').as('requests'), eb.fn.sum<number>('errors').as('errors')])
      .where('connection_id', 'in', ids)
      .where('hour', '>=', firstBucketOfLast24h(nowMs))
      .groupBy('connection_id')
      .execute(),
    db
      .selectFrom('scim_users')
      .select((eb) => ['connection_id', eb.fn.countAll<number>().as('count')])
      .where('connection_id', 'in', ids)
      .where('deleted_at', 'is', null)
      .groupBy('connection_id')
      .execute(),
    // The connection row's last_request_at is written at most every few seconds; the log is exact.
    db
      .selectFrom('scim_request_log')
      .select((eb) => ['connection_id', eb.fn.max('at').as('at')])
      .where('connection_id', 'in', ids)
      .groupBy('connection_id')
      .execute(),
  ]);
  const statsById = new Map(stats.map((s) => [s.connection_id, s]));
  const usersById = new Map(users.map((u) => [u.connection_id, Number(u.count)]));
  const lastLoggedById = new Map(lastLogged.map((l) => [l.connection_id, l.at as string | null]));
  for (const row of rows) {
    const counted = statsById.get(row.id);
    result.set(row.id, {
      detectedProvider: row.detected_provider,
      lastRequestAt: later(row.last_request_at, lastLoggedById.get(row.id)),
      requestsLast24h: Number(counted?.requests ?? 0),
      errorsLast24h: Number(counted?.errors ?? 0),
      lastError: row.last_error !== null && row.last_error_at !== null ? { at: row.last_error_at, detail: row.last_error } : null,
      syncedUsers: usersById.get(row.id) ?? 0,
    });
  }
  return result;
}

export async function connectionHealth(db: Kysely<Database>, row: HealthRow, nowMs: number): Promise<ConnectionHealth> {
  return (await connectionsHealth(db, [row], nowMs)).get(row.id)!;
}
