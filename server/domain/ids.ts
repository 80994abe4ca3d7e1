import { randomUUID } from 'node:crypto';

/** Resource and connection ids are random UUIDs: unguessable, and stable across renames. */
export function newId(): string {
  return randomUUID();
}

/**
 * Ids of rows only ever appended (audit events): a UUID in version 7's layout, the first 48 bits the
 * time in milliseconds and the rest random, so that each insert lands at the end of the unique index
 * on `id` instead of on a random page. A random id made every audit row dirty one more page for the
 * COMMIT to write (an insert with its commit share 35 -> 26 µs, same-process micro-benchmark).
 * Still unguessable enough for what it names (74 random bits; audit rows are read by admins only).
 */
export function newTimeOrderedId(ms: number = Date.now()): string {
  const random = randomUUID();
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}

/**
 * The last millisecond formatted, and its text: under load several requests' timestamps (their
 * arrival for the request log, their transaction's `now`) fall in the same millisecond, and a Date
 * plus its formatting was ≈ 0.6–0.9 % of a SCIM write's busy samples (bench/RESULTS.md).
 */
let formattedMs = Number.NaN;
let formattedIso = '';

/** Timestamps are stored as ISO-8601 UTC strings with milliseconds, which sort as they compare. */
export function nowIso(clock: () => number = Date.now): string {
  const ms = clock();
  if (ms !== formattedMs) {
    formattedIso = new Date(ms).toISOString();
    formattedMs = ms;
  }
  return formattedIso;
}
