import { describe, expect, it } from 'vitest';
import { FailedAuthLimiter } from '../../server/scim/failedAuthLimiter.js';

describe('failed authentication limiter', () => {
  it('lets an address fail up to the limit, then asks it to wait until the window slides', () => {
    let now = 1_000_000;
    const limiter = new FailedAuthLimiter({ maxFailures: 3, windowMs: 60_000, clock: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
      limiter.recordFailure('10.0.0.1');
      now += 1_000;
    }
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(57);
    expect(limiter.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 57_000;
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('keeps bounded state per address however many failures arrive', () => {
    const limiter = new FailedAuthLimiter({ maxFailures: 5, windowMs: 60_000, clock: () => 0 });
    for (let i = 0; i < 10_000; i++) limiter.recordFailure('10.0.0.1');
    expect((limiter as unknown as { failures: Map<string, number[]> }).failures.get('10.0.0.1')).toHaveLength(5);
  });
});
