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

export class EventStore {
  private readonly scopes = new Map<string, StoredEvent[]>();
  private seq = 0;

  add(e: Omit<StoredEvent, 'seq'>): StoredEvent {
    const stored: StoredEvent = { ...e, seq: ++this.seq };
    const key = `${e.accountId}|${e.region}`;
    let list = this.scopes.get(key);
    if (!list) this.scopes.set(key, (list = []));
    // Kept in ascending time order; events nearly always arrive in order, so search from the end.
    let i = list.length;
    while (i > 0 && list[i - 1].time.getTime() > stored.time.getTime()) i--;
    list.splice(i, 0, stored);
    const horizon = stored.time.getTime() - RETENTION_MS;
    let drop = 0;
    while (drop < list.length && (list[drop].time.getTime() < horizon || list.length - drop > MAX_PER_SCOPE)) drop++;
    if (drop > 0) list.splice(0, drop);
    return stored;
  }

  /** Newest first (LookupEvents' order): the list is kept by ascending time, ties in arrival order. */
  *newestFirst(accountId: string, region: string): Generator<StoredEvent> {
    const list = this.scopes.get(`${accountId}|${region}`) ?? [];
    for (let i = list.length - 1; i >= 0; i--) yield list[i];
  }

  reset(): void {
    this.scopes.clear();
    this.seq = 0;
  }
}
