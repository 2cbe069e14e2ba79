import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { anonymous, labKey, s3As, xmlError } from './helpers.js';

const KMS_SIGV4 = 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.';

describe('S3 anonymous access', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let key: { keyId: string; arn: string; alias: string };
  const PRIVATE = 'private-bucket';
  const PUBLIC = 'public-bucket';

  const policy = (bucket: string, actions: string[]) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: actions, Resource: `arn:aws:s3:::${bucket}/*` }],
    });
  const unblock = (bucket: string, restrict = false) =>
    s3.send(new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: restrict },
    }));

  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    key = await labKey(running);
    await s3.send(new CreateBucketCommand({ Bucket: PRIVATE }));
    await s3.send(new PutObjectCommand({ Bucket: PRIVATE, Key: 'plain.txt', Body: 'private words' }));
    await s3.send(new CreateBucketCommand({ Bucket: PUBLIC }));
    await unblock(PUBLIC);
    await s3.send(new PutBucketPolicyCommand({ Bucket: PUBLIC, Policy: policy(PUBLIC, ['s3:GetObject', 's3:PutObject']) }));
    await s3.send(new PutObjectCommand({ Bucket: PUBLIC, Key: 'sse-s3.txt', Body: 'public words' }));
    await s3.send(new PutObjectCommand({ Bucket: PUBLIC, Key: 'sse-kms.png', Body: 'kms bytes', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.alias }));
  });
  after(() => running.stop());

  test('an anonymous GET of a private object is 403 AccessDenied "Access Denied"', async () => {
    const res = await anonymous(running, `/${PRIVATE}/plain.txt`);
    assert.equal(res.status, 403);
    const e = xmlError(res.text);
    assert.equal(e.Code, 'AccessDenied');
    assert.equal(e.Message, 'Access Denied');
    assert.equal(e.RequestId, res.headers.get('x-amz-request-id'));
    assert.equal(e.HostId, res.headers.get('x-amz-id-2'));
  });

  test('an anonymous GET of a missing bucket is 404 NoSuchBucket', async () => {
    const res = await anonymous(running, '/not-a-bucket-anywhere/x');
    assert.equal(res.status, 404);
    assert.equal(xmlError(res.text).Code, 'NoSuchBucket');
  });

  test('a public bucket policy lets the anonymous caller read an SSE-S3 object', async () => {
    const res = await anonymous(running, `/${PUBLIC}/sse-s3.txt`);
    assert.equal(res.status, 200);
    assert.equal(res.text, 'public words');
  });

  test('an SSE-KMS object a public policy exposes is 400 InvalidArgument: KMS needs Signature Version 4', async () => {
    const res = await anonymous(running, `/${PUBLIC}/sse-kms.png`);
    assert.equal(res.status, 400);
    const e = xmlError(res.text);
    assert.equal(e.Code, 'InvalidArgument');
    assert.equal(e.Message, KMS_SIGV4);
    assert.equal(e.ArgumentName, 'Authorization');
    assert.equal(e.ArgumentValue, 'null');
    assert.ok(e.RequestId && e.HostId);
  });

  test('the error body is in AWS element order: Code, Message, ArgumentName, ArgumentValue, RequestId, HostId', async () => {
    const res = await anonymous(running, `/${PUBLIC}/sse-kms.png`);
    assert.match(res.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>InvalidArgument<\/Code><Message>[^<]+<\/Message><ArgumentName>Authorization<\/ArgumentName><ArgumentValue>null<\/ArgumentValue><RequestId>[^<]+<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
  });

  test('an anonymous HEAD of that SSE-KMS object is a bodiless 400', async () => {
    const res = await anonymous(running, `/${PUBLIC}/sse-kms.png`, { method: 'HEAD' });
    assert.equal(res.status, 400);
    assert.equal(res.text, '');
  });

  test('an anonymous PUT asking for SSE-KMS is refused the same way, even where the policy allows writes', async () => {
    const res = await anonymous(running, `/${PUBLIC}/upload.bin`, { method: 'PUT', body: 'x', headers: { 'x-amz-server-side-encryption': 'aws:kms' } });
    assert.equal(res.status, 400);
    assert.equal(xmlError(res.text).Message, KMS_SIGV4);
  });

  test('an anonymous PUT the policy allows stores an SSE-S3 object', async () => {
    const res = await anonymous(running, `/${PUBLIC}/anon-upload.txt`, { method: 'PUT', body: 'from nowhere' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-amz-server-side-encryption'), 'AES256');
  });

  test('an anonymous PUT to a private bucket is 403 AccessDenied', async () => {
    const res = await anonymous(running, `/${PRIVATE}/intruder.txt`, { method: 'PUT', body: 'x' });
    assert.equal(res.status, 403);
    assert.equal(xmlError(res.text).Code, 'AccessDenied');
  });

  test('RestrictPublicBuckets keeps the anonymous caller out despite a public policy', async () => {
    const b = 'restricted-public';
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await unblock(b);
    await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy(b, ['s3:GetObject']) }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'o', Body: 'x' }));
    assert.equal((await anonymous(running, `/${b}/o`)).status, 200);
    await unblock(b, true);
    const res = await anonymous(running, `/${b}/o`);
    assert.equal(res.status, 403);
    assert.equal(xmlError(res.text).Message, 'Access Denied');
  });

  test('an anonymous GET with response-* overrides is InvalidRequest', async () => {
    const res = await anonymous(running, `/${PUBLIC}/sse-s3.txt?response-content-type=text/html`);
    assert.equal(res.status, 400);
    assert.equal(xmlError(res.text).Message, 'Request specific response headers cannot be used for anonymous GET requests.');
  });

  test('an anonymous virtual-host-style GET (Host: bucket.localhost) behaves the same', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: running.port, path: '/sse-kms.png', headers: { host: `${PUBLIC}.localhost:${running.port}` } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 400);
    assert.equal(xmlError(body).Message, KMS_SIGV4);
  });
});
