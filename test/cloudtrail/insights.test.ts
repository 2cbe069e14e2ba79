import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AddTagsCommand, CreateTrailCommand, PutInsightSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { InsightsModel, MODEL } from '../../emulator/cloudtrail/insights.js';
import type { CloudTrailRecord } from '../../emulator/cloudtrail/record.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { ACCOUNT, ctAs, deliver, lookup, readLogFile, s3As, trailBucket } from './support.js';

const T0 = Date.parse('2026-04-01T12:00:00Z');
const minute = (m: number, s = 0) => new Date(T0 + m * 60_000 + s * 1000);

function write(t: Date, errorCode?: string): CloudTrailRecord {
  return {
    eventTime: t.toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: 'ssm.amazonaws.com', eventName: 'UpdateInstanceInformation', awsRegion: 'us-east-1',
    readOnly: false, eventCategory: 'Management', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bot' }, userAgent: 'bot/1.0',
    ...(errorCode ? { errorCode } : {}),
  } as CloudTrailRecord;
}

describe('Insights model', () => {
  it(`a burst of ≥${MODEL.MIN_CALLS} write calls in a minute over a quiet baseline starts an Insight that ends with the burst`, () => {
    let n = 0;
    const m = new InsightsModel(() => `id-${++n}`);
    for (let i = 0; i < 2; i++) m.observe('111122223333', write(minute(0, i))); // baseline: 2 calls in minute 0
    for (let i = 0; i < 12; i++) m.observe('111122223333', write(minute(5, i))); // burst in minute 5
    for (let i = 0; i < 11; i++) m.observe('111122223333', write(minute(6, i))); // still bursting in minute 6
    const on = () => true;
    assert.deepEqual(m.evaluate(minute(5, 30), on), [], 'minute 5 is not over yet');
    const started = m.evaluate(minute(6, 1), on);
    assert.equal(started.length, 1);
    const s = started[0];
    assert.equal(s.eventTime, '2026-04-01T12:05:00Z');
    assert.equal(s.insightDetails.state, 'Start');
    assert.equal(s.insightDetails.insightType, 'ApiCallRateInsight');
    assert.deepEqual(s.insightDetails.insightContext.statistics, { baseline: { average: 0.0333333333 }, insight: { average: 12 }, baselineDuration: MODEL.BASELINE_MINUTES });
    assert.deepEqual(m.evaluate(minute(7, 0), on), [], 'minute 6 continues the Insight');
    const ended = m.evaluate(minute(8, 0), on);
    assert.equal(ended.length, 1);
    const e = ended[0];
    assert.equal(e.insightDetails.state, 'End');
    assert.equal(e.eventTime, '2026-04-01T12:07:00Z');
    assert.equal(e.sharedEventID, s.sharedEventID);
    assert.equal(e.insightDetails.insightContext.statistics.insightDuration, 2);
    assert.equal(e.insightDetails.insightContext.statistics.insight.average, 11.5);
    assert.deepEqual(e.insightDetails.insightContext.attributions.find((a) => a.attribute === 'userIdentityArn')?.insight,
      [{ value: 'arn:aws:iam::111122223333:user/bot', average: 11.5 }]);
  });

  it(`errors are judged per error code: ≥${MODEL.MIN_ERRORS} AccessDenied in a minute is an ApiErrorRateInsight`, () => {
    const m = new InsightsModel(() => 'id');
    for (let i = 0; i < 5; i++) m.observe('111122223333', write(minute(1, i), 'AccessDenied'));
    const out = m.evaluate(minute(2, 0), () => true).filter((x) => x.insightDetails.insightType === 'ApiErrorRateInsight');
    assert.equal(out.length, 1);
    assert.equal(out[0].insightDetails.errorCode, 'AccessDenied');
  });

  it('nothing is emitted for an account whose trails do not select the Insight type', () => {
    const m = new InsightsModel(() => 'id');
    for (let i = 0; i < 20; i++) m.observe('111122223333', write(minute(1, i)));
    assert.deepEqual(m.evaluate(minute(3, 0), () => false), []);
  });
});

describe('Insights through the API', () => {
  let r: RunningEmulator;
  let arn: string;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    r.emulator.clock = () => minute(0, 1);
    await trailBucket(r, 'insight-logs');
    const ct = ctAs(r);
    arn = (await ct.send(new CreateTrailCommand({ Name: 'insightful', S3BucketName: 'insight-logs' }))).TrailARN!;
    await ct.send(new PutInsightSelectorsCommand({ TrailName: 'insightful', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] }));
    await ct.send(new StartLoggingCommand({ Name: 'insightful' }));
    r.emulator.clock = () => minute(10, 5);
    for (let i = 0; i < 12; i++) await ct.send(new AddTagsCommand({ ResourceId: arn, TagsList: [{ Key: `k${i}`, Value: 'v' }] }));
  });
  after(() => r.stop());

  it('a burst of AddTags calls starts an Insight that LookupEvents returns with EventCategory insight', async () => {
    r.emulator.clock = () => minute(11, 1);
    const report = await deliver(r);
    assert.deepEqual(report.insights.map((x) => [x.state, x.insightType]), [['Start', 'ApiCallRateInsight']]);
    const { Events } = await lookup(r, { EventCategory: 'insight' });
    assert.equal(Events?.length, 1);
    assert.equal(Events![0].EventName, 'AddTags');
    assert.equal(Events![0].EventSource, 'cloudtrail.amazonaws.com');
    const record = JSON.parse(Events![0].CloudTrailEvent!);
    assert.equal(record.eventType, 'AwsCloudTrailInsight');
    assert.equal(record.eventCategory, 'Insight');
    assert.equal(record.recipientAccountId, ACCOUNT);
    assert.equal(record.insightDetails.state, 'Start');
    const management = await lookup(r, { LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: record.eventID }] });
    assert.deepEqual(management.Events, [], 'without EventCategory, Insights events are not returned');
  });

  it('the Insight ends when the burst is over, and both records are delivered under CloudTrail-Insight/', async () => {
    r.emulator.clock = () => minute(12, 1);
    const report = await deliver(r);
    assert.deepEqual(report.insights.map((x) => x.state), ['End']);
    const file = report.insightFiles.find((f) => f.bucket === 'insight-logs');
    assert.ok(file, JSON.stringify(report));
    assert.match(file.key, new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail-Insight/us-east-1/2026/04/01/${ACCOUNT}_CloudTrail-Insight_us-east-1_20260401T1212Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
    const records = await readLogFile(r, 'insight-logs', file.key);
    assert.deepEqual(records.map((x) => x.insightDetails.state), ['End']);
    const listed = await s3As(r).send(new ListObjectsV2Command({ Bucket: 'insight-logs', Prefix: `AWSLogs/${ACCOUNT}/CloudTrail-Insight/` }));
    const states = [];
    for (const o of listed.Contents ?? []) states.push(...(await readLogFile(r, 'insight-logs', o.Key!)).map((x) => x.insightDetails.state));
    assert.deepEqual(states.sort(), ['End', 'Start']);
  });
});
