import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import type { CallRecord } from '../../emulator/core/call-record.js';
import { s3StateOf } from '../../emulator/s3/index.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator, type Creds } from '../helpers/emulator.js';
import { allow, anonymous, aws, failure, kmsAs, labKey, s3As, userWithKey, xmlError } from './helpers.js';

/**
 * The lab's upload lesson (shared/seed/000_ceabfa6cfed72b48.txt), end to end against the real emulated
 * KMS: upload with SSE-KMS naming alias/myFirstKey, see the key ARN, see that the bytes at rest are not the
 * image, see the public URL refused (AccessDenied, then "… require AWS Signature Version 4." once a policy
 * makes it public), and see that a user who is not a key user can neither upload nor read until the key
 * policy makes them one.
 */

const ACCOUNT = '000000000000';
const IMAGE = Buffer.from('\x89PNG\r\n\x1a\n the lab image bytes '.repeat(8), 'latin1');

/** The lab's key policy: the account's IAM permissions, then the key administrators (seed: key-consolepolicy-3). */
const keyPolicy = (adminArn: string, keyUsers: string[] = []) => ({
  Id: 'key-consolepolicy-3',
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'Allow access for Key Administrators',
      Effect: 'Allow',
      Principal: { AWS: adminArn },
      Action: [
        'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*',
        'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand',
      ],
      Resource: '*',
    },
    ...(keyUsers.length
      ? [{
          Sid: 'Allow use of the key',
          Effect: 'Allow',
          Principal: { AWS: keyUsers },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
        }]
      : []),
  ],
});

describe('the lab: upload an object with SSE-KMS and see who may read it', () => {
  let running: RunningEmulator;
  let key: { keyId: string; arn: string; alias: string };
  let admin: Creds & { arn: string };
  let learner: Creds & { arn: string };
  let cliMissing: string | false;
  const calls: CallRecord[] = [];
  const BUCKET = 'lab-upload-bucket';

  before(async () => {
    running = await freshEmulator();
    running.emulator.calls.on('call', (c) => calls.push(c));
    cliMissing = await awsCliMissing();
    admin = await userWithKey(running, 'KeyAdmin', allow(['s3:*', 'kms:Describe*', 'kms:List*']));
    learner = await userWithKey(running, 'LabLearner', allow('s3:*'));
    key = await labKey(running, { policy: keyPolicy(admin.arn) });
    await s3As(running).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => running.stop());

  test('1. the upload names alias/myFirstKey; S3 answers aws:kms and the key ARN', async () => {
    const put = await s3As(running).send(new PutObjectCommand({
      Bucket: BUCKET, Key: 'images/lab.png', Body: IMAGE, ContentType: 'image/png', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/myFirstKey',
    }));
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    assert.equal(put.SSEKMSKeyId, key.arn);
    const head = await s3As(running).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/lab.png' }));
    assert.equal(head.SSEKMSKeyId, key.arn);
    assert.ok(head.LastModified, 'the Last-Modified timestamp the lab writes down for CloudTrail');
  });

  test('2. what S3 stores is not the image', () => {
    const o = s3StateOf(running.emulator)!.buckets.get(BUCKET)!.objects.get('images/lab.png')!;
    assert.equal(o.sealed.data.indexOf(Buffer.from('the lab image bytes')), -1);
    assert.notDeepEqual(o.sealed.data, IMAGE);
  });

  test('3. S3 asked KMS for the data key as the uploader, through S3', () => {
    const gdk = calls.find((c) => c.eventSource === 'kms.amazonaws.com' && c.eventName === 'GenerateDataKey' && c.status === 200);
    assert.ok(gdk, 'a GenerateDataKey call was recorded');
    assert.equal(gdk.principal.arn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(gdk.audit.invokedBy, 's3.amazonaws.com');
    assert.equal(gdk.sourceIp, 's3.amazonaws.com');
  });

  test('4. the object URL, opened anonymously, is 403 AccessDenied', async () => {
    const res = await anonymous(running, `/${BUCKET}/images/lab.png`);
    assert.equal(res.status, 403);
    assert.deepEqual([xmlError(res.text).Code, xmlError(res.text).Message], ['AccessDenied', 'Access Denied']);
  });

  test('5. made public by a bucket policy, the URL is 400: KMS-encrypted objects need Signature Version 4', async () => {
    const s3 = s3As(running);
    await s3.send(new PutPublicAccessBlockCommand({
      Bucket: BUCKET,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    }));
    await s3.send(new PutBucketPolicyCommand({
      Bucket: BUCKET,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] }),
    }));
    const res = await anonymous(running, `/${BUCKET}/images/lab.png`);
    assert.equal(res.status, 400);
    const e = xmlError(res.text);
    assert.equal(e.Code, 'InvalidArgument');
    assert.equal(e.Message, 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.');
    assert.equal(e.ArgumentName, 'Authorization');
  });

  test('6. a signed GET by the key owner still reads the image', async () => {
    const got = await s3As(running).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/lab.png' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), IMAGE);
  });

  test('7. a key administrator may manage the key but not encrypt with it', async () => {
    const f = await failure(s3As(running, admin).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'admin.png', Body: IMAGE, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn })));
    assert.equal(f.code, 'AccessDenied');
    assert.match(f.message, /is not authorized to perform: kms:GenerateDataKey on resource: /);
  });

  test('8. a user who is not a key user can neither upload nor read', async () => {
    const s3 = s3As(running, learner);
    const put = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'learner.png', Body: IMAGE, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/myFirstKey' })));
    assert.equal(put.status, 403);
    assert.equal(put.message, `User: ${learner.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${key.arn} because no identity-based policy allows the kms:GenerateDataKey action`);
    const get = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/lab.png' })));
    assert.equal(get.status, 403);
    assert.equal(get.message, `User: ${learner.arn} is not authorized to perform: kms:Decrypt on resource: ${key.arn} because no identity-based policy allows the kms:Decrypt action`);
  });

  test('9. once the key policy makes them a key user, they can upload and read', async () => {
    await kmsAs(running).send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: JSON.stringify(keyPolicy(admin.arn, [learner.arn])) }));
    const s3 = s3As(running, learner);
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'learner.png', Body: IMAGE, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/myFirstKey' }));
    assert.equal(put.SSEKMSKeyId, key.arn);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/lab.png' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), IMAGE);
  });

  test('10. the same lesson through the AWS CLI: s3 cp --sse aws:kms, head-object, and a refused public URL', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const dir = await mkdtemp(join(tmpdir(), 'lab-'));
    await writeFile(join(dir, 'lab.png'), IMAGE);
    const cp = await aws(running, ['s3', 'cp', join(dir, 'lab.png'), `s3://${BUCKET}/cli/lab.png`, '--sse', 'aws:kms', '--sse-kms-key-id', 'alias/myFirstKey']);
    assert.equal(cp.status, 0, cp.stderr);
    const head = await aws(running, ['s3api', 'head-object', '--bucket', BUCKET, '--key', 'cli/lab.png']);
    assert.equal(head.json?.ServerSideEncryption, 'aws:kms');
    assert.equal(head.json?.SSEKMSKeyId, key.arn);
    const res = await anonymous(running, `/${BUCKET}/cli/lab.png`);
    assert.equal(res.status, 400);
    assert.equal(xmlError(res.text).ArgumentName, 'Authorization');
    const down = await aws(running, ['s3', 'cp', `s3://${BUCKET}/cli/lab.png`, join(dir, 'back.png')]);
    assert.equal(down.status, 0, down.stderr);
    assert.deepEqual(await readFile(join(dir, 'back.png')), IMAGE);
  });

  test('11. through the AWS CLI a key administrator is refused with KMS\'s reason', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await aws(running, ['s3api', 'put-object', '--bucket', BUCKET, '--key', 'cli/admin', '--server-side-encryption', 'aws:kms', '--ssekms-key-id', 'alias/myFirstKey'], admin);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /An error occurred \(AccessDenied\) when calling the PutObject operation: User: arn:aws:iam::000000000000:user\/KeyAdmin is not authorized to perform: kms:GenerateDataKey/);
  });
});
