import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { CallRecord } from '../../emulator/core/call-record.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { anonymous, labKey, s3As } from './helpers.js';

/**
 * What S3 tells CloudTrail about each call (the CallRecord the recorder turns into an event), in AWS's shape:
 * S3-UG cloudtrail-logging-understanding-s3-entries and the lab's own trail (shared/seed/000_ceabfa6cfed72b48.txt).
 */
describe('S3 CloudTrail notes', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let key: { arn: string; alias: string };
  const B = 'audited-bucket';
  let calls: CallRecord[] = [];
  const s3Calls = (name: string) => calls.filter((c) => c.eventSource === 's3.amazonaws.com' && c.eventName === name);
  /** Records are emitted when the response has been written; give the event loop a turn. */
  const settle = () => new Promise((r) => setTimeout(r, 20));

  before(async () => {
    running = await freshEmulator();
    running.emulator.calls.on('call', (c) => calls.push(c));
    s3 = s3As(running);
    key = await labKey(running);
    await s3.send(new CreateBucketCommand({ Bucket: B }));
  });
  beforeEach(() => {
    calls = [];
  });
  after(() => running.stop());

  test('PutObject is a write data event with bucketName, Host, key and the SSE request headers', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'img/lab.png', Body: 'twelve bytes', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.alias }));
    await settle();
    const [c] = s3Calls('PutObject');
    assert.ok(c);
    assert.equal(c.audit.eventCategory, 'Data');
    assert.equal(c.audit.readOnly, false);
    assert.equal(c.authMethod, 'AuthHeader');
    const p = c.audit.requestParameters!;
    assert.equal(p.bucketName, B);
    assert.equal(p.key, 'img/lab.png');
    assert.match(String(p.Host), /^127\.0\.0\.1:\d+$/);
    assert.equal(p['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(p['x-amz-server-side-encryption-aws-kms-key-id'], key.alias);
    assert.equal(p['x-id'], undefined);
    assert.deepEqual(c.audit.responseElements, { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': key.arn });
    assert.equal(c.audit.additionalEventData?.['x-amz-id-2'], put.$metadata.extendedRequestId);
    assert.equal(c.audit.additionalEventData?.bytesTransferredIn, 12);
    assert.equal(c.requestId, put.$metadata.requestId);
  });

  test('object calls name the object, then the bucket with its owner account', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x' }));
    await settle();
    assert.deepEqual(s3Calls('PutObject')[0]?.audit.resources, [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${B}/k` },
      { accountId: '000000000000', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${B}` },
    ]);
  });

  test('GetObject is a read-only data event whose bytesTransferredOut is the body', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'read-me', Body: 'seventeen bytes!!' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'read-me' }));
    await got.Body!.transformToString();
    await settle();
    const [c] = s3Calls('GetObject');
    assert.equal(c?.audit.readOnly, true);
    assert.equal(c?.audit.eventCategory, 'Data');
    assert.equal(c?.audit.additionalEventData?.bytesTransferredOut, 17);
    assert.equal(c?.audit.responseElements, null);
  });

  test('HeadObject transfers no bytes out', async () => {
    await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'read-me' }));
    await settle();
    assert.equal(s3Calls('HeadObject')[0]?.audit.additionalEventData?.bytesTransferredOut, 0);
  });

  test('ListObjectsV2 keeps its query parameters as sent and names the key prefix (recorded as ListObjects)', async () => {
    await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: '', Delimiter: '/' }));
    await settle();
    const [c] = s3Calls('ListObjectsV2');
    assert.ok(c);
    const p = c.audit.requestParameters!;
    assert.equal(p['list-type'], '2');
    assert.equal(p.delimiter, '/');
    assert.equal(p.bucketName, B);
    assert.deepEqual(c.audit.resources, [
      { accountId: '000000000000', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${B}` },
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${B}/` },
    ]);
  });

  test('PutBucketPolicy is a management event carrying the policy document', async () => {
    await s3.send(new PutPublicAccessBlockCommand({
      Bucket: B, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy: JSON.stringify(policy) }));
    await settle();
    const [c] = s3Calls('PutBucketPolicy');
    assert.equal(c?.audit.eventCategory, 'Management');
    assert.deepEqual(c?.audit.requestParameters?.bucketPolicy, policy);
    assert.equal(c?.audit.requestParameters?.policy, '');
    const pab = s3Calls('PutPublicAccessBlock')[0];
    assert.deepEqual((pab?.audit.requestParameters?.PublicAccessBlockConfiguration as Record<string, unknown>).BlockPublicPolicy, 'false');
  });

  test("an anonymous, refused GetObject goes to the bucket owner's trail", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'kms.png', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.alias }));
    const res = await anonymous(running, `/${B}/kms.png`);
    assert.equal(res.status, 400);
    await settle();
    const c = s3Calls('GetObject').find((x) => x.principal.kind === 'anonymous');
    assert.ok(c);
    assert.equal(c.status, 400);
    assert.equal(c.error?.code, 'InvalidArgument');
    assert.equal(c.audit.recipientAccountId, '000000000000');
    assert.equal(c.authMethod, undefined);
    assert.equal(c.audit.requestParameters?.key, 'kms.png');
  });

  test('a presigned GET is AuthenticationMethod QueryString and its signature stays out of the record', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: B, Key: 'read-me' }), { expiresIn: 60 });
    assert.equal((await fetch(url)).status, 200);
    await settle();
    const c = s3Calls('GetObject').find((x) => x.authMethod === 'QueryString');
    assert.ok(c);
    const names = Object.keys(c.audit.requestParameters ?? {});
    assert.ok(!names.some((n) => /^x-amz-(signature|credential|security-token)$/i.test(n)), names.join(','));
  });
});
