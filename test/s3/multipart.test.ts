import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectTaggingCommand,
  GetObjectAttributesCommand, GetObjectCommand, GetObjectTaggingCommand, ListPartsCommand, PutObjectCommand, PutObjectTaggingCommand,
  UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { allow, aws, failure, kmsAs, labKey, s3As, userWithKey } from './helpers.js';

const MiB = 1024 * 1024;

describe('S3 multipart upload, object attributes and tagging', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let cliMissing: string | false;
  let key: { keyId: string; arn: string; alias: string };
  const B = 'multipart-bucket';
  const part1 = Buffer.alloc(5 * MiB, 'a');
  const part2 = Buffer.from('the last part may be small');

  async function uploadTwoParts(k: string, client: S3Client = s3, sse = true) {
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: B, Key: k, ...(sse ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.alias } : {}) }));
    const p1 = await client.send(new UploadPartCommand({ Bucket: B, Key: k, UploadId: created.UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: B, Key: k, UploadId: created.UploadId, PartNumber: 2, Body: part2 }));
    return { created, parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }], p1 };
  }

  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    cliMissing = await awsCliMissing();
    key = await labKey(running);
    await s3.send(new CreateBucketCommand({ Bucket: B }));
  });
  after(() => running.stop());

  test('a multipart upload with SSE-KMS completes into one object under the key ARN', async () => {
    const { created, parts, p1 } = await uploadTwoParts('big.bin');
    assert.equal(created.ServerSideEncryption, 'aws:kms');
    assert.equal(created.SSEKMSKeyId, key.arn);
    assert.equal(p1.SSEKMSKeyId, key.arn);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'big.bin', UploadId: created.UploadId, MultipartUpload: { Parts: parts } }));
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
    assert.equal(done.SSEKMSKeyId, key.arn);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'big.bin' }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    assert.equal(body.length, part1.length + part2.length);
    assert.deepEqual(body.subarray(part1.length), part2);
    assert.equal(got.ServerSideEncryption, 'aws:kms');
  });

  test('the multipart ETag is the MD5 of the part MD5s, then the part count (SSE-S3)', async () => {
    const { created, parts } = await uploadTwoParts('etag.bin', s3, false);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'etag.bin', UploadId: created.UploadId, MultipartUpload: { Parts: parts } }));
    const md5 = (b: Buffer) => createHash('md5').update(b).digest();
    assert.equal(done.ETag, `"${createHash('md5').update(Buffer.concat([md5(part1), md5(part2)])).digest('hex')}-2"`);
  });

  test('uploading parts needs kms:Decrypt as well as kms:GenerateDataKey', async () => {
    const k = await labKey(running, { alias: 'alias/gdk-only' });
    const user = await userWithKey(running, 'gdk-only-user', allow('s3:*'));
    await kmsAs(running).send(new PutKeyPolicyCommand({
      KeyId: k.keyId,
      PolicyName: 'default',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: user.arn }, Action: 'kms:GenerateDataKey', Resource: '*' },
        ],
      }),
    }));
    const c = s3As(running, user);
    const created = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'gdk-only', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: k.keyId }));
    const f = await failure(c.send(new UploadPartCommand({ Bucket: B, Key: 'gdk-only', UploadId: created.UploadId, PartNumber: 1, Body: 'x' })));
    assert.equal(f.code, 'AccessDenied');
    assert.match(f.message, /kms:Decrypt/);
  });

  test('a small part that is not the last is EntityTooSmall', async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'small' }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'small', UploadId: created.UploadId, PartNumber: 1, Body: 'tiny' }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'small', UploadId: created.UploadId, PartNumber: 2, Body: 'tiny' }));
    const f = await failure(s3.send(new CompleteMultipartUploadCommand({
      Bucket: B, Key: 'small', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
    })));
    assert.equal(f.code, 'EntityTooSmall');
    assert.equal(f.message, 'Your proposed upload is smaller than the minimum allowed size');
    assert.equal(f.raw.MinSizeAllowed, '5242880');
  });

  test('parts out of order are InvalidPartOrder; an unknown ETag is InvalidPart', async () => {
    const { created, parts } = await uploadTwoParts('order.bin', s3, false);
    const reversed = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'order.bin', UploadId: created.UploadId, MultipartUpload: { Parts: [parts[1]!, parts[0]!] } })));
    assert.equal(reversed.code, 'InvalidPartOrder');
    const wrong = await failure(s3.send(new CompleteMultipartUploadCommand({
      Bucket: B, Key: 'order.bin', UploadId: created.UploadId, MultipartUpload: { Parts: [parts[0]!, { PartNumber: 2, ETag: '"00000000000000000000000000000000"' }] },
    })));
    assert.equal(wrong.code, 'InvalidPart');
  });

  test('a part number outside 1–10000 is InvalidArgument', async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'numbers' }));
    const f = await failure(s3.send(new UploadPartCommand({ Bucket: B, Key: 'numbers', UploadId: created.UploadId, PartNumber: 10001, Body: 'x' })));
    assert.equal(f.code, 'InvalidArgument');
    assert.equal(f.message, 'Part number must be an integer between 1 and 10000, inclusive');
  });

  test('ListParts lists the uploaded parts; AbortMultipartUpload ends the upload (NoSuchUpload afterwards)', async () => {
    const { created } = await uploadTwoParts('aborted.bin', s3, false);
    const listed = await s3.send(new ListPartsCommand({ Bucket: B, Key: 'aborted.bin', UploadId: created.UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, part1.length], [2, part2.length]]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'aborted.bin', UploadId: created.UploadId }));
    const f = await failure(s3.send(new ListPartsCommand({ Bucket: B, Key: 'aborted.bin', UploadId: created.UploadId })));
    assert.equal(f.code, 'NoSuchUpload');
    assert.equal(f.message, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
  });

  test('GetObjectAttributes reports ETag, size, storage class and the parts of a multipart object', async () => {
    const { created, parts } = await uploadTwoParts('attrs.bin');
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'attrs.bin', UploadId: created.UploadId, MultipartUpload: { Parts: parts } }));
    const out = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'attrs.bin', ObjectAttributes: ['ETag', 'ObjectSize', 'StorageClass', 'ObjectParts'] }));
    assert.match(out.ETag ?? '', /^[0-9a-f]{32}-2$/);
    assert.equal(out.ObjectSize, part1.length + part2.length);
    assert.equal(out.StorageClass, 'STANDARD');
    assert.equal(out.ObjectParts?.TotalPartsCount, 2);
    assert.ok(out.LastModified instanceof Date);
  });

  test('GetObjectAttributes returns the checksum the object was stored with', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'attr-sum', Body: 'abc', ChecksumAlgorithm: 'SHA256' }));
    const out = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'attr-sum', ObjectAttributes: ['Checksum'] }));
    assert.equal(out.Checksum?.ChecksumSHA256, put.ChecksumSHA256);
    assert.equal(out.Checksum?.ChecksumType, 'FULL_OBJECT');
  });

  test('object tagging: x-amz-tagging on write, then put, get and delete', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'tagged', Body: 'x', Tagging: 'lab=kms&step=upload' }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'tagged' }))).TagSet, [{ Key: 'lab', Value: 'kms' }, { Key: 'step', Value: 'upload' }]);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'tagged' }));
    assert.equal(got.TagCount, 2);
    await s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'tagged', Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'tagged' }))).TagSet, [{ Key: 'only', Value: 'one' }]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: 'tagged' }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'tagged' }))).TagSet ?? [], []);
  });

  test('an aws: object tag is InvalidTag "Your TagKey cannot be prefixed with aws:"', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'tag-me', Body: 'x' }));
    const f = await failure(s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'tag-me', Tagging: { TagSet: [{ Key: 'aws:x', Value: 'y' }] } })));
    assert.equal(f.code, 'InvalidTag');
    assert.equal(f.message, 'Your TagKey cannot be prefixed with aws:');
  });

  test('AWS CLI: s3 cp of an 18 MiB file with SSE-KMS goes multipart and round-trips', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const dir = await mkdtemp(join(tmpdir(), 's3-mp-'));
    const data = Buffer.alloc(18 * MiB);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32BE(i, i);
    await writeFile(join(dir, 'big'), data);
    const up = await aws(running, ['s3', 'cp', join(dir, 'big'), `s3://${B}/cli/big`, '--sse', 'aws:kms', '--sse-kms-key-id', key.alias]);
    assert.equal(up.status, 0, up.stderr);
    const head = await aws(running, ['s3api', 'head-object', '--bucket', B, '--key', 'cli/big']);
    assert.match(String(head.json?.ETag), /-\d+"$/);
    assert.equal(head.json?.SSEKMSKeyId, key.arn);
    const down = await aws(running, ['s3', 'cp', `s3://${B}/cli/big`, join(dir, 'back')]);
    assert.equal(down.status, 0, down.stderr);
    assert.ok((await readFile(join(dir, 'back'))).equals(data));
  });
});
