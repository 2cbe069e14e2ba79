import { randomUUID } from 'node:crypto';
import type { CallRecord } from '../core/call-record.js';
import { lookupFields, recipientsOf, toRecord, type CloudTrailRecord } from './record.js';
import { selects } from './selectors.js';
import type { CloudTrailState } from './state.js';
import type { InsightRecord, InsightType } from './insights.js';
import type { Trail } from './trails.js';

/**
 * Global services are recorded in us-east-1 and only reach trails that include global service events
 * (CT-UG cloudtrail-concepts, "Global service events"; view-cloudtrail-events-cli: IAM, STS's global
 * endpoint and CloudFront events are in us-east-1).
 */
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'cloudfront.amazonaws.com']);

/**
 * The CloudTrail recorder: every answered call becomes one record per recipient account, which goes to
 * Event history (management events only) and to the queue of each logging trail that selects it.
 */
export class Recorder {
  constructor(private readonly s: CloudTrailState) {}

  onCall(call: CallRecord): void {
    const bucketOwner = this.bucketOwnerOf(call);
    const recipients = recipientsOf(call, bucketOwner);
    const sharedEventId = recipients.length > 1 ? randomUUID() : undefined;
    const visibleAt = this.s.emulator.clock().getTime() + this.lookupDelayMs();
    for (const recipientAccountId of recipients) {
      const record = toRecord(call, { eventId: randomUUID(), recipientAccountId, sharedEventId, bucketOwner });
      if (record.eventCategory === 'Management') {
        const f = lookupFields(call, record);
        this.s.events.add({
          eventId: record.eventID, accountId: recipientAccountId, region: record.awsRegion, time: call.time, visibleAt, category: 'Management',
          eventName: record.eventName, eventSource: record.eventSource, readOnly: record.readOnly, username: f.username,
          accessKeyId: f.accessKeyId, resources: f.resources, json: JSON.stringify(record),
        });
      }
      for (const t of this.trailsFor(recipientAccountId, record, call.time)) this.s.delivery.enqueue(t, record);
      this.s.insights.observe(recipientAccountId, record);
    }
  }

  /** Judges closed Insights windows and publishes what started or ended (Event history + Insights files). */
  publishInsights(now: Date): InsightRecord[] {
    const insightTrails = (accountId: string, region: string, type: InsightType): Trail[] =>
      this.s.trails.ofAccount(accountId).filter((t) => t.status.isLogging && (t.homeRegion === region || t.isMultiRegionTrail)
        && t.insightSelectors.some((x) => x.InsightType === type));
    const records = this.s.insights.evaluate(now, (a, r, type) => insightTrails(a, r, type).length > 0);
    const visibleAt = now.getTime() + this.lookupDelayMs();
    for (const r of records) {
      const d = r.insightDetails;
      this.s.events.add({
        eventId: r.eventID, accountId: r.recipientAccountId, region: r.awsRegion, time: new Date(r.eventTime), visibleAt, category: 'Insight',
        eventName: d.eventName, eventSource: d.eventSource, resources: [], json: JSON.stringify(r),
      });
      for (const t of insightTrails(r.recipientAccountId, r.awsRegion, d.insightType)) this.s.delivery.enqueueInsight(t, r);
    }
    return records;
  }

  private lookupDelayMs(): number {
    return Math.max(0, this.s.emulator.config.cloudtrailLookupDelaySeconds) * 1000;
  }

  private bucketOwnerOf(call: CallRecord): string | undefined {
    if (call.eventSource !== 's3.amazonaws.com' || call.audit.recipientAccountId) return undefined;
    const bucket = call.audit.requestParameters?.bucketName;
    return typeof bucket === 'string' ? this.s.emulator.s3?.bucketInfo(bucket)?.ownerAccountId : undefined;
  }

  /** Trails of the account that log this record: logging (or stopped by this very call), covering its Region, selecting it. */
  private trailsFor(accountId: string, r: CloudTrailRecord, at: Date): Trail[] {
    return this.s.trails.ofAccount(accountId).filter((t) => {
      const st = t.status;
      const logging = st.isLogging || (st.stopLoggingTime !== undefined && at.getTime() <= st.stopLoggingTime.getTime()
        && st.startLoggingTime !== undefined && at.getTime() >= st.startLoggingTime.getTime());
      if (!logging) return false;
      if (t.homeRegion !== r.awsRegion && !t.isMultiRegionTrail) return false;
      if (GLOBAL_SOURCES.has(r.eventSource) && !t.includeGlobalServiceEvents) return false;
      return selects(t.selectors, r);
    });
  }
}
