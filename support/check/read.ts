import { setTimeout as sleep } from 'node:timers/promises';
import { LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { isThrottling, throttleDelayMs } from '../cloudtrail/poller.js';
import type { CloudTrailRecord } from '../cloudtrail/records.js';
import { MAX_ATTEMPTS } from './clients.js';
import type { StudentContext } from './context.js';
import { ReadOnlyViolation } from './guard.js';
import { CannotTell } from './verdict.js';

/** The AWS error code of an SDK error. */
export function codeOf(e: unknown): string {
  const err = e as { Code?: string; name?: string } | undefined;
  return err?.Code ?? err?.name ?? 'Error';
}

const DENIED = /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnrecognizedClientException|InvalidClientTokenId|ExpiredToken|ExpiredTokenException|AuthorizationError)$/;

/**
 * One read for a check. `missing` codes mean "there is no such thing" and give undefined; a refusal, throttling
 * past the SDK's retries or a network failure mean the checker cannot tell — never a pass, never a fail.
 */
export async function read<T>(ctx: StudentContext, what: string, fn: () => Promise<T>, missing: readonly string[] = []): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    const code = codeOf(e);
    if (missing.includes(code)) return undefined;
    throw cannotTell(ctx, what, e);
  }
}

export function cannotTell(ctx: StudentContext, what: string, e: unknown): CannotTell {
  if (e instanceof CannotTell) return e;
  const code = codeOf(e);
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof ReadOnlyViolation) return new CannotTell(`${what}: ${message}`);
  if (DENIED.test(code)) {
    return new CannotTell(`${what} was refused to the instructor role (${ctx.sessionArn}): ${code}: ${message}`);
  }
  if (isThrottling(e)) return new CannotTell(`${what} was throttled past ${MAX_ATTEMPTS} attempts with backoff (${code}); check again later or with less --concurrency`);
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return new CannotTell(`${what} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${message}`);
}

/** Throttled LookupEvents in a row before giving up: about 2 minutes of backing off. */
const MAX_THROTTLES = 8;

/**
 * Every page of LookupEvents for one attribute since ctx.since, each request started through the account's
 * limiter (≤ 2/s). A ThrottlingException pauses the limiter for everyone checking that account and is retried
 * with growing, jittered delays; past MAX_THROTTLES in a row the check cannot tell.
 */
export async function lookupEvents(ctx: StudentContext, attribute: { key: 'ResourceName' | 'EventName' | 'EventSource'; value: string }, maxPages = 40): Promise<CloudTrailRecord[]> {
  const what = `cloudtrail:LookupEvents ${attribute.key}=${attribute.value}`;
  const out: CloudTrailRecord[] = [];
  let token: string | undefined;
  let pages = 0;
  const end = new Date(Date.now() + 60_000);
  // Made before the first slot, so that each request leaves when the limiter says, not later.
  const client = ctx.clients.lookup;
  do {
    const input: LookupEventsCommandInput = {
      LookupAttributes: [{ AttributeKey: attribute.key, AttributeValue: attribute.value }],
      StartTime: ctx.since,
      EndTime: end,
      MaxResults: 50,
      NextToken: token,
    };
    let page;
    for (let throttles = 0, failures = 0; ;) {
      try {
        page = await ctx.limiter.schedule(() => client.send(new LookupEventsCommand(input)));
        break;
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
        if (isThrottling(e) && ++throttles <= MAX_THROTTLES) {
          const ms = throttleDelayMs(throttles);
          ctx.limiter.pause(ms);
          continue;
        }
        if (status >= 500 && ++failures < MAX_ATTEMPTS) {
          await sleep(throttleDelayMs(failures));
          continue;
        }
        if (isThrottling(e)) throw new CannotTell(`${what} was throttled ${throttles} times in a row despite backing off; check again later or with less --concurrency`);
        throw cannotTell(ctx, what, e);
      }
    }
    for (const ev of page.Events ?? []) {
      if (!ev.CloudTrailEvent) continue;
      try {
        out.push(JSON.parse(ev.CloudTrailEvent) as CloudTrailRecord);
      } catch {
        // not JSON: cannot be evidence
      }
    }
    token = page.NextToken;
    pages++;
  } while (token && pages < maxPages);
  if (token) throw new CannotTell(`${what}: more than ${maxPages * 50} events since ${ctx.since.toISOString()}; read only the newest ${maxPages * 50}`);
  return out;
}
