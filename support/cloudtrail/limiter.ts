import { setTimeout as sleep } from 'node:timers/promises';

/**
 * LookupEvents allows 2 requests per second per account and region, and every scenario polling in this
 * process shares that budget: calls are started at most `ratePerSecond` per second, in arrival order.
 * A ThrottlingException pauses everyone (pause()), not just the scenario that got it.
 */
export class RateLimiter {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(ratePerSecond: number, private readonly now: () => number = Date.now) {
    if (!(ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    this.intervalMs = 1000 / ratePerSecond;
  }

  async schedule<T>(fn: () => Promise<T>): Promise<T> {
    const t = this.now();
    const slot = Math.max(t, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > t) await sleep(slot - t);
    return fn();
  }

  /** No call starts for `ms` from now (the service said we were too fast). */
  pause(ms: number): void {
    this.nextSlot = Math.max(this.nextSlot, this.now() + ms);
  }
}

const limiters = new Map<string, RateLimiter>();

/**
 * The limiter of an account and region, shared by every scenario in this process. With --parallel N each
 * worker process gets 1/N of the budget (CUCUMBER_TOTAL_WORKERS), so the run as a whole stays within it.
 */
export function lookupEventsLimiter(accountId: string, region: string, env: NodeJS.ProcessEnv = process.env): RateLimiter {
  const key = `${accountId}/${region}`;
  let l = limiters.get(key);
  if (!l) {
    const workers = Math.max(1, Number(env.CUCUMBER_TOTAL_WORKERS ?? 1) || 1);
    l = new RateLimiter(2 / workers);
    limiters.set(key, l);
  }
  return l;
}
