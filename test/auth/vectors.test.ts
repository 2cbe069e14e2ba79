import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAwsChunked, verifySigV4 } from '../../emulator/auth/sigv4.js';
import type { VerifyOk } from '../../emulator/auth/sigv4.js';
import {
  EXAMPLE_NOW,
  exampleChunkedPut,
  exampleGetObject,
  exampleLifecycle,
  exampleListObjects,
  exampleLookup,
  examplePresignedGet,
  examplePutObject,
  exampleSignedTrailerBody,
} from './fixtures.js';

const opts = { now: EXAMPLE_NOW };

const verifiedOk = async (...args: Parameters<typeof verifySigV4>): Promise<VerifyOk> => {
  const result = await verifySigV4(...args);
  assert.ok(result.ok, result.ok ? '' : `${result.kind}: ${result.detail}`);
  return result;
};

test('accepts AWS example "GET Object" signed over host, range, x-amz-content-sha256 and x-amz-date', async () => {
  const ok = await verifiedOk(exampleGetObject(), exampleLookup, opts);
  assert.equal(ok.signature, 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  assert.equal(ok.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
});

test('accepts AWS example "PUT Object" whose signed headers include date (a re-sign would drop it)', async () => {
  const ok = await verifiedOk(examplePutObject(), exampleLookup, opts);
  assert.deepEqual(ok.signedHeaders, ['date', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-storage-class']);
});

test('accepts AWS example "GET Bucket Lifecycle": a query key without a value', async () => {
  await verifiedOk(exampleLifecycle(), exampleLookup, opts);
});

test('accepts AWS example "GET Bucket (List Objects)": query parameters sorted', async () => {
  await verifiedOk(exampleListObjects(), exampleLookup, opts);
});

test('accepts AWS example presigned GET (query-string auth, X-Amz-Expires=86400)', async () => {
  const ok = await verifiedOk(examplePresignedGet(), exampleLookup, opts);
  assert.equal(ok.mode, 'query');
  assert.equal(ok.payloadHash, 'UNSIGNED-PAYLOAD');
});

test('S3 paths are encoded once: /test%24file.text is the same request as /test$file.text', async () => {
  await verifiedOk({ ...examplePutObject(), path: '/test%24file.text' }, exampleLookup, opts);
});

test('accepts AWS example chunked upload and verifies every chunk signature of the chain', async () => {
  const req = exampleChunkedPut();
  const ok = await verifiedOk(req, exampleLookup, opts);
  assert.equal(ok.signature, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  const decoded = await decodeAwsChunked(Buffer.from(req.body!), ok);
  assert.ok(decoded.ok);
  assert.equal(decoded.data.length, 66560);
  assert.ok(decoded.data.every((b) => b === 0x61));
});

test('verifies the AWS CRT signed-trailer vector (first/second/third after the example chunk chain)', async () => {
  const ok = await verifiedOk(exampleChunkedPut(), exampleLookup, opts);
  // Same seed signature as the chunked example; only the payload mode differs in the CRT test.
  const decoded = await decodeAwsChunked(exampleSignedTrailerBody(), { ...ok, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' });
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.detail);
  assert.deepEqual(decoded.trailers, { first: '1st', second: '2nd', third: '3rd' });
});
