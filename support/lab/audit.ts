import type { Actor } from '../actors.js';
import { verifyDigestFor, type DigestVerification } from '../cloudtrail/digest.js';
import { lookupEventsLimiter } from '../cloudtrail/limiter.js';
import { mismatches, type EventExpectation } from '../cloudtrail/match.js';
import { eventually, never, type PollResult, type Probe } from '../cloudtrail/poller.js';
import { summarize, type FoundRecord } from '../cloudtrail/records.js';
import { digestSource, logFileSource, lookupEventsSource, type DigestFile, type RecordSource } from '../cloudtrail/sources.js';
import type { LabContext } from './context.js';
import type { TrailRef } from './trail.js';

/** LookupEvents looks back from a little before the scenario began (clocks differ by seconds). */
const LOOKBACK_MS = 5 * 60_000;

function recordProbe(exp: EventExpectation, source: RecordSource): Probe<FoundRecord> {
  return {
    what: exp.description,
    where: source.description,
    fetch: () => source.fetch(),
    mismatches: (f) => mismatches(f.record, exp),
    describe: (f) => `${summarize(f.record)}${f.source === 'LookupEvents' ? '' : ` [${f.source}]`}`,
  };
}

function pollOptions(lab: LabContext) {
  const t = lab.target.timing;
  return { deadlineMs: t.cloudTrailDeadlineMs, minIntervalMs: t.cloudTrailPollMs, maxIntervalMs: t.maxPollMs };
}

/** LookupEvents by the most selective attribute: the resource when there is one, else the event name. */
function lookupSource(lab: LabContext, reader: Actor, exp: EventExpectation, since: Date) {
  const limiter = lookupEventsLimiter(lab.accountId, lab.target.connection.region);
  const attribute = exp.resourceArns?.[0]
    ? { key: 'ResourceName' as const, value: exp.resourceArns[0] }
    : { key: 'EventName' as const, value: exp.eventName };
  return { limiter, source: lookupEventsSource({ client: reader.clients.cloudtrail, limiter, attribute, startTime: new Date(since.getTime() - LOOKBACK_MS) }) };
}

/** Management events: "CloudTrail eventually shows …" through LookupEvents. */
export async function awaitManagementEvent(lab: LabContext, reader: Actor, exp: EventExpectation, since: Date): Promise<PollResult<FoundRecord>> {
  const { limiter, source } = lookupSource(lab, reader, exp, since);
  return eventually(recordProbe(exp, source), { ...pollOptions(lab), limiter });
}

/** Data events are not in LookupEvents: checked once, after the event was found in the log files. */
export async function assertNotInLookupEvents(lab: LabContext, reader: Actor, exp: EventExpectation, since: Date): Promise<{ checked: number }> {
  const { limiter, source } = lookupSource(lab, reader, exp, since);
  return never(recordProbe(exp, source), { limiter });
}

export function logPrefix(lab: LabContext): string {
  return `AWSLogs/${lab.accountId}/CloudTrail/${lab.target.connection.region}/`;
}

/** Events in the log files the trail delivered to its bucket (data events included). */
export async function awaitLoggedEvent(lab: LabContext, reader: Actor, trail: TrailRef, exp: EventExpectation): Promise<PollResult<FoundRecord>> {
  const source = logFileSource({ s3: reader.clients.s3, bucket: trail.bucket.name, prefix: logPrefix(lab), flush: lab.target.flushCloudTrail });
  return eventually(recordProbe(exp, source), pollOptions(lab));
}

/** A digest file that lists `logFileKey`, then its signature and the log file's hash verified. */
export async function awaitDigestCovering(lab: LabContext, reader: Actor, trail: TrailRef, logFileKey: string): Promise<{ poll: PollResult<DigestFile>; verification: DigestVerification }> {
  const prefix = `AWSLogs/${lab.accountId}/CloudTrail-Digest/${lab.target.connection.region}/`;
  const source = digestSource({ s3: reader.clients.s3, bucket: trail.bucket.name, prefix, flush: lab.target.flushCloudTrail });
  const poll = await eventually<DigestFile>({
    what: `a digest file listing ${logFileKey}`,
    where: source.description,
    fetch: () => source.fetch(),
    mismatches: (d) => (d.logFiles.some((f) => f.s3Object === logFileKey) ? [] : [`lists ${d.logFiles.length} other log file(s)`]),
    describe: (d) => `${d.key} (${d.digestStartTime} – ${d.digestEndTime})`,
  }, pollOptions(lab));
  const verification = await verifyDigestFor({ digest: poll.item, logFileKey, s3: reader.clients.s3, cloudtrail: reader.clients.cloudtrail, bucket: trail.bucket.name });
  return { poll, verification };
}
