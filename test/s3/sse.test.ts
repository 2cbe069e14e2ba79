import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DisableKeyCommand, ListAliasesCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import {
  CopyObjectCommand, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { s3StateOf } from '../../emulator/s3/index.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { allow, aws, AwsError, failure, fakeKms, kmsAs, labKey, s3As, userWithKey } from './helpers.js';

describe('S3 server-side encryption', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let cliMissing: string | false;
  let key: { keyId: string; arn: string; alias: string };
  const B = 'sse-bucket';
  const stored = (bucket: string, k: string) => s3StateOf(running.emulator)!.buckets.get(bucket)!.objects.get(k)!;

  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    cliMissing = await awsCliMissing();
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    key = await labKey(running);
  });
  after(() => running.stop());

  test('SSE-KMS naming an alias answers aws:kms and the full key ARN', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'kms.txt', Body: 'secret', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.alias }));
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    assert.equal(put.SSEKMSKeyId, key.arn);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'kms.txt' }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, key.arn);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'kms.txt' }));
    assert.equal(await got.Body!.transformToString(), 'secret');
    assert.equal(got.SSEKMSKeyId, key.arn);
  });

  test('SSE-KMS bytes at rest are not the plaintext and the KMS data key is only kept encrypted', async () => {
    const plaintext = Buffer.from('the lab image, '.repeat(20));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'at-rest', Body: plaintext, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.keyId }));
    const o = stored(B, 'at-rest');
    assert.equal(o.sealed.atRest.kind, 'aws:kms');
    assert.equal(o.sealed.data.length, plaintext.length);
    assert.notDeepEqual(o.sealed.data, plaintext);
    assert.equal(o.sealed.data.indexOf('the lab image'), -1);
    assert.ok(o.sealed.atRest.kind === 'aws:kms' && o.sealed.atRest.ciphertextBlob.length > 32);
    assert.deepEqual(o.sealed.atRest.kind === 'aws:kms' && o.sealed.atRest.context, { 'aws:s3:arn': `arn:aws:s3:::${B}/at-rest` });
  });

  test('an SSE-KMS ETag is not the MD5 of the object', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'etag', Body: 'test-sse', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn }));
    assert.match(put.ETag ?? '', /^"[0-9a-f]{32}"$/);
    assert.notEqual(put.ETag, `"${createHash('md5').update('test-sse').digest('hex')}"`);
  });

  test('SSE-S3 objects are encrypted at rest too', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'sse-s3', Body: 'plain words here' }));
    const o = stored(B, 'sse-s3');
    assert.equal(o.sealed.atRest.kind, 'AES256');
    assert.equal(o.sealed.data.indexOf('plain words'), -1);
  });

  test('aws:kms without a key id uses the AWS managed key aws/s3', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'managed', Body: 'x', ServerSideEncryption: 'aws:kms' }));
    const { Aliases } = await kmsAs(running).send(new ListAliasesCommand({}));
    const managed = Aliases?.find((a) => a.AliasName === 'alias/aws/s3');
    assert.ok(managed?.TargetKeyId);
    assert.equal(put.SSEKMSKeyId, `arn:aws:kms:us-east-1:000000000000:key/${managed.TargetKeyId}`);
  });

  test('the bucket default applies when the request names no encryption; request headers override it', async () => {
    const kb = 'kms-default-bucket';
    await s3.send(new CreateBucketCommand({ Bucket: kb }));
    await s3.send(new PutBucketEncryptionCommand({
      Bucket: kb,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyId }, BucketKeyEnabled: true }] },
    }));
    const byDefault = await s3.send(new PutObjectCommand({ Bucket: kb, Key: 'default', Body: 'x' }));
    assert.equal(byDefault.ServerSideEncryption, 'aws:kms');
    assert.equal(byDefault.SSEKMSKeyId, key.arn);
    assert.equal(byDefault.BucketKeyEnabled, true);
    // With a bucket key the encryption context is the bucket ARN (S3-UG bucket-key).
    const o = stored(kb, 'default');
    assert.deepEqual(o.sealed.atRest.kind === 'aws:kms' && o.sealed.atRest.context, { 'aws:s3:arn': `arn:aws:s3:::${kb}` });
    const overridden = await s3.send(new PutObjectCommand({ Bucket: kb, Key: 'override', Body: 'x', ServerSideEncryption: 'AES256' }));
    assert.equal(overridden.ServerSideEncryption, 'AES256');
    assert.equal(overridden.SSEKMSKeyId, undefined);
  });

  test('a caller encryption context is echoed on the write and required by nothing on the read', async () => {
    const context = Buffer.from(JSON.stringify({ project: 'lab' })).toString('base64');
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'ctx', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.alias, SSEKMSEncryptionContext: context }));
    assert.equal(put.SSEKMSEncryptionContext, context);
    const o = stored(B, 'ctx');
    assert.deepEqual(o.sealed.atRest.kind === 'aws:kms' && o.sealed.atRest.context, { project: 'lab', 'aws:s3:arn': `arn:aws:s3:::${B}/ctx` });
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: B, Key: 'ctx' }))).Body!.transformToString(), 'x');
  });

  test('a KMS key id without aws:kms is InvalidArgument', async () => {
    const f = await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x', ServerSideEncryption: 'AES256', SSEKMSKeyId: key.arn })));
    assert.equal(f.code, 'InvalidArgument');
    assert.equal(f.message, 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms');
  });

  test('a key that does not exist is KMS.NotFoundException (400)', async () => {
    const missing = 'arn:aws:kms:us-east-1:000000000000:key/134f2428-cec1-4b25-a1ae-9048164dba47';
    const f = await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: missing })));
    assert.equal(f.code, 'KMS.NotFoundException');
    assert.equal(f.status, 400);
    assert.equal(f.message, `Key '${missing}' does not exist`);
  });

  test("a key ARN from another region is KMS.NotFoundException \"Invalid arn <region>\"", async () => {
    const f = await failure(s3.send(new PutObjectCommand({
      Bucket: B, Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:eu-west-2:000000000000:key/134f2428-cec1-4b25-a1ae-9048164dba47',
    })));
    assert.equal(f.code, 'KMS.NotFoundException');
    assert.equal(f.message, 'Invalid arn eu-west-2');
  });

  test('a disabled key is KMS.DisabledException on write and on read', async () => {
    const k = await labKey(running, { alias: 'alias/to-disable' });
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'before-disable', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: k.keyId }));
    await kmsAs(running).send(new DisableKeyCommand({ KeyId: k.keyId }));
    const put = await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: k.keyId })));
    assert.equal(put.code, 'KMS.DisabledException');
    assert.equal(put.message, `${k.arn} is disabled.`);
    assert.equal(put.status, 400);
    const get = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'before-disable' })));
    assert.equal(get.code, 'KMS.DisabledException');
  });

  test('a key pending deletion is KMS.KMSInvalidStateException on read', async () => {
    const k = await labKey(running, { alias: 'alias/to-delete' });
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'before-delete', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: k.keyId }));
    await kmsAs(running).send(new ScheduleKeyDeletionCommand({ KeyId: k.keyId, PendingWindowInDays: 7 }));
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'before-delete' })));
    assert.equal(f.code, 'KMS.KMSInvalidStateException');
    assert.equal(f.message, `${k.arn} is pending deletion.`);
  });

  test("a user S3 allows but KMS does not is AccessDenied (403) with KMS's reason, on write and on read", async () => {
    const user = await userWithKey(running, 's3-only-user', allow('s3:*'));
    const c = s3As(running, user);
    const put = await failure(c.send(new PutObjectCommand({ Bucket: B, Key: 'denied', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn })));
    assert.equal(put.code, 'AccessDenied');
    assert.equal(put.status, 403);
    assert.equal(put.message, `User: ${user.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${key.arn} because no identity-based policy allows the kms:GenerateDataKey action`);
    const get = await failure(c.send(new GetObjectCommand({ Bucket: B, Key: 'kms.txt' })));
    assert.equal(get.code, 'AccessDenied');
    assert.equal(get.message, `User: ${user.arn} is not authorized to perform: kms:Decrypt on resource: ${key.arn} because no identity-based policy allows the kms:Decrypt action`);
  });

  test('SSE-C: the same key reads the object back; no key is InvalidRequest; another key is AccessDenied', async () => {
    const k1 = randomBytes(32);
    const md5 = (k: Buffer) => createHash('md5').update(k).digest('base64');
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'ssec', Body: 'customer keyed', SSECustomerAlgorithm: 'AES256', SSECustomerKey: k1.toString('base64'), SSECustomerKeyMD5: md5(k1) }));
    assert.equal(put.SSECustomerAlgorithm, 'AES256');
    assert.equal(put.SSECustomerKeyMD5, md5(k1));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'ssec', SSECustomerAlgorithm: 'AES256', SSECustomerKey: k1.toString('base64'), SSECustomerKeyMD5: md5(k1) }));
    assert.equal(await got.Body!.transformToString(), 'customer keyed');
    const none = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ssec' })));
    assert.equal(none.code, 'InvalidRequest');
    assert.equal(none.message, 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.');
    const k2 = randomBytes(32);
    const wrong = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ssec', SSECustomerAlgorithm: 'AES256', SSECustomerKey: k2.toString('base64'), SSECustomerKeyMD5: md5(k2) })));
    assert.equal(wrong.code, 'AccessDenied');
    assert.equal(wrong.message, 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.');
  });

  test('SSE-C: a key of the wrong length is InvalidArgument', async () => {
    const short = randomBytes(16);
    const f = await failure(s3.send(new PutObjectCommand({
      Bucket: B, Key: 'short', Body: 'x', SSECustomerAlgorithm: 'AES256', SSECustomerKey: short.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(short).digest('base64'),
    })));
    assert.equal(f.code, 'InvalidArgument');
    assert.equal(f.message, 'The secret key was invalid for the specified algorithm.');
  });

  test('CopyObject decrypts the SSE-KMS source and re-encrypts under the destination default (SSE-S3)', async () => {
    const out = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copied-plain', CopySource: `${B}/kms.txt` }));
    assert.equal(out.ServerSideEncryption, 'AES256');
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: B, Key: 'copied-plain' }))).Body!.transformToString(), 'secret');
  });

  test('CopyObject with SSE-KMS headers re-encrypts under the named key', async () => {
    const other = await labKey(running, { alias: 'alias/copy-target' });
    const out = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copied-kms', CopySource: `${B}/sse-s3`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: other.alias }));
    assert.equal(out.SSEKMSKeyId, other.arn);
    const o = stored(B, 'copied-kms');
    assert.ok(o.sealed.atRest.kind === 'aws:kms' && o.sealed.atRest.keyArn === other.arn);
  });

  test('any other KMS error keeps its code under a KMS. prefix (S3 side, with a stand-in KMS)', async () => {
    const e = await freshEmulator();
    try {
      e.emulator.kms = fakeKms({ fail: new AwsError('KeyUnavailableException', 'arn:aws:kms:us-east-1:000000000000:key/x is unavailable.', 500) });
      const c = s3As(e);
      await c.send(new CreateBucketCommand({ Bucket: 'fake-kms-bucket' }));
      const f = await failure(c.send(new PutObjectCommand({ Bucket: 'fake-kms-bucket', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'any' })));
      assert.equal(f.code, 'KMS.KeyUnavailableException');
      assert.equal(f.status, 400);
    } finally {
      await e.stop();
    }
  });

  test('AWS CLI: s3 cp --sse aws:kms --sse-kms-key-id alias/… stores the object under the key ARN', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 's3-sse-'));
    await writeFile(join(dir, 'image.png'), 'not really a png');
    const cp = await aws(running, ['s3', 'cp', join(dir, 'image.png'), `s3://${B}/cli/image.png`, '--sse', 'aws:kms', '--sse-kms-key-id', key.alias]);
    assert.equal(cp.status, 0, cp.stderr);
    const head = await aws(running, ['s3api', 'head-object', '--bucket', B, '--key', 'cli/image.png']);
    assert.equal(head.json?.ServerSideEncryption, 'aws:kms');
    assert.equal(head.json?.SSEKMSKeyId, key.arn);
  });

  test('AWS CLI: s3api put-object --server-side-encryption aws:kms --ssekms-key-id answers the key ARN', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await aws(running, ['s3api', 'put-object', '--bucket', B, '--key', 'cli/put', '--server-side-encryption', 'aws:kms', '--ssekms-key-id', key.alias]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.json?.ServerSideEncryption, 'aws:kms');
    assert.equal(r.json?.SSEKMSKeyId, key.arn);
  });
});
