import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import type { RateLimiter } from './limiter.js';

/**
 * "Then CloudTrail eventually shows …": asks a source again and again, with exponential backoff and jitter,
 * until an item matches or the target's deadline passes. A ThrottlingException is not a miss: it pauses the
 * shared limiter and waits longer. On timeout the error names the closest items seen and why they differ.
 */
export interface Probe<T> {
  /** What is awaited, e.g. `"student" calling kms:GenerateDataKey on "myFirstKey"`. */
  what: string;
  /** Where it is looked for, e.g. "LookupEvents ResourceName=arn:…". */
  where: string;
  fetch(): Promise<T[]>;
  /** Why an item is not the one awaited; empty = it is. */
  mismatches(item: T): string[];
  describe(item: T): string;
}

export interface PollOptions {
  deadlineMs: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Shared with every other poller of this account and region; paused on throttling. */
  limiter?: RateLimiter;
  /** How many close items to name on timeout. */
  closest?: number;
  /** Time source and sleep, replaceable in tests. */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface PollResult<T> {
  item: T;
  attempts: number;
  throttled: number;
  elapsedMs: number;
}

class NotYet extends Error {
  constructor() {
    super('not yet');
    this.name = 'NotYet';
  }
}

export function isThrottling(e: unknown): boolean {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const code = err?.Code ?? err?.name ?? '';
  return /^(ThrottlingException|Throttling|TooManyRequestsException|RequestLimitExceeded|SlowDown)$/.test(code) || err?.$metadata?.httpStatusCode === 429;
}

/** Network hiccups and 5xx are worth another try; anything else (AccessDenied, unknown operation) is final. */
function isTransient(e: unknown): boolean {
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = err?.$metadata?.httpStatusCode ?? 0;
  return status >= 500 || /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|UND_ERR_SOCKET)$/.test(err?.code ?? '') || err?.name === 'TimeoutError';
}

/** After the n-th throttle in a row: 1 s, 2 s, 4 s … up to 20 s, times 1-1.5 so pollers spread out. */
export function throttleDelayMs(n: number, random = Math.random): number {
  return Math.round(Math.min(20_000, 1000 * 2 ** Math.max(0, n - 1)) * (1 + random() / 2));
}

export async function eventually<T>(probe: Probe<T>, opts: PollOptions): Promise<PollResult<T>> {
  const wait = opts.sleep ?? ((ms: number) => sleep(ms));
  const started = Date.now();
  const closestCount = opts.closest ?? 3;
  let attempts = 0;
  let throttled = 0;
  let throttledInARow = 0;
  let seen = 0;
  let lastTransient: unknown;
  let closest: { item: T; reasons: string[] }[] = [];

  const attempt = async (): Promise<T> => {
    attempts++;
    let items: T[];
    try {
      items = await probe.fetch();
    } catch (e) {
      if (isThrottling(e) || isTransient(e)) throw e;
      throw new AbortError(new Error(`${probe.where} failed: ${(e as { name?: string }).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`));
    }
    throttledInARow = 0;
    seen = Math.max(seen, items.length);
    const scored: { item: T; reasons: string[] }[] = [];
    for (const item of items) {
      const reasons = probe.mismatches(item);
      if (reasons.length === 0) return item;
      scored.push({ item, reasons });
    }
    scored.sort((a, b) => a.reasons.length - b.reasons.length);
    closest = scored.slice(0, closestCount);
    throw new NotYet();
  };

  try {
    const item = await pRetry(attempt, {
      retries: Infinity,
      minTimeout: opts.minIntervalMs,
      maxTimeout: opts.maxIntervalMs,
      factor: 1.6,
      randomize: true,
      maxRetryTime: opts.deadlineMs,
      onFailedAttempt: async ({ error }) => {
        if (isThrottling(error)) {
          throttled++;
          throttledInARow++;
          const ms = throttleDelayMs(throttledInARow);
          opts.limiter?.pause(ms);
          await wait(Math.min(ms, Math.max(0, opts.deadlineMs - (Date.now() - started))));
        } else if (!(error instanceof NotYet)) {
          lastTransient = error;
        }
      },
    });
    return { item, attempts, throttled, elapsedMs: Date.now() - started };
  } catch (e) {
    if (!(e instanceof NotYet) && !isThrottling(e) && !isTransient(e)) throw e;
    throw new Error(timeoutMessage());
  }

  function timeoutMessage(): string {
    const secs = Math.round((Date.now() - started) / 1000);
    const lines = [
      `CloudTrail did not show ${probe.what} within ${secs} s.`,
      `  Looked in: ${probe.where} (${attempts} poll(s), ${throttled} throttled, ${seen} record(s) seen at most).`,
    ];
    if (closest.length > 0) {
      lines.push('  Closest records and why they do not match:');
      closest.forEach(({ item, reasons }, i) => lines.push(`    ${i + 1}. ${probe.describe(item)}\n       — ${reasons.join('; ')}`));
    } else {
      lines.push('  No records at all: is the trail logging, does the target record this kind of event, and may the reader see them?');
    }
    if (lastTransient) lines.push(`  Last error while polling: ${(lastTransient as Error).message ?? String(lastTransient)}`);
    return lines.join('\n');
  }
}

/** The opposite check, done once: no item may match (e.g. a data event must not be in LookupEvents). */
export async function never<T>(probe: Probe<T>, opts: { limiter?: RateLimiter; sleep?: (ms: number) => Promise<unknown> } = {}): Promise<{ checked: number }> {
  const wait = opts.sleep ?? ((ms: number) => sleep(ms));
  let items: T[] | undefined;
  for (let throttles = 1; items === undefined; throttles++) {
    try {
      items = await probe.fetch();
    } catch (e) {
      if (!isThrottling(e) || throttles > 5) throw e;
      const ms = throttleDelayMs(throttles);
      opts.limiter?.pause(ms);
      await wait(ms);
    }
  }
  const hit = items.find((i) => probe.mismatches(i).length === 0);
  if (hit !== undefined) throw new Error(`${probe.where} shows ${probe.what}, which it should not: ${probe.describe(hit)}`);
  return { checked: items.length };
}
