import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutEventSelectorsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { ACCOUNT, ctAs, deliver, loggingTrail, lookup, readLogFile, s3As } from './support.js';

// Data events (S3 object calls) never reach Event history; a trail delivers them only when its event
// selectors select them (CT-UG logging-data-events-with-cloudtrail).
describe('S3 data events', () => {
  let r: RunningEmulator;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
  });
  after(() => r.stop());

  it('an anonymous GetObject is only in the delivered log file, with errorCode AccessDenied', async () => {
    await loggingTrail(r, { name: 'data-trail', bucket: 'data-trail-logs', dataEvents: true });
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'private-images' }));
    await s3As(r).send(new PutObjectCommand({ Bucket: 'private-images', Key: 'favicon.ico', Body: 'ico' }));
    const res = await fetch(`${r.url}/private-images/favicon.ico`, { headers: { 'user-agent': 'Mozilla/5.0 (lab browser)' } });
    assert.equal(res.status, 403);

    const history = await lookup(r, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetObject' }] });
    assert.deepEqual(history.Events, [], 'Event history never has data events');

    const report = await deliver(r);
    const file = report.logFiles.find((f) => f.bucket === 'data-trail-logs');
    assert.ok(file, JSON.stringify(report));
    assert.match(file.key, new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
    const records = await readLogFile(r, 'data-trail-logs', file.key);
    const anon = records.find((x) => x.eventName === 'GetObject' && x.userIdentity.type === 'AWSAccount');
    assert.ok(anon, JSON.stringify(records.map((x) => x.eventName)));
    assert.deepEqual(anon.userIdentity, { type: 'AWSAccount', principalId: '', accountId: 'anonymous' });
    assert.equal(anon.errorCode, 'AccessDenied');
    assert.equal(anon.errorMessage, 'Access Denied');
    assert.equal(anon.userAgent, '[Mozilla/5.0 (lab browser)]');
    assert.equal(anon.eventCategory, 'Data');
    assert.equal(anon.managementEvent, false);
    assert.equal(anon.recipientAccountId, ACCOUNT);
    assert.equal(anon.requestParameters.key, 'favicon.ico');
    assert.deepEqual(anon.resources.map((x: { type: string }) => x.type), ['AWS::S3::Object', 'AWS::S3::Bucket']);
  });

  it('a trail with the default selectors delivers management events but no data events', async () => {
    await loggingTrail(r, { name: 'mgmt-trail', bucket: 'mgmt-trail-logs' });
    await deliver(r);
    await s3As(r).send(new PutObjectCommand({ Bucket: 'private-images', Key: 'b.txt', Body: 'b' }));
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'another-bucket' }));
    const report = await deliver(r);
    const file = report.logFiles.find((f) => f.bucket === 'mgmt-trail-logs');
    assert.ok(file);
    const names = (await readLogFile(r, 'mgmt-trail-logs', file.key)).map((x) => x.eventName);
    assert.ok(names.includes('CreateBucket'), names.join());
    assert.ok(!names.includes('PutObject'), names.join());
  });

  it('advanced event selectors pick the data events of one bucket prefix', async () => {
    await loggingTrail(r, { name: 'adv-trail', bucket: 'adv-trail-logs' });
    await ctAs(r).send(new PutEventSelectorsCommand({
      TrailName: 'adv-trail',
      AdvancedEventSelectors: [{
        Name: 'images only',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::private-images/img/'] },
        ],
      }],
    }));
    await deliver(r);
    await s3As(r).send(new PutObjectCommand({ Bucket: 'private-images', Key: 'img/a.png', Body: 'a' }));
    await s3As(r).send(new PutObjectCommand({ Bucket: 'private-images', Key: 'doc/b.txt', Body: 'b' }));
    const report = await deliver(r);
    const file = report.logFiles.find((f) => f.bucket === 'adv-trail-logs');
    assert.ok(file);
    const records = await readLogFile(r, 'adv-trail-logs', file.key);
    assert.deepEqual(records.map((x) => `${x.eventName} ${x.requestParameters.key}`), ['PutObject img/a.png']);
  });
});
