/** Audit event ids: UUIDs in version 7's layout whose text order is their creation order (domain/ids.ts). */
import { describe, expect, it } from 'vitest';
import { newTimeOrderedId, nowIso } from '../../server/domain/ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newTimeOrderedId', () => {
  it('is a version 7 UUID whose first 48 bits are the time in milliseconds', () => {
    const ms = Date.parse('2026-11-29T23:59:59.123Z');
    const id = newTimeOrderedId(ms);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
  });

  it('sorts as text in creation order across milliseconds, and never repeats', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const ids = Array.from({ length: 2000 }, (_, i) => newTimeOrderedId(start + Math.floor(i / 10)));
    const byTime = [...ids].sort();
    for (let i = 10; i < ids.length; i += 10) expect(byTime.indexOf(ids[i]!)).toBeGreaterThan(byTime.indexOf(ids[i - 1]!));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('nowIso', () => {
  it("formats the clock's millisecond as ISO-8601 UTC, the same when asked again and new when the clock moves", () => {
    const instants = ['2026-11-30T05:00:00.000Z', '2026-11-30T05:00:00.000Z', '2026-11-30T05:00:00.001Z', '1999-12-31T23:59:59.999Z', '2026-11-30T05:00:00.001Z'];
    for (const iso of instants) expect(nowIso(() => Date.parse(iso))).toBe(iso);
    // A fractional clock (a test's fake) is formatted as a Date would format it.
    expect(nowIso(() => Date.parse('2026-11-30T05:00:00.001Z') + 0.5)).toBe('2026-11-30T05:00:00.001Z');
    expect(nowIso(() => Date.parse('2026-11-30T05:00:00.002Z'))).toBe('2026-11-30T05:00:00.002Z');
  });

  it('refuses an invalid time as a Date does, and formats the next valid one', () => {
    expect(() => nowIso(() => Number.NaN)).toThrow(RangeError);
    expect(nowIso(() => 0)).toBe('1970-01-01T00:00:00.000Z');
  });
});
