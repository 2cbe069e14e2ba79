import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { allow, anonymous, aws, failure, s3As, userWithKey, xmlError } from './helpers.js';

describe('S3 objects', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let cliMissing: string | false;
  const B = 'objects-bucket';
  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    cliMissing = await awsCliMissing();
    await s3.send(new CreateBucketCommand({ Bucket: B }));
  });
  after(() => running.stop());

  test('PutObject then GetObject returns the bytes, MD5 ETag, SSE-S3 and metadata', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { purpose: 'lab' } }));
    assert.equal(put.ETag, `"${createHash('md5').update('hello world').digest('hex')}"`);
    assert.equal(put.ServerSideEncryption, 'AES256');
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'hello.txt' }));
    assert.equal(await got.Body!.transformToString(), 'hello world');
    assert.equal(got.ContentType, 'text/plain');
    assert.deepEqual(got.Metadata, { purpose: 'lab' });
    assert.equal(got.ETag, put.ETag);
    assert.ok(got.LastModified instanceof Date);
  });

  test('responses carry x-amz-request-id and a 76-character x-amz-id-2', async () => {
    const out = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'ids', Body: 'x' }));
    assert.ok(out.$metadata.requestId);
    assert.equal(out.$metadata.extendedRequestId?.length, 76);
  });

  test('HeadObject reports the object size without a body', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'sized', Body: 'twelve bytes' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'sized' }));
    assert.equal(head.ContentLength, 12);
  });

  test('a missing key is NoSuchKey (404) with the key', async () => {
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'never-written' })));
    assert.equal(f.code, 'NoSuchKey');
    assert.equal(f.message, 'The specified key does not exist.');
    assert.equal(f.status, 404);
    assert.equal(f.raw.Key, 'never-written');
  });

  test('a missing key is AccessDenied for a caller who may not list the bucket', async () => {
    const user = await userWithKey(running, 'getter-only', allow('s3:GetObject', `arn:aws:s3:::${B}/*`));
    const f = await failure(s3As(running, user).send(new GetObjectCommand({ Bucket: B, Key: 'never-written' })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.status, 403);
  });

  test('a missing bucket is NoSuchBucket (404)', async () => {
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: 'no-bucket-at-all', Key: 'k' })));
    assert.equal(f.code, 'NoSuchBucket');
    assert.equal(f.raw.BucketName, 'no-bucket-at-all');
  });

  test('Range bytes=2-5 returns 206 with Content-Range; bytes=-3 the last three bytes', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'ranged', Body: '0123456789' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', Range: 'bytes=2-5' }));
    assert.equal(got.$metadata.httpStatusCode, 206);
    assert.equal(got.ContentRange, 'bytes 2-5/10');
    assert.equal(await got.Body!.transformToString(), '2345');
    const suffix = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', Range: 'bytes=-3' }));
    assert.equal(await suffix.Body!.transformToString(), '789');
  });

  test('an unsatisfiable Range is InvalidRange (416)', async () => {
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', Range: 'bytes=1024-4096' })));
    assert.equal(f.code, 'InvalidRange');
    assert.equal(f.message, 'The requested range is not satisfiable');
    assert.equal(f.status, 416);
    assert.equal(f.raw.ActualObjectSize, '10');
  });

  test('If-Match with another ETag is PreconditionFailed (412)', async () => {
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', IfMatch: '"0000"' })));
    assert.equal(f.code, 'PreconditionFailed');
    assert.equal(f.message, 'At least one of the pre-conditions you specified did not hold');
    assert.equal(f.raw.Condition, 'If-Match');
  });

  test('If-None-Match with the ETag is 304 Not Modified', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'ranged' }));
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', IfNoneMatch: head.ETag })));
    assert.equal(f.status, 304);
  });

  test('If-Modified-Since after the last change is 304; before it is 200', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'ranged' }));
    const later = new Date(head.LastModified!.getTime() + 60_000);
    assert.equal((await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', IfModifiedSince: later })))).status, 304);
    const earlier = new Date(head.LastModified!.getTime() - 60_000);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', IfModifiedSince: earlier }));
    assert.equal(got.$metadata.httpStatusCode, 200);
  });

  test('partNumber=1 of a single-part object is the whole object as a 206; part 2 is InvalidPartNumber (416)', async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', PartNumber: 1 }));
    assert.equal(got.$metadata.httpStatusCode, 206);
    assert.equal(got.PartsCount, 1);
    assert.equal(await got.Body!.transformToString(), '0123456789');
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', PartNumber: 2 })));
    assert.equal(f.code, 'InvalidPartNumber');
    assert.equal(f.message, 'The requested partnumber is not satisfiable');
    assert.equal(f.status, 416);
  });

  test('x-amz-expected-bucket-owner naming another account is AccessDenied', async () => {
    const f = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', ExpectedBucketOwner: '111122223333' })));
    assert.equal(f.code, 'AccessDenied');
    const ok = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'ranged', ExpectedBucketOwner: '000000000000' }));
    assert.equal(await ok.Body!.transformToString(), '0123456789');
  });

  test('a wrong Content-MD5 is BadDigest', async () => {
    const res = await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'md5', Body: 'abc', ContentMD5: createHash('md5').update('xyz').digest('base64') })));
    assert.equal(res.code, 'BadDigest');
    assert.equal(res.message, 'The Content-MD5 you specified did not match what we received.');
  });

  test('a wrong x-amz-checksum-sha256 is BadDigest naming the algorithm', async () => {
    const f = await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'sha', Body: 'abc', ChecksumSHA256: createHash('sha256').update('xyz').digest('base64') })));
    assert.equal(f.code, 'BadDigest');
    assert.equal(f.message, 'The SHA256 you specified did not match the calculated checksum.');
  });

  test('the SDK checksum (CRC32) is echoed on PutObject and returned with ChecksumMode ENABLED', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'crc', Body: 'checksummed', ChecksumAlgorithm: 'CRC32' }));
    assert.ok(put.ChecksumCRC32);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'crc', ChecksumMode: 'ENABLED' }));
    assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
    await got.Body!.transformToString();
  });

  test('a streamed upload sends its CRC32 as an aws-chunked trailer; S3 keeps and returns it', async () => {
    const body = Buffer.from('streamed through aws-chunked framing '.repeat(100));
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'streamed', Body: Readable.from([body]), ContentLength: body.length, ChecksumAlgorithm: 'CRC32' }));
    assert.ok(put.ChecksumCRC32);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'streamed', ChecksumMode: 'ENABLED' }));
    assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
  });

  test('DeleteObject answers 204 even for a missing key', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'doomed', Body: 'x' }));
    assert.equal((await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'doomed' }))).$metadata.httpStatusCode, 204);
    assert.equal((await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'doomed' }))).$metadata.httpStatusCode, 204);
    assert.equal((await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'doomed' })))).code, 'NoSuchKey');
  });

  test('DeleteObjects deletes what it may and lists AccessDenied for the rest', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'batch/a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'batch/b', Body: 'b' }));
    const user = await userWithKey(running, 'deletes-a-only', allow('s3:DeleteObject', `arn:aws:s3:::${B}/batch/a`));
    const out = await s3As(running, user).send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'batch/a' }, { Key: 'batch/b' }] } }));
    assert.deepEqual(out.Deleted?.map((d) => d.Key), ['batch/a']);
    assert.equal(out.Errors?.[0]?.Key, 'batch/b');
    assert.equal(out.Errors?.[0]?.Code, 'AccessDenied');
  });

  test('CopyObject copies bytes and metadata; REPLACE takes the new metadata', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'original', Body: 'copy me', Metadata: { a: '1' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy', CopySource: `${B}/original` }));
    assert.ok(copied.CopyObjectResult?.ETag);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'copy' }));
    assert.equal(await got.Body!.transformToString(), 'copy me');
    assert.deepEqual(got.Metadata, { a: '1' });
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy2', CopySource: `${B}/original`, MetadataDirective: 'REPLACE', Metadata: { b: '2' } }));
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'copy2' }))).Metadata, { b: '2' });
  });

  test('copying an object onto itself unchanged is InvalidRequest', async () => {
    const f = await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'original', CopySource: `${B}/original` })));
    assert.equal(f.code, 'InvalidRequest');
    assert.match(f.message, /^This copy request is illegal because it is trying to copy an object to itself/);
  });

  test('versioned bucket: each write has a version id, a delete leaves a marker, old versions stay readable', async () => {
    const vb = 'versioned-objects';
    await s3.send(new CreateBucketCommand({ Bucket: vb }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: 'two' }));
    assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
    const del = await s3.send(new DeleteObjectCommand({ Bucket: vb, Key: 'k' }));
    assert.equal(del.DeleteMarker, true);
    assert.equal((await failure(s3.send(new GetObjectCommand({ Bucket: vb, Key: 'k' })))).code, 'NoSuchKey');
    const old = await s3.send(new GetObjectCommand({ Bucket: vb, Key: 'k', VersionId: v1.VersionId }));
    assert.equal(await old.Body!.transformToString(), 'one');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: vb }));
    assert.deepEqual(versions.Versions?.map((v) => v.VersionId), [v2.VersionId, v1.VersionId]);
    assert.equal(versions.DeleteMarkers?.[0]?.IsLatest, true);
    assert.equal(versions.DeleteMarkers?.[0]?.VersionId, del.VersionId);
  });

  test('presigned GET and PUT URLs work without any other credentials', async () => {
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: B, Key: 'presigned.txt' }), { expiresIn: 300 });
    const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned url' });
    assert.equal(put.status, 200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: B, Key: 'presigned.txt' }), { expiresIn: 300 });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'via presigned url');
  });

  test('a presigned GET URL may override response headers', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: B, Key: 'presigned.txt', ResponseContentType: 'application/x-lab' }), { expiresIn: 300 });
    const got = await fetch(url);
    assert.equal(got.headers.get('content-type'), 'application/x-lab');
  });

  test('an unsigned request may not override response headers', async () => {
    const res = await anonymous(running, `/${B}/presigned.txt?response-content-type=text/html`);
    // The object is private, so the anonymous caller is refused before the override is considered.
    assert.equal(res.status, 403);
    assert.equal(xmlError(res.text).Code, 'AccessDenied');
  });

  test('AWS CLI: s3 cp up and down round-trips a file', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const dir = await mkdtemp(join(tmpdir(), 's3-cli-'));
    await writeFile(join(dir, 'in.txt'), 'from the aws cli\n');
    const up = await aws(running, ['s3', 'cp', join(dir, 'in.txt'), `s3://${B}/cli/in.txt`]);
    assert.equal(up.status, 0, up.stderr);
    const down = await aws(running, ['s3', 'cp', `s3://${B}/cli/in.txt`, join(dir, 'out.txt')]);
    assert.equal(down.status, 0, down.stderr);
    assert.equal(await readFile(join(dir, 'out.txt'), 'utf8'), 'from the aws cli\n');
  });

  test('AWS CLI: s3api get-object --range and head-object', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const dir = await mkdtemp(join(tmpdir(), 's3-cli-'));
    const r = await aws(running, ['s3api', 'get-object', '--bucket', B, '--key', 'ranged', '--range', 'bytes=0-3', join(dir, 'part')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.json?.ContentRange, 'bytes 0-3/10');
    assert.equal(await readFile(join(dir, 'part'), 'utf8'), '0123');
    const head = await aws(running, ['s3api', 'head-object', '--bucket', B, '--key', 'ranged']);
    assert.equal(head.json?.ContentLength, 10);
  });

  test('AWS CLI: get-object of a missing key prints NoSuchKey', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await aws(running, ['s3api', 'get-object', '--bucket', B, '--key', 'absent', '/dev/null']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /NoSuchKey/);
  });
});
