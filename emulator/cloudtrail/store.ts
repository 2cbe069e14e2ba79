/**
 * Event history: the management and Insights events of each account and Region, as LookupEvents serves
 * them. "You can look up events that occurred in a Region within the last 90 days" (API_LookupEvents);
 * data events are never here ("The CloudTrail Event history feature supports only management events" —
 * CT-UG logging-management-events-with-cloudtrail).
 */
export interface StoredEvent {
  /** Insertion order, to keep a stable order among events of the same second. */
  seq: number;
  eventId: string;
  accountId: string;
  region: string;
  time: Date;
  /** Epoch ms from which LookupEvents may return it (the configurable visibility delay). */
  visibleAt: number;
  category: 'Management' | 'Insight';
  eventName: string;
  eventSource: string;
  readOnly?: boolean;
  username?: string;
  accessKeyId?: string;
  resources: Array<{ ResourceType: string; ResourceName: string }>;
  /** The record as LookupEvents' CloudTrailEvent gives it: a JSON string. */
  json: string;
}

const RETENTION_MS = 90 * 24 * 3600 * 1000;
/** A bound on memory for long-running emulators; the oldest events go first. */
const MAX_PER_SCOPE = 50_000;

/** LookupEvents' lookup attributes (API_LookupEvents LookupAttribute.AttributeKey). */
export type LookupKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';

/** Where a newest-first walk starts: at `end` (inclusive), or just before a page's last event (time, seq). */
export interface WalkFrom {
  attr?: { key: LookupKey; value: string };
  end?: number;
  before?: { t: number; s: number };
}

/**
 * Events in ascending (time, seq) order; items[head..] are live. Dropping the oldest advances head, and the
 * array is compacted now and then, so trimming a full scope costs O(1) per event instead of a splice.
 */
class Run {
  items: StoredEvent[] = [];
  head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** Events nearly always arrive in time order: search for the place from the end. Equal times keep arrival order. */
  insert(e: StoredEvent): void {
    const t = e.time.getTime();
    let i = this.items.length;
    while (i > this.head && this.items[i - 1].time.getTime() > t) i--;
    if (i === this.items.length) this.items.push(e);
    else this.items.splice(i, 0, e);
  }

  /** Removes `e`, which is the oldest event of this run whenever the scope drops its oldest event. */
  dropOldest(e: StoredEvent): void {
    if (this.items[this.head] === e) this.head++;
    else {
      const i = this.items.indexOf(e, this.head);
      if (i >= 0) this.items.splice(i, 1);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the newest event at or before the bound, or head - 1 when there is none. */
  startOf(from: WalkFrom): number {
    const { items } = this;
    const end = from.end ?? Infinity;
    const before = from.before;
    const inRange = before
      ? (e: StoredEvent) => e.time.getTime() < before.t || (e.time.getTime() === before.t && e.seq < before.s)
      : (e: StoredEvent) => e.time.getTime() <= end;
    // items[head..] is sorted by (time, seq): find the first event past the bound.
    let lo = this.head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inRange(items[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

/** The attribute values an event is found by (each at most once per event). */
function lookupValues(e: StoredEvent): Array<[LookupKey, string]> {
  const out: Array<[LookupKey, string]> = [['EventName', e.eventName], ['EventSource', e.eventSource]];
  if (e.readOnly !== undefined) out.push(['ReadOnly', String(e.readOnly)]);
  if (e.username) out.push(['Username', e.username]);
  if (e.accessKeyId) out.push(['AccessKeyId', e.accessKeyId]);
  for (const t of new Set(e.resources.map((r) => r.ResourceType))) out.push(['ResourceType', t]);
  for (const n of new Set(e.resources.map((r) => r.ResourceName))) out.push(['ResourceName', n]);
  return out;
}

const indexKey = (key: LookupKey, value: string): string => `${key}\u0000${value}`;

/** One account and Region: every event in time order, plus one run per lookup attribute value (LookupEvents' filters). */
class Scope {
  readonly all = new Run();
  readonly byAttribute = new Map<string, Run>();
  readonly byId = new Map<string, StoredEvent>();

  add(e: StoredEvent): void {
    this.all.insert(e);
    this.byId.set(e.eventId, e);
    for (const [key, value] of lookupValues(e)) {
      const k = indexKey(key, value);
      let run = this.byAttribute.get(k);
      if (!run) this.byAttribute.set(k, (run = new Run()));
      run.insert(e);
    }
  }

  dropOldest(): void {
    const e = this.all.items[this.all.head];
    this.all.dropOldest(e);
    if (this.byId.get(e.eventId) === e) this.byId.delete(e.eventId);
    for (const [key, value] of lookupValues(e)) {
      const k = indexKey(key, value);
      const run = this.byAttribute.get(k);
      if (!run) continue;
      run.dropOldest(e);
      if (run.size === 0) this.byAttribute.delete(k);
    }
  }
}

export class EventStore {
  private readonly scopes = new Map<string, Scope>();
  private seq = 0;

  add(e: Omit<StoredEvent, 'seq'>): StoredEvent {
    const stored: StoredEvent = { ...e, seq: ++this.seq };
    const key = `${e.accountId}|${e.region}`;
    let scope = this.scopes.get(key);
    if (!scope) this.scopes.set(key, (scope = new Scope()));
    scope.add(stored);
    const horizon = stored.time.getTime() - RETENTION_MS;
    const all = scope.all;
    while (all.size > 0 && (all.items[all.head].time.getTime() < horizon || all.size > MAX_PER_SCOPE)) scope.dropOldest();
    return stored;
  }

  /**
   * Newest first (LookupEvents' order; ascending time, ties in arrival order, read backwards), optionally only
   * the events with a lookup attribute value and from a starting bound: found by index and binary search, so
   * a page costs the same however many events the scope holds.
   */
  *newestFirst(accountId: string, region: string, from: WalkFrom = {}): Generator<StoredEvent> {
    const scope = this.scopes.get(`${accountId}|${region}`);
    if (!scope) return;
    if (from.attr?.key === 'EventId') {
      const e = scope.byId.get(from.attr.value);
      if (!e) return;
      const t = e.time.getTime();
      if (from.before ? t < from.before.t || (t === from.before.t && e.seq < from.before.s) : t <= (from.end ?? Infinity)) yield e;
      return;
    }
    const run = from.attr ? scope.byAttribute.get(indexKey(from.attr.key, from.attr.value)) : scope.all;
    if (!run) return;
    for (let i = run.startOf(from); i >= run.head; i--) yield run.items[i];
  }

  reset(): void {
    this.scopes.clear();
    this.seq = 0;
  }
}
