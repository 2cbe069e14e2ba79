import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../support/cloudtrail/limiter.js';
import { mismatches, type EventExpectation } from '../../support/cloudtrail/match.js';
import { eventually, isThrottling, never, throttleDelayMs, type Probe } from '../../support/cloudtrail/poller.js';
import { summarize, type CloudTrailRecord } from '../../support/cloudtrail/records.js';

const KEY = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:iam::000000000000:role/lab-student';

function record(over: Partial<CloudTrailRecord>): CloudTrailRecord {
  return {
    eventTime: '2026-01-01T00:00:00Z',
    eventSource: 'kms.amazonaws.com',
    eventName: 'GenerateDataKey',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::000000000000:assumed-role/lab-student/s1', invokedBy: 's3.amazonaws.com', sessionContext: { sessionIssuer: { arn: ROLE } } },
    resources: [{ ARN: KEY, type: 'AWS::KMS::Key' }],
    ...over,
  };
}

const expectation: EventExpectation = {
  description: '"student" calling kms:GenerateDataKey on "myFirstKey"',
  eventSource: 'kms.amazonaws.com',
  eventName: 'GenerateDataKey',
  principal: { kind: 'role', label: '"student"', roleArn: ROLE },
  resourceArns: [KEY],
  invokedBy: 's3.amazonaws.com',
  errorCode: null,
};

function probe(fetch: () => Promise<CloudTrailRecord[]>): Probe<CloudTrailRecord> {
  return { what: expectation.description, where: 'LookupEvents ResourceName=key', fetch, mismatches: (r) => mismatches(r, expectation), describe: summarize };
}

const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const fast = { minIntervalMs: 1, maxIntervalMs: 5 };

describe('CloudTrail poller', () => {
  it('retries until the record appears', async () => {
    let calls = 0;
    const found = await eventually(probe(async () => (++calls < 3 ? [record({ eventName: 'Decrypt' })] : [record({ eventName: 'Decrypt' }), record({})])), { ...fast, deadlineMs: 5000 });
    assert.equal(found.attempts, 3);
    assert.equal(found.item.eventName, 'GenerateDataKey');
  });

  it('honours ThrottlingException: waits longer, pauses the shared limiter, and does not count it as a miss', async () => {
    let calls = 0;
    const waits: number[] = [];
    const paused: number[] = [];
    const limiter = { pause: (ms: number) => paused.push(ms) } as unknown as RateLimiter;
    const found = await eventually(
      probe(async () => {
        calls++;
        if (calls <= 2) throw throttle();
        return [record({})];
      }),
      { ...fast, deadlineMs: 60_000, limiter, sleep: async (ms) => { waits.push(ms); } },
    );
    assert.equal(found.throttled, 2);
    assert.equal(found.attempts, 3);
    assert.equal(paused.length, 2);
    assert.ok(waits[0]! >= 1000 && waits[1]! >= 2000, `throttle waits back off: ${waits.join(', ')}`);
    assert.deepEqual(waits, paused, 'the limiter is paused for as long as the poller waits');
  });

  it('throttle delays grow, are capped, and carry jitter', () => {
    assert.equal(throttleDelayMs(1, () => 0), 1000);
    assert.equal(throttleDelayMs(3, () => 0), 4000);
    assert.equal(throttleDelayMs(30, () => 0), 20_000);
    assert.equal(throttleDelayMs(1, () => 1), 1500);
    assert.ok(isThrottling(throttle()));
    assert.ok(!isThrottling(Object.assign(new Error('x'), { name: 'AccessDeniedException' })));
  });

  it('on the deadline, fails naming the closest records and why they do not match', async () => {
    const records = [
      record({ eventName: 'ListKeys', eventSource: 'kms.amazonaws.com', resources: [], userIdentity: { type: 'Root', arn: 'arn:aws:iam::000000000000:root' } }),
      record({ eventName: 'Decrypt' }),
      record({ userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::000000000000:assumed-role/lab-auditor/s2', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::000000000000:role/lab-auditor' } } } }),
    ];
    const err = await eventually(probe(async () => records), { ...fast, deadlineMs: 200 }).then(() => undefined, (e: Error) => e);
    assert.ok(err, 'the poll must fail');
    const msg = err.message;
    assert.match(msg, /CloudTrail did not show "student" calling kms:GenerateDataKey on "myFirstKey" within \d+ s/);
    assert.match(msg, /Looked in: LookupEvents ResourceName=key \(\d+ poll\(s\), 0 throttled, 3 record\(s\) seen at most\)/);
    assert.match(msg, /1\. 2026-01-01T00:00:00Z kms:Decrypt by arn:aws:sts::000000000000:assumed-role\/lab-student\/s1 via s3\.amazonaws\.com/);
    assert.match(msg, /eventName is Decrypt, not GenerateDataKey/);
    assert.match(msg, /caller is arn:aws:sts::000000000000:assumed-role\/lab-auditor\/s2, not "student"/);
    // The record that differs in most ways is listed last.
    assert.ok(msg.indexOf('kms:ListKeys') > msg.indexOf('kms:Decrypt'));
  });

  it('with nothing at all, says so and what to check', async () => {
    const err = await eventually(probe(async () => []), { ...fast, deadlineMs: 50 }).then(() => undefined, (e: Error) => e);
    assert.match(err!.message, /No records at all: is the trail logging/);
  });

  it('stops at once on a refusal that retrying cannot fix', async () => {
    let calls = 0;
    const started = Date.now();
    const err = await eventually(probe(async () => {
      calls++;
      throw Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    }), { ...fast, deadlineMs: 10_000 }).then(() => undefined, (e: Error) => e);
    assert.equal(calls, 1);
    assert.ok(Date.now() - started < 2000);
    assert.match(err!.message, /LookupEvents ResourceName=key failed: AccessDeniedException: User is not authorized/);
  });

  it('retries a network error, and reports it if it is the last thing seen', async () => {
    const err = await eventually(probe(async () => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }), { ...fast, deadlineMs: 100 }).then(() => undefined, (e: Error) => e);
    assert.match(err!.message, /Last error while polling: socket hang up/);
  });

  it('never(): passes when nothing matches, fails naming the record that does', async () => {
    assert.deepEqual(await never(probe(async () => [record({ eventName: 'Decrypt' })])), { checked: 1 });
    await assert.rejects(never(probe(async () => [record({})])), /shows "student" calling kms:GenerateDataKey on "myFirstKey", which it should not/);
  });
});

describe('LookupEvents rate limiter', () => {
  it('spaces calls to the rate, in arrival order', async () => {
    const limiter = new RateLimiter(20); // 50 ms apart
    const started = Date.now();
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => limiter.schedule(async () => order.push(n))));
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.ok(Date.now() - started >= 140, `4 calls at 20/s take >= 150 ms, took ${Date.now() - started}`);
  });

  it('pause() holds every later call', async () => {
    const limiter = new RateLimiter(1000);
    limiter.pause(120);
    const started = Date.now();
    await limiter.schedule(async () => undefined);
    assert.ok(Date.now() - started >= 110);
  });
});
