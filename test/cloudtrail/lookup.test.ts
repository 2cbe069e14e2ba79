import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { failure, lookup, s3As } from './support.js';

// LookupEvents' contract (API_LookupEvents; botocore cloudtrail service-2.json).
describe('LookupEvents', () => {
  let r: RunningEmulator;
  const t0 = Date.parse('2026-03-01T10:00:00Z');
  const at = (seconds: number) => new Date(t0 + seconds * 1000);

  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    for (let i = 0; i < 7; i++) {
      r.emulator.clock = () => at(i * 60);
      await s3As(r).send(new CreateBucketCommand({ Bucket: `page-bucket-${i}` }));
    }
    r.emulator.clock = () => at(3600);
  });
  after(() => r.stop());

  const byName = { LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: 'CreateBucket' }] };
  const buckets = (events: Array<{ Resources?: Array<{ ResourceType?: string; ResourceName?: string }> }> = []) =>
    events.map((e) => e.Resources?.find((x) => x.ResourceType === 'AWS::S3::Bucket')?.ResourceName);

  it('returns events newest first, MaxResults at a time, and NextToken walks every page once', async () => {
    const seen: Array<string | undefined> = [];
    let token: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await lookup(r, { ...byName, MaxResults: 3, NextToken: token });
      sizes.push(page.Events!.length);
      seen.push(...buckets(page.Events));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(sizes, [3, 3, 1]);
    assert.deepEqual(seen, [6, 5, 4, 3, 2, 1, 0].map((i) => `page-bucket-${i}`));
  });

  it('StartTime and EndTime bound the events, inclusively', async () => {
    const page = await lookup(r, { ...byName, StartTime: at(120), EndTime: at(240) });
    assert.deepEqual(buckets(page.Events), ['page-bucket-4', 'page-bucket-3', 'page-bucket-2']);
  });

  it('a NextToken used with other parameters is refused: InvalidNextTokenException', async () => {
    const first = await lookup(r, { ...byName, MaxResults: 2 });
    const f = await failure(lookup(r, { MaxResults: 2, NextToken: first.NextToken }));
    assert.equal(f.code, 'InvalidNextTokenException');
  });

  it('more than one lookup attribute is refused: InvalidLookupAttributesException', async () => {
    const f = await failure(lookup(r, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateBucket' }, { AttributeKey: 'ReadOnly', AttributeValue: 'false' }] }));
    assert.equal(f.code, 'InvalidLookupAttributesException');
    assert.equal(f.status, 400);
  });

  it('Insights lookups only take EventId, EventName or EventSource: InvalidLookupAttributesException', async () => {
    const f = await failure(lookup(r, { EventCategory: 'insight', LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'root' }] }));
    assert.equal(f.code, 'InvalidLookupAttributesException');
  });

  it('a start after the end is refused: InvalidTimeRangeException', async () => {
    const f = await failure(lookup(r, { StartTime: at(600), EndTime: at(60) }));
    assert.equal(f.code, 'InvalidTimeRangeException');
  });

  it('MaxResults above 50 is refused: InvalidMaxResultsException', async () => {
    const f = await failure(lookup(r, { MaxResults: 51 }));
    assert.equal(f.code, 'InvalidMaxResultsException');
  });

  it('ReadOnly, ResourceType and AccessKeyId select events too', async () => {
    const writes = await lookup(r, { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }], MaxResults: 50 });
    assert.ok(writes.Events!.length >= 7 && writes.Events!.every((e) => e.ReadOnly === 'false'));
    const typed = await lookup(r, { LookupAttributes: [{ AttributeKey: 'ResourceType', AttributeValue: 'AWS::S3::Bucket' }], MaxResults: 50 });
    assert.equal(typed.Events!.length, 7);
    const byKey = await lookup(r, { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'test' }], MaxResults: 50 });
    assert.ok(byKey.Events!.length >= 7);
  });
});

describe('LookupEvents visibility delay', () => {
  let r: RunningEmulator;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0, cloudtrailLookupDelaySeconds: 120 });
  });
  after(() => r.stop());

  it('an event appears only once the configured delay has passed', async () => {
    const t = Date.parse('2026-03-02T08:00:00Z');
    r.emulator.clock = () => new Date(t);
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'late-bucket' }));
    const q = { LookupAttributes: [{ AttributeKey: 'ResourceName' as const, AttributeValue: 'late-bucket' }] };
    assert.deepEqual((await lookup(r, q)).Events, []);
    r.emulator.clock = () => new Date(t + 119_000);
    assert.deepEqual((await lookup(r, q)).Events, []);
    r.emulator.clock = () => new Date(t + 121_000);
    assert.deepEqual((await lookup(r, q)).Events?.map((e) => e.EventName), ['CreateBucket']);
  });
});
