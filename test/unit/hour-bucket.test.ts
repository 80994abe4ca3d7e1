/**
 * The request counters' hour bucket: the UTC hour of a time, whether the time comes as
 * `toISOString()` text (the request log's `at`, read without a Date), as other ISO-8601 text
 * (an offset, no milliseconds), or as milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { hourBucket } from '../../server/domain/connectionHealth.js';

describe('hourBucket', () => {
  it('is the UTC hour of the time however it is written', () => {
    const at = Date.UTC(2026, 10, 30, 23, 59, 59, 999);
    expect(hourBucket(at)).toBe('2026-11-30T23');
    expect(hourBucket(new Date(at).toISOString())).toBe('2026-11-30T23');
    // An offset moves the hour (and here the day) into UTC.
    expect(hourBucket('2026-12-01T01:30:00+02:00')).toBe('2026-11-30T23');
    expect(hourBucket('2026-11-30T23:05:00Z')).toBe('2026-11-30T23');
  });
});
