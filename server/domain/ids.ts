import { randomUUID } from 'node:crypto';

/** Resource and connection ids are random UUIDs: unguessable, and stable across renames. */
export function newId(): string {
  return randomUUID();
}

/** Timestamps are stored as ISO-8601 UTC strings with milliseconds, which sort as they compare. */
export function nowIso(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}
