import { ctTime } from './user-identity.js';
import type { CloudTrailRecord } from './record.js';

/**
 * CloudTrail Insights, as a small deterministic model (AWS's own model is a learned baseline over at
 * least 7 days — `baselineDuration` ≥ 10080 minutes, CT-UG cloudtrail-event-reference-insight-details —
 * which no emulator test could wait for).
 *
 * Series: per account, Region and API (eventSource + eventName):
 * - ApiCallRateInsight counts *write* management calls ("the trail must log write management events");
 * - ApiErrorRateInsight counts management calls that failed, per errorCode (read or write).
 * Time is cut into one-minute windows of the emulator clock. A window is judged once it has closed
 * (its minute is over); its baseline is the mean count per minute over the BASELINE_MINUTES windows before it.
 * - An Insight starts at the first closed window whose count ≥ max(MIN_CALLS | MIN_ERRORS, FACTOR × baseline).
 * - It lasts while consecutive windows stay at or above that threshold, and ends at the first window below it:
 *   an End record at that window's start, `insightDuration` = the number of windows the Insight lasted.
 * - Start and End share a `sharedEventID`; `insight.average` is calls (errors) per minute during the
 *   Insight; `baseline.average` per minute over the baseline; attributions are the top five
 *   userIdentityArn / userAgent (/ errorCode) values with their per-minute averages.
 * Insights are only produced for an account and Region where a logging trail has the Insight type selected.
 * Windows are judged when deliveries run (the timer, or POST /_emulator/cloudtrail/deliver).
 */
export const MODEL = { BASELINE_MINUTES: 60, FACTOR: 3, MIN_CALLS: 10, MIN_ERRORS: 5 } as const;

export type InsightType = 'ApiCallRateInsight' | 'ApiErrorRateInsight';

export interface InsightRecord {
  eventVersion: string;
  eventTime: string;
  awsRegion: string;
  eventID: string;
  eventType: 'AwsCloudTrailInsight';
  recipientAccountId: string;
  sharedEventID: string;
  insightDetails: {
    state: 'Start' | 'End';
    eventSource: string;
    eventName: string;
    insightType: InsightType;
    errorCode?: string;
    sourceEventCategory: 'Management';
    insightContext: {
      statistics: { baseline: { average: number }; insight: { average: number }; insightDuration?: number; baselineDuration: number };
      attributions: Array<{ attribute: string; insight: Array<{ value: string; average: number }>; baseline: Array<{ value: string; average: number }> }>;
    };
  };
  eventCategory: 'Insight';
}

interface Window { count: number; by: Record<string, Map<string, number>> }
interface Active { start: number; last: number; total: number; sharedEventID: string; baseline: number; by: Record<string, Map<string, number>> }
interface Series {
  accountId: string;
  region: string;
  type: InsightType;
  eventSource: string;
  eventName: string;
  errorCode?: string;
  windows: Map<number, Window>;
  judgedUpTo: number;
  active?: Active;
}

const MINUTE = 60_000;
const round = (n: number): number => Math.round(n * 1e10) / 1e10;

export class InsightsModel {
  private readonly series = new Map<string, Series>();

  constructor(private readonly newId: () => string) {}

  /** Counts one delivered management record of `accountId`. */
  observe(accountId: string, r: CloudTrailRecord): void {
    if (r.eventCategory !== 'Management') return;
    const minute = Math.floor(Date.parse(r.eventTime) / MINUTE);
    const attrs: Record<string, string | undefined> = { userIdentityArn: r.userIdentity.arn ?? r.userIdentity.invokedBy, userAgent: r.userAgent, errorCode: r.errorCode };
    if (!r.readOnly) this.count(accountId, r, 'ApiCallRateInsight', undefined, minute, attrs);
    if (r.errorCode) this.count(accountId, r, 'ApiErrorRateInsight', r.errorCode, minute, attrs);
  }

  private count(accountId: string, r: CloudTrailRecord, type: InsightType, errorCode: string | undefined, minute: number, attrs: Record<string, string | undefined>): void {
    const key = [accountId, r.awsRegion, type, r.eventSource, r.eventName, errorCode ?? ''].join('|');
    let s = this.series.get(key);
    if (!s) {
      s = { accountId, region: r.awsRegion, type, eventSource: r.eventSource, eventName: r.eventName, errorCode, windows: new Map(), judgedUpTo: -Infinity };
      this.series.set(key, s);
    }
    if (minute <= s.judgedUpTo) return; // that window was already judged (a late record); AWS would not revisit it either
    let w = s.windows.get(minute);
    if (!w) s.windows.set(minute, (w = { count: 0, by: {} }));
    w.count++;
    for (const [name, value] of Object.entries(attrs)) {
      if (!value || (name === 'errorCode' && type === 'ApiErrorRateInsight')) continue;
      const m = (w.by[name] ??= new Map());
      m.set(value, (m.get(value) ?? 0) + 1);
    }
  }

  /** Judges every closed window; returns the Start/End records to publish (one per recipient account). */
  evaluate(now: Date, enabled: (accountId: string, region: string, type: InsightType) => boolean): InsightRecord[] {
    const current = Math.floor(now.getTime() / MINUTE);
    const out: InsightRecord[] = [];
    for (const s of this.series.values()) {
      const candidates = new Set([...s.windows.keys()].filter((m) => m > s.judgedUpTo && m < current));
      if (s.active && s.active.last + 1 < current) candidates.add(s.active.last + 1);
      for (const m of [...candidates].sort((a, b) => a - b)) this.judge(s, m, enabled, out);
      // An Insight that started in this pass and whose next window had no calls at all ends there.
      if (s.active && s.active.last + 1 < current) this.judge(s, s.active.last + 1, enabled, out);
      s.judgedUpTo = Math.max(s.judgedUpTo, current - 1);
      for (const m of s.windows.keys()) if (m < current - MODEL.BASELINE_MINUTES - 1) s.windows.delete(m);
    }
    return out;
  }

  private judge(s: Series, m: number, enabled: (a: string, r: string, t: InsightType) => boolean, out: InsightRecord[]): void {
    const count = s.windows.get(m)?.count ?? 0;
    let sum = 0;
    for (let i = m - MODEL.BASELINE_MINUTES; i < m; i++) sum += s.windows.get(i)?.count ?? 0;
    const baseline = sum / MODEL.BASELINE_MINUTES;
    const threshold = Math.max(s.type === 'ApiCallRateInsight' ? MODEL.MIN_CALLS : MODEL.MIN_ERRORS, MODEL.FACTOR * baseline);
    const above = count >= threshold;
    const a = s.active;
    if (a) {
      if (above && m === a.last + 1) {
        a.last = m;
        a.total += count;
        merge(a.by, s.windows.get(m)?.by ?? {});
        return;
      }
      // Every window after the last one above the threshold has been judged before m, so the Insight ended there.
      const endMinute = a.last + 1;
      out.push(this.record(s, 'End', endMinute, a, endMinute - a.start));
      s.active = undefined;
      if (!above) return;
    }
    if (above && enabled(s.accountId, s.region, s.type)) {
      const active: Active = { start: m, last: m, total: count, sharedEventID: this.newId(), baseline, by: {} };
      merge(active.by, s.windows.get(m)?.by ?? {});
      s.active = active;
      out.push(this.record(s, 'Start', m, active));
    }
  }

  private record(s: Series, state: 'Start' | 'End', minute: number, a: Active, duration?: number): InsightRecord {
    const minutes = duration ?? 1;
    const statistics: InsightRecord['insightDetails']['insightContext']['statistics'] = {
      baseline: { average: round(a.baseline) },
      insight: { average: round(a.total / Math.max(1, a.last - a.start + 1)) },
      baselineDuration: MODEL.BASELINE_MINUTES,
    };
    if (state === 'End') statistics.insightDuration = minutes;
    const baselineBy = this.baselineBy(s, a.start);
    const attributions = Object.keys(a.by).sort().map((attribute) => ({
      attribute,
      insight: top(a.by[attribute], Math.max(1, a.last - a.start + 1)),
      baseline: top(baselineBy[attribute] ?? new Map(), MODEL.BASELINE_MINUTES),
    }));
    return {
      eventVersion: '1.11',
      eventTime: ctTime(new Date(minute * MINUTE)),
      awsRegion: s.region,
      eventID: this.newId(),
      eventType: 'AwsCloudTrailInsight',
      recipientAccountId: s.accountId,
      sharedEventID: a.sharedEventID,
      insightDetails: {
        state,
        eventSource: s.eventSource,
        eventName: s.eventName,
        insightType: s.type,
        ...(s.errorCode ? { errorCode: s.errorCode } : {}),
        sourceEventCategory: 'Management',
        insightContext: { statistics, attributions },
      },
      eventCategory: 'Insight',
    };
  }

  private baselineBy(s: Series, start: number): Record<string, Map<string, number>> {
    const by: Record<string, Map<string, number>> = {};
    for (let i = start - MODEL.BASELINE_MINUTES; i < start; i++) merge(by, s.windows.get(i)?.by ?? {});
    return by;
  }

  reset(): void {
    this.series.clear();
  }
}

function merge(into: Record<string, Map<string, number>>, from: Record<string, Map<string, number>>): void {
  for (const [name, m] of Object.entries(from)) {
    const target = (into[name] ??= new Map());
    for (const [v, n] of m) target.set(v, (target.get(v) ?? 0) + n);
  }
}

const top = (m: Map<string, number>, minutes: number): Array<{ value: string; average: number }> =>
  [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5).map(([value, n]) => ({ value, average: round(n / minutes) }));
