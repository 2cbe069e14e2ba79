import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteBucketPolicyCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { ACCOUNT, cloudTrailBucketPolicy, ctAs, deliver, kmsAs, loggingTrail, lookup, readLogFile, s3As } from './support.js';

describe('log file delivery', () => {
  let r: RunningEmulator;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
  });
  after(() => r.stop());

  it('a trail with KmsKeyId delivers SSE-KMS log files, and KMS records CloudTrail as the AWS service that asked', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Allow CloudTrail to encrypt logs', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*' },
      ],
    };
    const { KeyMetadata } = await kmsAs(r).send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }));
    await kmsAs(r).send(new CreateAliasCommand({ AliasName: 'alias/trail-key', TargetKeyId: KeyMetadata!.KeyId }));
    const trailArn = await loggingTrail(r, { name: 'kms-trail', bucket: 'kms-trail-logs', kmsKeyId: 'alias/trail-key' });
    const status = await ctAs(r).send(new GetTrailStatusCommand({ Name: trailArn }));
    assert.equal(status.IsLogging, true);
    const report = await deliver(r);
    assert.deepEqual(report.errors, []);
    const file = report.logFiles.find((f) => f.trailArn === trailArn)!;
    const head = await s3As(r).send(new HeadObjectCommand({ Bucket: 'kms-trail-logs', Key: file.key }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, KeyMetadata!.Arn, 'the trail stores and uses the key ARN');
    assert.equal(head.ContentType, 'application/json');
    const { Events } = await lookup(r, { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: KeyMetadata!.Arn! }] });
    const gdk = Events?.map((e) => JSON.parse(e.CloudTrailEvent!)).find((x) => x.eventName === 'GenerateDataKey');
    assert.ok(gdk, JSON.stringify(Events?.map((e) => e.EventName)));
    assert.deepEqual(gdk.userIdentity, { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' });
    assert.equal(gdk.sourceIPAddress, 'cloudtrail.amazonaws.com');
  });

  it("SSE-KMS log files carry CloudTrail's aws:cloudtrail:arn encryption context, which AWS's documented key policy requires", async () => {
    // The CloudTrail User Guide's key policy statement (create-kms-key-policy-for-cloudtrail) scopes the
    // service to the account's trails through this encryption context key.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Allow CloudTrail to encrypt logs', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*',
          Condition: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': [`arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`] } } },
      ],
    };
    const { KeyMetadata } = await kmsAs(r).send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }));
    const trailArn = await loggingTrail(r, { name: 'scoped-kms-trail', bucket: 'scoped-kms-logs', kmsKeyId: KeyMetadata!.Arn! });
    const report = await deliver(r);
    assert.deepEqual(report.errors.filter((e) => e.trailArn === trailArn), []);
    const file = report.logFiles.find((f) => f.trailArn === trailArn)!;
    assert.ok(file, 'a log file was delivered under the scoped key policy');
    const records = await readLogFile(r, 'scoped-kms-logs', file.key);
    assert.ok(records.length > 0);
  });

  it('S3KeyPrefix puts log files under <prefix>/AWSLogs/', async () => {
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'prefixed-logs' }));
    await s3As(r).send(new PutBucketPolicyCommand({ Bucket: 'prefixed-logs', Policy: cloudTrailBucketPolicy('prefixed-logs', ACCOUNT, undefined, 'audit') }));
    await ctAs(r).send(new CreateTrailCommand({ Name: 'prefixed', S3BucketName: 'prefixed-logs', S3KeyPrefix: 'audit' }));
    await ctAs(r).send(new StartLoggingCommand({ Name: 'prefixed' }));
    const report = await deliver(r);
    const file = report.logFiles.find((f) => f.bucket === 'prefixed-logs');
    assert.ok(file);
    assert.ok(file.key.startsWith(`audit/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`), file.key);
    const records = await readLogFile(r, 'prefixed-logs', file.key);
    assert.ok(records.some((x) => x.eventName === 'StartLogging' && x.requestParameters.name === 'prefixed'));
  });

  it('a delivery the bucket policy no longer allows fails, keeps the records, and GetTrailStatus says why', async () => {
    const arn = await loggingTrail(r, { name: 'broken', bucket: 'broken-logs' });
    await s3As(r).send(new DeleteBucketPolicyCommand({ Bucket: 'broken-logs' }));
    const report = await deliver(r);
    assert.deepEqual(report.errors.filter((e) => e.trailArn === arn).map((e) => e.error), ['AccessDenied']);
    const status = await ctAs(r).send(new GetTrailStatusCommand({ Name: 'broken' }));
    assert.equal(status.LatestDeliveryError, 'AccessDenied');
    await s3As(r).send(new PutBucketPolicyCommand({ Bucket: 'broken-logs', Policy: cloudTrailBucketPolicy('broken-logs') }));
    const retried = await deliver(r);
    const file = retried.logFiles.find((f) => f.trailArn === arn);
    assert.ok(file);
    assert.ok((await readLogFile(r, 'broken-logs', file.key)).some((x) => x.eventName === 'DeleteBucketPolicy'));
  });
});

describe('timed delivery', () => {
  let r: RunningEmulator;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 1 });
  });
  after(() => r.stop());

  it('log files arrive on their own every cloudtrailDeliverySeconds', async () => {
    await loggingTrail(r, { name: 'timed', bucket: 'timed-logs' });
    const deadline = Date.now() + 5000;
    let keys: string[] = [];
    while (Date.now() < deadline && keys.length === 0) {
      await new Promise((res) => setTimeout(res, 250));
      const out = await s3As(r).send(new ListObjectsV2Command({ Bucket: 'timed-logs', Prefix: `AWSLogs/${ACCOUNT}/CloudTrail/` }));
      keys = (out.Contents ?? []).map((c) => c.Key!);
    }
    assert.ok(keys.length > 0, 'no log file within 5 s');
  });
});
