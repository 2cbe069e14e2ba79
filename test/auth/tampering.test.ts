import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAwsChunked, verifySigV4 } from '../../emulator/auth/sigv4.js';
import type { SecretLookup, VerifyFail, VerifyOk } from '../../emulator/auth/sigv4.js';
import {
  EXAMPLE_KEY,
  EXAMPLE_NOW,
  EXAMPLE_SECRET,
  exampleChunkedPut,
  exampleGetObject,
  exampleLookup,
  examplePresignedGet,
  examplePutObject,
  exampleSignedTrailerBody,
  flipByte,
  sdkSigned,
} from './fixtures.js';

const opts = { now: EXAMPLE_NOW };
const failed = (r: VerifyOk | VerifyFail | { ok: true }): VerifyFail => {
  assert.equal(r.ok, false, 'expected the request to be refused');
  return r as VerifyFail;
};

test('a flipped byte in the second chunk breaks the chunk-signature chain', async () => {
  const req = exampleChunkedPut();
  const ok = await verifySigV4(req, exampleLookup, opts);
  assert.ok(ok.ok);
  const tampered = flipByte(req.body!, 66000);
  const f = failed(await decodeAwsChunked(tampered, ok));
  assert.equal(f.kind, 'signature-mismatch');
  assert.match(f.detail, /chunk 1/);
  assert.match(f.stringToSign!, /^AWS4-HMAC-SHA256-PAYLOAD\n/);
});

test('a flipped body byte under a hex x-amz-content-sha256 is an S3 content-sha mismatch', async () => {
  const req = examplePutObject();
  const f = failed(await verifySigV4({ ...req, body: flipByte(req.body!, 0) }, exampleLookup, opts));
  assert.equal(f.kind, 'content-sha-mismatch');
  assert.equal(f.facts?.clientSha256, '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
});

test('a changed path in a presigned URL does not match its signature', async () => {
  const f = failed(await verifySigV4(examplePresignedGet('/test2.txt'), exampleLookup, opts));
  assert.equal(f.kind, 'signature-mismatch');
  assert.match(f.canonicalRequest!, /^GET\n\/test2\.txt\n/);
});

test('a request signed with the wrong secret is a signature mismatch that carries what was signed', async () => {
  const lookup: SecretLookup = () => ({ secretAccessKey: 'not-the-secret' });
  const f = failed(await verifySigV4(exampleGetObject(), lookup, opts));
  assert.equal(f.kind, 'signature-mismatch');
  assert.equal(f.accessKeyId, EXAMPLE_KEY);
  assert.equal(f.facts?.signatureProvided, 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  assert.match(f.stringToSign!, /^AWS4-HMAC-SHA256\n20130524T000000Z\n20130524\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/);
});

test('a signed header missing from the request fails the signature and is named in the detail', async () => {
  const req = exampleGetObject();
  delete req.headers['range'];
  const f = failed(await verifySigV4(req, exampleLookup, opts));
  assert.equal(f.kind, 'signature-mismatch');
  assert.match(f.detail, /range/);
});

test('a presigned URL is refused once X-Amz-Date + X-Amz-Expires has passed', async () => {
  const twoDaysLater = new Date(EXAMPLE_NOW.getTime() + 2 * 86400_000);
  const f = failed(await verifySigV4(examplePresignedGet(), exampleLookup, { now: twoDaysLater }));
  assert.equal(f.kind, 'expired-presign');
  assert.equal(f.facts?.expiresAt?.toISOString(), '2013-05-25T00:00:00.000Z');
});

test('a session token that is not the key\'s token is invalid', async () => {
  const lookup: SecretLookup = () => ({ secretAccessKey: EXAMPLE_SECRET, sessionToken: 'the-real-token' });
  const req = await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: 'a-forged-token' });
  const f = failed(await verifySigV4(req, lookup, opts));
  assert.equal(f.kind, 'token-invalid');
});

test('the right session token passes, in the header and in a presigned query', async () => {
  const lookup: SecretLookup = () => ({ secretAccessKey: EXAMPLE_SECRET, sessionToken: 'the-real-token' });
  const header = await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: 'the-real-token' });
  const query = await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: 'the-real-token', presignExpiresIn: 60 });
  const [a, b] = [await verifySigV4(header, lookup, opts), await verifySigV4(query, lookup, opts)];
  assert.ok(a.ok && a.temporary);
  assert.ok(b.ok && b.mode === 'query');
});

test('a temporary key sent without its session token is not recognised', async () => {
  const lookup: SecretLookup = () => ({ secretAccessKey: EXAMPLE_SECRET, sessionToken: 'the-real-token' });
  const f = failed(await verifySigV4(exampleGetObject(), lookup, opts));
  assert.equal(f.kind, 'unknown-key');
});

test('temporary credentials past expiresAt are an expired token', async () => {
  const lookup: SecretLookup = () => ({ secretAccessKey: EXAMPLE_SECRET, sessionToken: 't', expiresAt: new Date(EXAMPLE_NOW.getTime() - 1) });
  const req = await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: 't' });
  assert.equal(failed(await verifySigV4(req, lookup, opts)).kind, 'expired-token');
});

test('an access key the store does not know is refused before any signature work', async () => {
  const f = failed(await verifySigV4(exampleGetObject(), () => undefined, opts));
  assert.equal(f.kind, 'unknown-key');
  assert.equal(f.accessKeyId, EXAMPLE_KEY);
});

test('header auth more than 15 minutes off the server clock is refused as skew', async () => {
  const later = new Date(EXAMPLE_NOW.getTime() + 16 * 60_000);
  const earlier = new Date(EXAMPLE_NOW.getTime() - 16 * 60_000);
  assert.equal(failed(await verifySigV4(exampleGetObject(), exampleLookup, { now: later })).kind, 'skew');
  assert.equal(failed(await verifySigV4(exampleGetObject(), exampleLookup, { now: earlier })).kind, 'skew');
});

test('header auth within 15 minutes of the server clock is accepted', async () => {
  const later = new Date(EXAMPLE_NOW.getTime() + 14 * 60_000);
  assert.ok((await verifySigV4(exampleGetObject(), exampleLookup, { now: later })).ok);
});

test('a wrong trailer signature is refused', async () => {
  const ok = await verifySigV4(exampleChunkedPut(), exampleLookup, opts);
  assert.ok(ok.ok);
  const body = exampleSignedTrailerBody('0'.repeat(64));
  const f = failed(await decodeAwsChunked(body, { ...ok, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' }));
  assert.equal(f.kind, 'signature-mismatch');
  assert.match(f.stringToSign!, /^AWS4-HMAC-SHA256-TRAILER\n/);
});

test('a changed trailer value is refused even with the original trailer signature', async () => {
  const ok = await verifySigV4(exampleChunkedPut(), exampleLookup, opts);
  assert.ok(ok.ok);
  const body = Buffer.from(exampleSignedTrailerBody().toString('latin1').replace('second:2nd', 'second:2ND'), 'latin1');
  const f = failed(await decodeAwsChunked(body, { ...ok, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' }));
  assert.equal(f.kind, 'signature-mismatch');
});

test('non-S3 services double-encode the path, S3 encodes it once', async () => {
  const path = '/functions/my%20fn/invocations';
  const lambda = await sdkSigned({ method: 'POST', path, headers: {}, body: '{}' }, { service: 'lambda' });
  const s3 = await sdkSigned({ method: 'GET', path, headers: {} }, { service: 's3' });
  assert.ok((await verifySigV4(lambda, exampleLookup, opts)).ok);
  assert.ok((await verifySigV4(s3, exampleLookup, opts)).ok);
  // The same signature presented to the other encoding rule fails.
  const asS3 = lambda.headers['authorization']!.toString().replace('/lambda/', '/s3/');
  const crossed = await verifySigV4({ ...lambda, headers: { ...lambda.headers, authorization: asS3 } }, exampleLookup, opts);
  assert.equal(crossed.ok, false);
});

test('a JSON service hashes the body itself: a changed body is a signature mismatch', async () => {
  const req = await sdkSigned(
    { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, body: '{}' },
    { service: 'kms' },
  );
  assert.ok((await verifySigV4(req, exampleLookup, opts)).ok);
  assert.equal(failed(await verifySigV4({ ...req, body: Buffer.from('{"Limit":1}') }, exampleLookup, opts)).kind, 'signature-mismatch');
});

test('the session token never appears in the canonical request of a failure', async () => {
  const lookup: SecretLookup = () => ({ secretAccessKey: 'wrong', sessionToken: 'secret/token+value==' });
  const header = await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: 'secret/token+value==' });
  const query = await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: 'secret/token+value==', presignExpiresIn: 60 });
  for (const req of [header, query]) {
    const f = failed(await verifySigV4(req, lookup, opts));
    assert.equal(f.kind, 'signature-mismatch');
    assert.ok(!f.canonicalRequest!.includes('secret/token'), f.canonicalRequest);
    assert.ok(!f.canonicalRequest!.includes('secret%2Ftoken'), f.canonicalRequest);
    assert.match(f.canonicalRequest!, /<redacted>/);
  }
});
