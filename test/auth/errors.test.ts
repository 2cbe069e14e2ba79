import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError } from '../../emulator/auth/errors.js';
import type { WireProtocol } from '../../emulator/auth/errors.js';
import { verifySigV4 } from '../../emulator/auth/sigv4.js';
import type { AuthFailureKind, VerifyFail } from '../../emulator/auth/sigv4.js';
import { EXAMPLE_NOW, EXAMPLE_SECRET, exampleGetObject, exampleLookup, sdkSigned } from './fixtures.js';

const SERVICE: Record<WireProtocol, string> = { 'rest-xml': 's3', json: 'kms', query: 'sts' };
const fail = (kind: AuthFailureKind, more: Partial<VerifyFail> = {}): VerifyFail => ({ ok: false, kind, detail: kind, ...more });
const mapped = (protocol: WireProtocol, f: VerifyFail) => {
  const e = authError(protocol, SERVICE[protocol], f);
  return [e.code, e.status, e.message] as const;
};

const JSON_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** [kind, S3, JSON (KMS/CloudTrail), query (STS/IAM)] → [code, status, message prefix]. */
const TABLE: [AuthFailureKind, [string, number, string], [string, number, string], [string, number, string]][] = [
  [
    'signature-mismatch',
    ['SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
    ['InvalidSignatureException', 400, JSON_SIGNATURE],
    ['SignatureDoesNotMatch', 403, JSON_SIGNATURE],
  ],
  [
    'unknown-key',
    ['InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.'],
    ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.'],
    ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
  ],
  [
    'token-invalid',
    ['InvalidToken', 400, 'The provided token is malformed or otherwise invalid.'],
    ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.'],
    ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
  ],
  [
    'expired-token',
    ['ExpiredToken', 400, 'The provided token has expired.'],
    ['ExpiredTokenException', 400, 'The security token included in the request is expired'],
    ['ExpiredToken', 403, 'The security token included in the request is expired'],
  ],
  [
    'missing',
    ['AccessDenied', 403, 'Access Denied'],
    ['MissingAuthenticationTokenException', 400, 'Request is missing Authentication Token'],
    ['MissingAuthenticationToken', 403, 'Request is missing Authentication Token'],
  ],
  [
    'skew',
    ['RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.'],
    ['InvalidSignatureException', 400, 'Signature expired: '],
    ['SignatureDoesNotMatch', 403, 'Signature expired: '],
  ],
  [
    'expired-presign',
    ['AccessDenied', 403, 'Request has expired'],
    ['InvalidSignatureException', 400, 'Signature expired: '],
    ['SignatureDoesNotMatch', 403, 'Signature expired: '],
  ],
  [
    'content-sha-mismatch',
    ['XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed."],
    ['InvalidSignatureException', 400, JSON_SIGNATURE],
    ['SignatureDoesNotMatch', 403, JSON_SIGNATURE],
  ],
];

for (const [kind, s3, json, query] of TABLE) {
  test(`authError maps ${kind} to each protocol's code, status and message`, () => {
    const f = fail(kind, { facts: { amzDate: '20130524T000000Z', serverTime: new Date('2013-05-24T01:00:00Z'), windowSeconds: 900 } });
    for (const [protocol, [code, status, message]] of [['rest-xml', s3], ['json', json], ['query', query]] as const) {
      const [c, s, m] = mapped(protocol, f);
      assert.deepEqual([c, s], [code, status], `${protocol}`);
      assert.ok(m.startsWith(message), `${protocol}: ${m}`);
    }
  });
}

test('JSON and query clock-skew messages quote the request time, the limit and the window as AWS does', () => {
  const f = fail('skew', { facts: { amzDate: '20130524T000000Z', serverTime: new Date('2013-05-24T01:00:00Z'), windowSeconds: 900 } });
  assert.equal(mapped('json', f)[2], 'Signature expired: 20130524T000000Z is now earlier than 20130524T004500Z (20130524T010000Z - 15 min.)');
  const future = fail('skew', { facts: { amzDate: '20130524T010000Z', serverTime: new Date('2013-05-24T00:00:00Z'), windowSeconds: 900 } });
  assert.equal(mapped('query', future)[2], 'Signature not yet current: 20130524T010000Z is still later than 20130524T001500Z (20130524T000000Z + 15 min.)');
});

test('S3 RequestTimeTooSkewed carries RequestTime, ServerTime and MaxAllowedSkewMilliseconds', () => {
  const e = authError('rest-xml', 's3', fail('skew', { facts: { amzDate: '20130524T000000Z', serverTime: new Date('2013-05-24T01:00:00Z'), windowSeconds: 900 } }));
  assert.deepEqual(e.extra, { RequestTime: '20130524T000000Z', ServerTime: '2013-05-24T01:00:00Z', MaxAllowedSkewMilliseconds: '900000' });
});

test('S3 "Request has expired" carries X-Amz-Expires, Expires and ServerTime', async () => {
  const e = authError('rest-xml', 's3', fail('expired-presign', {
    facts: { windowSeconds: 86400, expiresAt: new Date('2013-05-25T00:00:00Z'), serverTime: new Date('2013-05-26T00:00:00Z') },
  }));
  assert.deepEqual(e.extra, { 'X-Amz-Expires': '86400', Expires: '2013-05-25T00:00:00Z', ServerTime: '2013-05-26T00:00:00Z' });
});

test('S3 SignatureDoesNotMatch carries what was signed, and the bytes, in AWS\'s order', async () => {
  const f = await verifySigV4(exampleGetObject(), () => ({ secretAccessKey: 'wrong' }), { now: EXAMPLE_NOW });
  assert.ok(!f.ok);
  const e = authError('rest-xml', 's3', f);
  assert.deepEqual(Object.keys(e.extra), ['AWSAccessKeyId', 'StringToSign', 'SignatureProvided', 'StringToSignBytes', 'CanonicalRequest', 'CanonicalRequestBytes']);
  assert.ok(e.extra['StringToSignBytes']!.startsWith('41 57 53 34 2d 48 4d 41 43'));
  assert.equal(e.extra['SignatureProvided'], 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
});

test('S3 XAmzContentSHA256Mismatch carries both hashes', () => {
  const e = authError('rest-xml', 's3', fail('content-sha-mismatch', { facts: { clientSha256: 'a'.repeat(64), computedSha256: 'b'.repeat(64) } }));
  assert.deepEqual(e.extra, { ClientComputedContentSHA256: 'a'.repeat(64), S3ComputedContentSHA256: 'b'.repeat(64) });
});

test('malformed S3 auth answers AuthorizationHeaderMalformed (header) or AuthorizationQueryParametersError (query)', () => {
  const header = authError('rest-xml', 's3', fail('incomplete', { mode: 'header', problem: 'credential' }));
  const query = authError('rest-xml', 's3', fail('incomplete', { mode: 'query', problem: 'credential' }));
  assert.deepEqual([header.code, header.status], ['AuthorizationHeaderMalformed', 400]);
  assert.equal(header.message, 'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  assert.deepEqual([query.code, query.status], ['AuthorizationQueryParametersError', 400]);
  assert.ok(query.message.startsWith('Error parsing the X-Amz-Credential parameter'));
});

test('an over-long X-Amz-Expires is AuthorizationQueryParametersError on S3', () => {
  const e = authError('rest-xml', 's3', fail('bad-presign-params', { mode: 'query', problem: 'expires-too-large' }));
  assert.equal(e.code, 'AuthorizationQueryParametersError');
  assert.equal(e.message, 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
});

test('incomplete JSON/query signatures are IncompleteSignatureException / IncompleteSignature', () => {
  const f = fail('incomplete', { mode: 'header', problem: 'header-components', facts: { missing: ['Signature'], authorization: 'AWS4-HMAC-SHA256 Credential=x' } });
  assert.deepEqual(mapped('json', f), [
    'IncompleteSignatureException',
    400,
    "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=x",
  ]);
  assert.equal(mapped('query', f)[0], 'IncompleteSignature');
});

test('S3 BadDigest names the checksum algorithm', () => {
  const e = authError('rest-xml', 's3', fail('checksum-mismatch', { facts: { checksumAlgorithm: 'CRC32' } }));
  assert.deepEqual([e.code, e.status, e.message], ['BadDigest', 400, 'The CRC32 you specified did not match the calculated checksum.']);
});

test('no error message or field of any protocol contains the secret key or the session token', async () => {
  const secret = EXAMPLE_SECRET;
  const token = 'session/token+secret==';
  const lookups = [() => ({ secretAccessKey: 'wrong-' + secret, sessionToken: token }), () => ({ secretAccessKey: secret, sessionToken: 'other' }), exampleLookup];
  const requests = [
    await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: token }),
    await sdkSigned({ method: 'GET', path: '/b/k', headers: {} }, { sessionToken: token, presignExpiresIn: 60 }),
    await sdkSigned({ method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.ListKeys' }, body: '{}' }, { service: 'kms', sessionToken: token }),
  ];
  for (const lookup of lookups) {
    for (const req of requests) {
      const f = await verifySigV4(req, lookup, { now: EXAMPLE_NOW });
      assert.ok(!f.ok);
      for (const protocol of ['rest-xml', 'json', 'query'] as const) {
        const e = authError(protocol, SERVICE[protocol], f);
        const text = [e.message, ...Object.values(e.extra), f.detail].join('\n');
        for (const s of [secret, token, encodeURIComponent(token)]) assert.ok(!text.includes(s), `${protocol} leaked a secret: ${text}`);
      }
    }
  }
});
