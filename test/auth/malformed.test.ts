import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCredentialScope, verifySigV4 } from '../../emulator/auth/sigv4.js';
import type { IncomingSigned, VerifyFail } from '../../emulator/auth/sigv4.js';
import { EXAMPLE_NOW, exampleGetObject, exampleLookup, examplePresignedGet } from './fixtures.js';

const opts = { now: EXAMPLE_NOW };
const refusal = async (req: IncomingSigned): Promise<VerifyFail> => {
  const r = await verifySigV4(req, exampleLookup, opts);
  assert.equal(r.ok, false);
  return r as VerifyFail;
};
const withAuthorization = (authorization: string): IncomingSigned => {
  const req = exampleGetObject();
  return { ...req, headers: { ...req.headers, authorization } };
};
const presignedWith = (edit: (q: URLSearchParams) => void): IncomingSigned => {
  const req = examplePresignedGet();
  const q = new URLSearchParams(req.rawQuery);
  edit(q);
  return { ...req, rawQuery: q.toString() };
};

test('readCredentialScope reads key, date, region and service from an Authorization header', () => {
  assert.deepEqual(readCredentialScope(exampleGetObject()), {
    signed: true,
    mode: 'header',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    date: '20130524',
    region: 'us-east-1',
    service: 's3',
  });
});

test('readCredentialScope reads the credential scope of a presigned query', () => {
  const scope = readCredentialScope(examplePresignedGet());
  assert.equal(scope.signed, true);
  assert.equal(scope.signed === true && scope.mode, 'query');
});

test('readCredentialScope says unsigned when there is neither header nor query auth', () => {
  assert.deepEqual(readCredentialScope({ headers: { host: 'x' }, rawQuery: 'list-type=2' }), { signed: false });
});

test('readCredentialScope reports a malformed Authorization header with the failure to answer', () => {
  const scope = readCredentialScope(withAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/kms'));
  assert.equal(scope.signed, 'malformed');
  assert.equal(scope.signed === 'malformed' && scope.failure.problem, 'header-components');
});

test('an unsigned request is "missing"', async () => {
  const req = exampleGetObject();
  delete req.headers['authorization'];
  assert.equal((await refusal(req)).kind, 'missing');
});

test('an Authorization header without Signature and SignedHeaders lists what is missing', async () => {
  const f = await refusal(withAuthorization('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request'));
  assert.equal(f.kind, 'incomplete');
  assert.deepEqual(f.facts?.missing, ['Signature', 'SignedHeaders']);
});

test('a header-signed request without X-Amz-Date or Date lacks its date', async () => {
  const req = exampleGetObject();
  delete req.headers['x-amz-date'];
  const f = await refusal(req);
  assert.deepEqual([f.problem, f.facts?.missing], ['header-components', ['Date']]);
});

test('a non-SigV4 Authorization scheme is an unsupported scheme', async () => {
  assert.equal((await refusal(withAuthorization('Bearer abc'))).problem, 'unsupported-scheme');
});

test('an Authorization header and a presigned query together are refused', async () => {
  const req = examplePresignedGet();
  const f = await refusal({ ...req, headers: { ...req.headers, authorization: exampleGetObject().headers['authorization'] } });
  assert.equal(f.problem, 'both-mechanisms');
});

test('a credential without five parts is malformed', async () => {
  const auth = String(exampleGetObject().headers['authorization']).replace('/s3/aws4_request', '/s3');
  const f = await refusal(withAuthorization(auth));
  assert.deepEqual([f.kind, f.problem], ['incomplete', 'credential']);
});

test('a credential scope dated another day than X-Amz-Date is refused', async () => {
  const auth = String(exampleGetObject().headers['authorization']).replace('/20130524/', '/20130523/');
  assert.equal((await refusal(withAuthorization(auth))).problem, 'scope-date');
});

test('SignedHeaders without host is refused', async () => {
  const auth = String(exampleGetObject().headers['authorization']).replace('SignedHeaders=host;', 'SignedHeaders=');
  assert.equal((await refusal(withAuthorization(auth))).problem, 'host-unsigned');
});

test('a presigned S3 URL without X-Amz-Expires lacks a required parameter', async () => {
  const f = await refusal(presignedWith((q) => q.delete('X-Amz-Expires')));
  assert.deepEqual([f.problem, f.facts?.missing], ['query-params', ['X-Amz-Expires']]);
});

test('X-Amz-Expires above 604800 seconds is refused', async () => {
  const f = await refusal(presignedWith((q) => q.set('X-Amz-Expires', '604801')));
  assert.deepEqual([f.kind, f.problem], ['bad-presign-params', 'expires-too-large']);
});

test('X-Amz-Expires of 604800 seconds is within bounds', async () => {
  // The signature no longer matches, but the bound itself is accepted.
  assert.equal((await refusal(presignedWith((q) => q.set('X-Amz-Expires', '604800')))).kind, 'signature-mismatch');
});

test('X-Amz-Expires that is negative or not a number is refused', async () => {
  assert.equal((await refusal(presignedWith((q) => q.set('X-Amz-Expires', '-1')))).problem, 'expires-negative');
  assert.equal((await refusal(presignedWith((q) => q.set('X-Amz-Expires', 'soon')))).problem, 'expires-nan');
});

test('an X-Amz-Date that is not yyyyMMddTHHmmssZ is refused', async () => {
  assert.equal((await refusal(presignedWith((q) => q.set('X-Amz-Date', '2013-05-24')))).problem, 'date-format');
});

test('a presigned URL dated more than 15 minutes in the future is not yet valid', async () => {
  const earlier = new Date(EXAMPLE_NOW.getTime() - 20 * 60_000);
  const r = await verifySigV4(examplePresignedGet(), exampleLookup, { now: earlier });
  assert.deepEqual([r.ok, !r.ok && r.kind, !r.ok && r.problem], [false, 'skew', 'not-yet-valid']);
});
