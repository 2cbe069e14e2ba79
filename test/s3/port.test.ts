import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { AwsError } from '../../emulator/core/errors.js';
import type { S3Port } from '../../emulator/core/ports.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { labKey, s3As } from './helpers.js';

const TRAIL = 'arn:aws:cloudtrail:us-east-1:000000000000:trail/lab-trail';

/** The bucket policy CloudTrail needs (CT-UG create-s3-bucket-policy-for-cloudtrail). */
const cloudTrailPolicy = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailAclCheck20150319', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`, Condition: { StringEquals: { 'aws:SourceArn': TRAIL } },
      },
      {
        Sid: 'AWSCloudTrailWrite20150319', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/AWSLogs/000000000000/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL } },
      },
    ],
  });

describe('S3 port (CloudTrail log delivery)', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let port: S3Port;
  const B = 'trail-logs-bucket';
  const delivery = (over: Partial<Parameters<S3Port['putObjectAsService']>[0]> = {}) => ({
    servicePrincipal: 'cloudtrail.amazonaws.com',
    bucket: B,
    key: 'AWSLogs/000000000000/CloudTrail/us-east-1/2026/01/01/log.json.gz',
    body: Buffer.from('{"Records":[]}'),
    contentType: 'application/json',
    acl: 'bucket-owner-full-control',
    sourceArn: TRAIL,
    sourceAccount: '000000000000',
    ...over,
  });

  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    port = running.emulator.s3!;
    await s3.send(new CreateBucketCommand({ Bucket: B }));
  });
  after(() => running.stop());

  test("CloudTrail's bucket policy is not public, so it is accepted while public access is blocked", async () => {
    const out = await s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy: cloudTrailPolicy(B) }));
    assert.equal(out.$metadata.httpStatusCode, 204);
  });

  test('bucketInfo reports owner, region and policy', () => {
    assert.deepEqual(port.bucketInfo(B), { ownerAccountId: '000000000000', region: 'us-east-1', policy: cloudTrailPolicy(B) });
    assert.equal(port.bucketInfo('no-such-trail-bucket'), undefined);
    assert.equal(port.bucketExists(B), true);
  });

  test('the service principal may write where the bucket policy allows it; the owner reads the object', async () => {
    port.putObjectAsService(delivery());
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: delivery().key }));
    assert.equal(await got.Body!.transformToString(), '{"Records":[]}');
    assert.equal(got.ServerSideEncryption, 'AES256');
    assert.deepEqual(port.readObject(B, delivery().key)?.body, Buffer.from('{"Records":[]}'));
  });

  test('a write for another trail (aws:SourceArn) is AccessDenied', () => {
    assert.throws(() => port.putObjectAsService(delivery({ sourceArn: 'arn:aws:cloudtrail:us-east-1:000000000000:trail/other' })), (e: unknown) => e instanceof AwsError && e.code === 'AccessDenied');
  });

  test('a write outside AWSLogs/<account>/ or without bucket-owner-full-control is AccessDenied', () => {
    assert.throws(() => port.putObjectAsService(delivery({ key: 'elsewhere/log.json.gz' })), (e: unknown) => e instanceof AwsError && e.code === 'AccessDenied');
    assert.throws(() => port.putObjectAsService(delivery({ acl: 'private' })), (e: unknown) => e instanceof AwsError && e.code === 'AccessDenied');
  });

  test('a bucket without a policy refuses the service principal; a missing bucket is NoSuchBucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'no-policy-bucket' }));
    assert.throws(() => port.putObjectAsService(delivery({ bucket: 'no-policy-bucket' })), (e: unknown) => e instanceof AwsError && e.code === 'AccessDenied');
    assert.throws(() => port.putObjectAsService(delivery({ bucket: 'missing-trail-bucket' })), (e: unknown) => e instanceof AwsError && e.code === 'NoSuchBucket');
  });

  test("an SSE-KMS delivery is refused by KMS unless the key policy lets CloudTrail use the key", async () => {
    const key = await labKey(running, { alias: 'alias/trail-key' });
    assert.throws(() => port.putObjectAsService(delivery({ sseKmsKeyId: key.arn })), (e: unknown) => e instanceof AwsError && e.code === 'AccessDenied');
    const allowed = await labKey(running, {
      alias: 'alias/trail-key-ok',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*' },
        ],
      },
    });
    port.putObjectAsService(delivery({ key: 'AWSLogs/000000000000/CloudTrail/kms.json.gz', sseKmsKeyId: allowed.arn }));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'AWSLogs/000000000000/CloudTrail/kms.json.gz' }));
    assert.equal(got.SSEKMSKeyId, allowed.arn);
    await got.Body!.transformToString();
  });
});
