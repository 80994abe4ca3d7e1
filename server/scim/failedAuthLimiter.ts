/**
 * Slows down secret guessing without ever slowing a directory that holds the right secret: only
 * failed attempts are counted, per client address, and a request with a valid secret always passes.
 * Once an address has failed too often in the window, its next unauthenticated requests get 429
 * with Retry-After instead of 401, until the window slides past its failures.
 */
export interface FailedAuthLimiterOptions {
  maxFailures: number;
  windowMs: number;
  clock?: () => number;
}

export class FailedAuthLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly clock: () => number;

  constructor(private readonly options: FailedAuthLimiterOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Seconds the address must wait, or 0 when it may still try. */
  retryAfterSeconds(address: string): number {
    const recent = this.recentFailures(address);
    if (recent.length < this.options.maxFailures) return 0;
    const oldest = recent[recent.length - this.options.maxFailures] ?? this.clock();
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - this.clock()) / 1000));
  }

  recordFailure(address: string): void {
    const recent = this.recentFailures(address);
    recent.push(this.clock());
    // Bounded memory per address: only the failures that can still matter are kept.
    if (recent.length > this.options.maxFailures) recent.splice(0, recent.length - this.options.maxFailures);
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.evictExpired();
  }

  private recentFailures(address: string): number[] {
    const since = this.clock() - this.options.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > since);
  }

  private evictExpired(): void {
    for (const address of [...this.failures.keys()]) {
      if (this.recentFailures(address).length === 0) this.failures.delete(address);
    }
  }
}
