import { createHash } from 'node:crypto';
import {
  invalidEventCategory, invalidLookupAttributes, invalidMaxResults, invalidNextToken, invalidTimeRange,
} from './errors.js';
import type { EventStore, StoredEvent } from './store.js';

/**
 * LookupEvents (API_LookupEvents; botocore cloudtrail service-2.json):
 * - management events, or Insights events with EventCategory "insight" ("If you do not specify an event
 *   category, events of the category are not returned"); never data events;
 * - one lookup attribute at most ("Currently the list can contain only one item"), of EventId, EventName,
 *   ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId; Insights lookups only
 *   support EventId, EventName and EventSource;
 * - StartTime/EndTime inclusive; MaxResults 1–50, default 50; newest first;
 * - NextToken "must be passed in with the same parameters that were specified in the original call".
 * Rate limiting is done by the caller (RateLimiter).
 */
const KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
type Key = (typeof KEYS)[number];
const INSIGHT_KEYS: ReadonlySet<string> = new Set(['EventId', 'EventName', 'EventSource']);

export interface LookupInput {
  LookupAttributes?: unknown;
  StartTime?: unknown;
  EndTime?: unknown;
  EventCategory?: unknown;
  MaxResults?: unknown;
  NextToken?: unknown;
}

export interface LookupEvent {
  EventId: string;
  EventName: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  EventTime: Date;
  EventSource: string;
  Username?: string;
  Resources?: Array<{ ResourceType: string; ResourceName: string }>;
  CloudTrailEvent: string;
}

/** JSON 1.1 timestamps are epoch seconds; ISO strings are accepted too. */
export function toDate(v: unknown, field: string): Date | undefined {
  if (v === undefined || v === null) return undefined;
  const d = typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(/^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : v) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw invalidTimeRange(`${field} is not a valid timestamp.`);
  return d;
}

interface Cursor { h: string; e: number; t: number; s: number }

export function lookupEvents(store: EventStore, accountId: string, region: string, input: LookupInput, now: Date):
  { Events: LookupEvent[]; NextToken?: string } {
  let max = 50;
  if (input.MaxResults !== undefined) {
    max = Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 50) throw invalidMaxResults(input.MaxResults);
  }
  const insight = input.EventCategory !== undefined;
  if (insight && input.EventCategory !== 'insight') throw invalidEventCategory(input.EventCategory);

  let attr: { key: Key; value: string } | undefined;
  const attrs = input.LookupAttributes ?? [];
  if (!Array.isArray(attrs)) throw invalidLookupAttributes('LookupAttributes must be a list.');
  if (attrs.length > 1) throw invalidLookupAttributes('You can specify only one lookup attribute.');
  if (attrs.length === 1) {
    const a = (attrs[0] ?? {}) as { AttributeKey?: unknown; AttributeValue?: unknown };
    if (!KEYS.includes(a.AttributeKey as Key)) {
      throw invalidLookupAttributes(`Lookup attribute key ${String(a.AttributeKey)} is not valid; use one of ${KEYS.join(', ')}.`);
    }
    if (typeof a.AttributeValue !== 'string' || a.AttributeValue.length < 1 || a.AttributeValue.length > 2000) {
      throw invalidLookupAttributes('The lookup attribute value must be 1 to 2000 characters long.');
    }
    if (insight && !INSIGHT_KEYS.has(a.AttributeKey as string)) {
      throw invalidLookupAttributes(`Insights events can only be looked up by EventId, EventName or EventSource, not ${String(a.AttributeKey)}.`);
    }
    attr = { key: a.AttributeKey as Key, value: a.AttributeValue };
  }

  const start = toDate(input.StartTime, 'StartTime');
  const givenEnd = toDate(input.EndTime, 'EndTime');
  if (start && givenEnd && start.getTime() > givenEnd.getTime()) throw invalidTimeRange();

  // The token pins the parameters and the effective end time, and the last event returned.
  const hash = createHash('sha256').update(JSON.stringify([attr ?? null, start?.getTime() ?? null, givenEnd?.getTime() ?? null, insight])).digest('hex').slice(0, 16);
  let cursor: Cursor | undefined;
  if (input.NextToken !== undefined) {
    try {
      cursor = JSON.parse(Buffer.from(String(input.NextToken), 'base64url').toString('utf8')) as Cursor;
    } catch { throw invalidNextToken(); }
    if (!cursor || cursor.h !== hash || typeof cursor.t !== 'number' || typeof cursor.s !== 'number' || typeof cursor.e !== 'number') throw invalidNextToken();
  }
  const end = cursor ? cursor.e : (givenEnd ?? now).getTime();
  const from = start?.getTime() ?? -Infinity;
  const nowMs = now.getTime();

  const matches = (e: StoredEvent): boolean => {
    if (e.category !== (insight ? 'Insight' : 'Management')) return false;
    if (e.visibleAt > nowMs) return false;
    const t = e.time.getTime();
    if (t < from || t > end) return false;
    if (cursor && (t > cursor.t || (t === cursor.t && e.seq >= cursor.s))) return false;
    return !attr || attributeMatches(e, attr.key, attr.value);
  };
  const page: StoredEvent[] = [];
  let more = false;
  // The store walks only the events with the attribute's value, newest first from the page's start.
  const walk = store.newestFirst(accountId, region, { attr, end, before: cursor ? { t: cursor.t, s: cursor.s } : undefined });
  for (const e of walk) {
    if (e.time.getTime() < from) break;
    if (!matches(e)) continue;
    if (page.length === max) { more = true; break; }
    page.push(e);
  }
  const last = page[page.length - 1];
  const next = more && last ? Buffer.from(JSON.stringify({ h: hash, e: end, t: last.time.getTime(), s: last.seq } satisfies Cursor)).toString('base64url') : undefined;
  return next ? { Events: page.map(toEvent), NextToken: next } : { Events: page.map(toEvent) };
}

function attributeMatches(e: StoredEvent, key: Key, value: string): boolean {
  switch (key) {
    case 'EventId': return e.eventId === value;
    case 'EventName': return e.eventName === value;
    case 'EventSource': return e.eventSource === value;
    case 'ReadOnly': return e.readOnly !== undefined && String(e.readOnly) === value;
    case 'Username': return e.username === value;
    case 'AccessKeyId': return e.accessKeyId === value;
    case 'ResourceType': return e.resources.some((r) => r.ResourceType === value);
    case 'ResourceName': return e.resources.some((r) => r.ResourceName === value);
  }
}

function toEvent(e: StoredEvent): LookupEvent {
  const out: LookupEvent = { EventId: e.eventId, EventName: e.eventName } as LookupEvent;
  if (e.readOnly !== undefined) out.ReadOnly = String(e.readOnly);
  if (e.accessKeyId) out.AccessKeyId = e.accessKeyId;
  out.EventTime = e.time;
  out.EventSource = e.eventSource;
  if (e.username) out.Username = e.username;
  out.Resources = e.resources;
  out.CloudTrailEvent = e.json;
  return out;
}
