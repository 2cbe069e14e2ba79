import { performance } from 'node:perf_hooks';

/**
 * A token bucket per key: `rate` requests per second with a burst of `rate`. LookupEvents: "The rate of
 * lookup requests is limited to two per second, per account, per Region" (API_LookupEvents).
 *
 * It runs on the monotonic wall clock, not the emulator's clock: a rate limit is about how fast requests
 * really arrive, and a test that freezes or rewinds the emulator's clock must not throttle a poller forever.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private rate: number, private readonly now: () => number = () => performance.now()) {}

  /** Changes the rate (0 = no limit) and refills every bucket. */
  setRate(rate: number): void {
    this.rate = rate;
    this.buckets.clear();
  }

  /** Takes one token; false when the caller is over the rate. */
  take(key: string): boolean {
    if (this.rate === 0) return true;
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.rate, at: t };
    b.tokens = Math.min(this.rate, b.tokens + ((t - b.at) / 1000) * this.rate);
    b.at = t;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    return ok;
  }

  reset(): void {
    this.buckets.clear();
  }
}
