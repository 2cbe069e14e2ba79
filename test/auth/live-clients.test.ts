/**
 * Real AWS SDK v3 clients against a throwaway node:http server that verifies with verifySigV4 and
 * answers with the error authError maps to (or a minimal success body).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fetch } from 'undici';
import { authError } from '../../emulator/auth/errors.js';
import type { WireProtocol } from '../../emulator/auth/errors.js';
import { decodeAwsChunked, verifySigV4 } from '../../emulator/auth/sigv4.js';
import type { SecretLookup, VerifyFail, VerifyOk } from '../../emulator/auth/sigv4.js';

const KEY = 'AKIALIVECLIENTTEST01';
const SECRET = 'live/secret+With=odd/chars0123456789abc';
const TEMP_KEY = 'ASIALIVECLIENTTEST02';
const TEMP_SECRET = 'temporary/secret0123456789abcdefghijklm';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE/session+token==';
const OBJECT_KEY = 'dir/a b+c~d(1)é.txt';

const lookup: SecretLookup = (id) =>
  id === KEY ? { secretAccessKey: SECRET } : id === TEMP_KEY ? { secretAccessKey: TEMP_SECRET, sessionToken: TOKEN } : undefined;

interface Seen {
  method: string;
  path: string;
  rawQuery: string;
  result: VerifyOk | VerifyFail;
  data: Buffer;
  trailers: Record<string, string>;
}
const seen: Seen[] = [];
const last = (): Seen => seen[seen.length - 1]!;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const server = createServer(async (req, res) => {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  const body = Buffer.concat(parts);
  const [path = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
  let result: VerifyOk | VerifyFail = await verifySigV4({ method: req.method!, path, rawQuery, headers: req.headers, body }, lookup);
  let data: Buffer = body;
  let trailers: Record<string, string> = {};
  if (result.ok && result.payloadHash.startsWith('STREAMING-')) {
    const decoded = await decodeAwsChunked(body, result);
    if (decoded.ok) ({ data, trailers } = decoded);
    else result = decoded;
  }
  seen.push({ method: req.method!, path, rawQuery, result, data, trailers });

  const protocol: WireProtocol = req.headers['x-amz-target']
    ? 'json'
    : String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? 'query'
      : 'rest-xml';
  const service = { json: 'kms', query: 'sts', 'rest-xml': 's3' }[protocol];
  if (!result.ok) {
    const e = authError(protocol, service, result);
    res.statusCode = e.status;
    if (protocol === 'json') return res.end(JSON.stringify({ __type: e.code, message: e.message }));
    if (protocol === 'query') {
      return res.end(
        `<ErrorResponse><Error><Type>${e.fault}</Type><Code>${e.code}</Code><Message>${xml(e.message)}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      );
    }
    return res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${e.code}</Code><Message>${xml(e.message)}</Message></Error>`);
  }
  if (protocol === 'json') {
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    return res.end('{"Keys":[],"Truncated":false}');
  }
  if (protocol === 'query') {
    res.setHeader('content-type', 'text/xml');
    return res.end(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        '<Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account>' +
        '</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    );
  }
  res.setHeader('etag', '"0"');
  return res.end(req.method === 'GET' ? 'hello' : '');
});

let endpoint = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (credentials = { accessKeyId: KEY, secretAccessKey: SECRET } as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
  endpoint,
  region: 'us-east-1',
  credentials,
  maxAttempts: 1,
});
const s3 = (credentials?: Parameters<typeof config>[0]) => new S3Client({ ...config(credentials), forcePathStyle: true });

const okResult = (s: Seen): VerifyOk => {
  assert.ok(s.result.ok, s.result.ok ? '' : `${s.result.kind}: ${s.result.detail}`);
  return s.result;
};

test('S3 PutObject with a Buffer body verifies, key with space, plus, tilde, parentheses and é', async () => {
  await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: OBJECT_KEY, Body: Buffer.from('buffer body') }));
  const s = last();
  assert.match(okResult(s).payloadHash, /^[0-9a-f]{64}$/);
  assert.equal(decodeURIComponent(s.path), `/bucket/${OBJECT_KEY}`);
  assert.equal(s.data.toString(), 'buffer body');
});

test('S3 PutObject with a stream body arrives aws-chunked (unsigned trailer) and de-frames with a matching CRC32', async () => {
  const payload = randomBytes(70_000);
  const Body = Readable.from([payload.subarray(0, 30_000), payload.subarray(30_000)]);
  await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: OBJECT_KEY, Body, ContentLength: payload.length }));
  const s = last();
  assert.equal(okResult(s).payloadHash, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.deepEqual(s.data, payload);
  const expected = Buffer.alloc(4);
  expected.writeUInt32BE(crc32(payload));
  assert.equal(s.trailers['x-amz-checksum-crc32'], expected.toString('base64'));
});

test('S3 with temporary credentials signs x-amz-security-token and verifies', async () => {
  await s3({ accessKeyId: TEMP_KEY, secretAccessKey: TEMP_SECRET, sessionToken: TOKEN }).send(
    new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'x' }),
  );
  const ok = okResult(last());
  assert.ok(ok.temporary && ok.signedHeaders.includes('x-amz-security-token'));
});

test('an S3 client with the wrong secret gets SignatureDoesNotMatch', async () => {
  await assert.rejects(
    s3({ accessKeyId: KEY, secretAccessKey: 'wrong' }).send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'x' })),
    (e: Error) => e.name === 'SignatureDoesNotMatch',
  );
});

test('a presigned GET from s3-request-presigner, fetched with undici, verifies', async () => {
  const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'bucket', Key: OBJECT_KEY }), { expiresIn: 60 });
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'hello');
  assert.equal(okResult(last()).mode, 'query');
});

test('a presigned PUT with temporary credentials carries X-Amz-Security-Token and verifies', async () => {
  const client = s3({ accessKeyId: TEMP_KEY, secretAccessKey: TEMP_SECRET, sessionToken: TOKEN });
  const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'bucket', Key: OBJECT_KEY }), { expiresIn: 60 });
  const res = await fetch(url, { method: 'PUT', body: 'presigned body' });
  assert.equal(res.status, 200);
  assert.match(last().rawQuery, /X-Amz-Security-Token=/);
  assert.equal(last().data.toString(), 'presigned body');
});

test('a presigned URL whose key was changed is refused with 403 SignatureDoesNotMatch', async () => {
  const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'bucket', Key: 'original' }), { expiresIn: 60 });
  const res = await fetch(url.replace('/original?', '/tampered?'));
  assert.equal(res.status, 403);
  assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('KMS (JSON protocol) ListKeys verifies', async () => {
  await new KMSClient(config()).send(new ListKeysCommand({}));
  const ok = okResult(last());
  assert.deepEqual([ok.service, ok.mode], ['kms', 'header']);
});

test('a KMS client with an unknown access key gets UnrecognizedClientException', async () => {
  await assert.rejects(
    new KMSClient(config({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: SECRET })).send(new ListKeysCommand({})),
    (e: Error) => e.name === 'UnrecognizedClientException',
  );
});

test('STS (query protocol) GetCallerIdentity verifies', async () => {
  const out = await new STSClient(config()).send(new GetCallerIdentityCommand({}));
  assert.equal(out.Account, '000000000000');
  assert.equal(okResult(last()).service, 'sts');
});

test('an STS client with the wrong secret gets SignatureDoesNotMatch', async () => {
  await assert.rejects(
    new STSClient(config({ accessKeyId: KEY, secretAccessKey: 'wrong' })).send(new GetCallerIdentityCommand({})),
    (e: Error) => e.name === 'SignatureDoesNotMatch' && !e.message.includes(SECRET),
  );
});
