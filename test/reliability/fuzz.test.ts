import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { INPUT_SHAPES } from '../../emulator/kms/model.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { clientConfig, freshEmulator, ROOT, type Creds } from '../helpers/emulator.js';
import { awsError, send, sendRaw, sign, type Outcome, type Protocol, type RawRequest } from './wire.js';

// Bad input, bounded: every protocol gets malformed input from a fixed seed and a fixed number of runs.
// Whatever arrives, the answer is a success or an AWS-shaped 4xx in the protocol of the service it was meant
// for — never a 5xx the emulator did not mean (S3's own 501 NotImplemented is AWS's answer for functionality it
// does not implement), never a dropped connection or a hang (each request has a deadline), never a crash —
// and afterwards the emulator answers normally, logged no internal error, and its memory stayed bounded.

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SEED = 20_260_901;
const RUNS = 120;
const run = { seed: SEED, numRuns: RUNS, endOnFailure: true } as const;

let r: RunningEmulator;
/** A fresh account's root: the fuzz may change its own account (even delete its access key), never the bootstrap one. */
let fuzzer: Creds;
let keyId: string;
const emulatorErrors: string[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);
let rssBefore = 0;

before(async () => {
  r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
  (process.stderr as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    if (String(chunk).includes('kms-lab emulator:')) emulatorErrors.push(String(chunk).slice(0, 2000));
    return (writeStderr as (...a: unknown[]) => boolean)(chunk, ...rest);
  };
  const account = (await (await fetch(`${r.url}/_emulator/accounts`, { method: 'POST', body: '{}' })).json()) as { accessKeyId: string; secretAccessKey: string };
  fuzzer = { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey };
  keyId = (await new KMSClient(clientConfig(r, fuzzer)).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const s3 = new S3Client({ ...clientConfig(r, fuzzer), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'fuzz' }));
  await s3.send(new PutObjectCommand({ Bucket: 'fuzz', Key: 'obj', Body: 'hello' }));
  rssBefore = process.memoryUsage().rss;
});

after(async () => {
  (process.stderr as { write: unknown }).write = writeStderr;
  await r?.stop();
});

/** The answer is a success, a 304, or an AWS-shaped error that is the caller's (4xx) — in `protocol`'s shape. */
function assertAwsAnswer(protocol: Protocol, o: Outcome, what: string, method = 'GET'): void {
  assert.equal(o.kind, 'answer', `${what}: ${JSON.stringify(o)}`);
  if (o.kind !== 'answer') return;
  const { status, body } = o.response;
  const sample = body.subarray(0, 300).toString();
  if ((status >= 200 && status < 300) || status === 304) return;
  const error = awsError(protocol, o.response, method);
  assert.ok(error, `${what}: ${status} is not an AWS-shaped ${protocol} error: ${sample}`);
  const s3NotImplemented = protocol === 'rest-xml' && status === 501 && error.code === 'NotImplemented';
  assert.ok((status >= 400 && status < 500) || s3NotImplemented, `${what}: ${status} ${error.code} ${error.message}`);
}

async function signedAnswer(service: string, protocol: Protocol, req: RawRequest, what: string): Promise<Outcome> {
  const o = await send(r, await sign(r, service, req, fuzzer));
  assertAwsAnswer(protocol, o, what, req.method);
  return o;
}

// ---- generators ------------------------------------------------------------------------------------

/** Text of every kind: unicode, lone surrogates, control characters. */
const anyText = (maxLength = 64) => fc.string({ unit: 'binary', maxLength });
const latin1Header = (maxLength = 64) => fc.string({ unit: 'binary', maxLength }).map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'));
/** Bytes that are not valid UTF-8 (a lone continuation byte, an overlong form, a truncated sequence). */
const badUtf8 = fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x80]));
const deep = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** A policy-shaped string: valid, broken, deeply nested, or huge. */
const policyText = fc.oneof(
  fc.constant(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*' }] })),
  fc.integer({ min: 1, max: 40_000 }).map((d) => deep(d, '[', ']')),
  fc.integer({ min: 1, max: 6_000 }).map((d) => deep(d, '{"a":', '}')),
  fc.integer({ min: 1, max: 4_000 }).map((n) => JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: n }, (_, i) => ({ Sid: `s${i}`, Effect: 'Allow', Action: 'kms:*', Resource: '*' })) })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constant('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Condition": {"StringEquals": {"a": [[["x"]]]}}}]}'),
  anyText(),
);

const KMS_MEMBERS = [...new Set(Object.values(INPUT_SHAPES).flatMap((m) => Object.keys(m)))];
const CT_MEMBERS = ['Name', 'S3BucketName', 'S3KeyPrefix', 'TrailName', 'LookupAttributes', 'StartTime', 'EndTime', 'MaxResults', 'NextToken', 'EventSelectors',
  'AdvancedEventSelectors', 'InsightSelectors', 'TagsList', 'ResourceId', 'ResourceIdList', 'trailNameList', 'IncludeShadowTrails', 'KmsKeyId',
  'EnableLogFileValidation', 'IsMultiRegionTrail', 'IncludeGlobalServiceEvents', 'EventCategory'];
const jsonMemberValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('alias/aws/s3', 'alias/myFirstKey', 'arn:aws:kms:us-east-1:000000000000:key/nope', 'AQIDBA==', '!!notbase64', '', 'x'.repeat(70_000)),
  fc.constant(null).map(() => keyId),
  anyText(),
  policyText,
  fc.integer({ min: 1, max: 2_000 }).map((d) => JSON.parse(deep(d, '[', ']')) as unknown),
);
const jsonBody = (members: string[]) => fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...members), anyText(12)), jsonMemberValue, { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.tuple(fc.dictionary(fc.constantFrom(...members), jsonMemberValue, { maxKeys: 3 }), fc.nat()).map(([o, cut]) => {
    const text = JSON.stringify(o);
    return text.slice(0, cut % (text.length + 1));
  }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.tuple(jsonMemberValue, badUtf8).map(([v, bad]) => Buffer.concat([Buffer.from('{"KeyId": "'), bad, Buffer.from(`", "Description": ${JSON.stringify(v)}}`)])) },
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 200_000 }).map((d) => deep(d, '{"a":', '}')) },
);

const QUERY_MEMBERS = ['UserName', 'RoleName', 'PolicyName', 'PolicyDocument', 'AssumeRolePolicyDocument', 'PolicyArn', 'Path', 'PathPrefix', 'MaxItems', 'Marker',
  'RoleArn', 'RoleSessionName', 'DurationSeconds', 'ExternalId', 'SerialNumber', 'TokenCode', 'Policy', 'PolicyArns.member.1.arn', 'Tags.member.1.Key',
  'Tags.member.1.Value', 'TagKeys.member.1', 'AccessKeyId', 'Status', 'VersionId', 'SetAsDefault', 'Description', 'MaxSessionDuration',
  'PermissionsBoundary', 'PolicySourceArn', 'ActionNames.member.1', 'NewUserName', 'TransitiveTagKeys.member.1', 'SourceIdentity'];
const queryName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...QUERY_MEMBERS) },
  { weight: 1, arbitrary: anyText(20) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__.polluted', 'constructor.prototype.polluted', 'Tags.member.__proto__.Key', 'X.entry.1.key', 'Tags.member.99999999999.Key') },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 200_000 }).map((n) => `A${'.b'.repeat(n)}`) },
);
const queryValue = fc.oneof(anyText(), policyText, fc.constantFrom('0', '-1', '1e309', 'NaN', 'true', 'x'.repeat(200_000), 'arn:aws:iam::000000000000:role/nope'));
const encodeSometimes = (s: string, raw: boolean) => (raw ? s : encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?')));
const formBody = (action: string, version: string) => fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(queryName, queryValue, fc.boolean()), { maxLength: 6 }).map((pairs) =>
    [`Action=${action}`, `Version=${version}`, ...pairs.map(([k, v, raw]) => `${encodeSometimes(k, false)}=${encodeSometimes(v, raw && v.length < 100)}`)].join('&')) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%FF%FE', '&&&===', 'Action', '=', `Action=${action}&Version=`, `Action=${action}&Version=2099-01-01`) },
  { weight: 1, arbitrary: fc.tuple(badUtf8, fc.uint8Array({ maxLength: 50 })).map(([bad, b]) => Buffer.concat([Buffer.from(`Action=${action}&Version=${version}&UserName=`), bad, Buffer.from(b)])) },
);

const segment = fc.oneof(
  { weight: 3, arbitrary: anyText(30).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'))) },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%00', '%ZZ', '%FF%FE', '%C3%28', '%', 'a%20b', '~', '') },
);
const s3Key = fc.oneof(
  { weight: 4, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 3000 }).map((n) => 'k'.repeat(n)) },
);
const SUBRESOURCES = ['', 'tagging', 'acl', 'versioning', 'encryption', 'policy', 'publicAccessBlock', 'ownershipControls', 'delete', 'uploads', 'location',
  'versions', 'policyStatus', 'attributes', 'uploadId=bogus', 'partNumber=1&uploadId=bogus', 'list-type=2', 'versionId=nope', 'lifecycle', 'cors'];
const queryParam = fc.tuple(fc.constantFrom('max-keys', 'prefix', 'delimiter', 'continuation-token', 'start-after', 'encoding-type', 'marker', 'partNumber',
  'versionId', 'response-content-type', 'response-content-disposition', 'x-id', 'fetch-owner', 'max-uploads', 'key-marker', 'version-id-marker'), anyText(20))
  .map(([k, v]) => `${k}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`);
const S3_HEADERS = ['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-server-side-encryption-context', 'content-md5',
  'x-amz-checksum-sha256', 'x-amz-checksum-crc32', 'x-amz-checksum-algorithm', 'x-amz-sdk-checksum-algorithm', 'x-amz-tagging', 'x-amz-meta-a', 'x-amz-acl',
  'x-amz-grant-read', 'x-amz-grant-full-control', 'x-amz-storage-class', 'x-amz-copy-source', 'x-amz-copy-source-range', 'x-amz-metadata-directive',
  'x-amz-tagging-directive', 'range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-amz-object-attributes', 'x-amz-checksum-mode',
  'x-amz-server-side-encryption-customer-algorithm', 'x-amz-server-side-encryption-customer-key', 'x-amz-expected-bucket-owner', 'x-amz-bucket-object-lock-enabled',
  'x-amz-object-ownership', 'x-amz-server-side-encryption-bucket-key-enabled', 'content-type', 'content-encoding', 'expires', 'x-amz-decoded-content-length',
  'x-amz-max-parts', 'x-amz-website-redirect-location', 'x-amz-request-payer'];
const s3HeaderValue = fc.oneof(
  latin1Header(),
  fc.constantFrom('aws:kms', 'AES256', '/fuzz/obj', 'fuzz/obj?versionId=x', 'bytes=0-1', 'bytes=5-1', 'bytes=-0', 'bytes=0-1,3-4', '*', 'REPLACE', 'COPY',
    Buffer.from('{"a":"b"}').toString('base64'), Buffer.from(deep(3000, '[', ']')).toString('base64'), Buffer.from('{"__proto__":{"x":"y"}}').toString('base64')),
  fc.constant(null).map(() => keyId),
);
const xmlBody = fc.oneof(
  anyText(100),
  fc.constantFrom('<', '<a>', '<a></b>', '<?xml version="1.0"?>', '<![CDATA[x]]>', '<Tagging><__proto__><polluted>yes</polluted></__proto__></Tagging>',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Tagging><TagSet><Tag><Key>&c;</Key><Value>v</Value></Tag></TagSet></Tagging>',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Tagging><TagSet><Tag><Key>&e;</Key><Value>v</Value></Tag></TagSet></Tagging>',
    '<Delete><Object></Object><Object><Key><x/></Key></Object></Delete>', '<CompleteMultipartUpload><Part><PartNumber>abc</PartNumber></Part></CompleteMultipartUpload>',
    '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault/></Rule></ServerSideEncryptionConfiguration>',
    '<VersioningConfiguration><Status><x/></Status></VersioningConfiguration>', '<PublicAccessBlockConfiguration><BlockPublicAcls>maybe</BlockPublicAcls></PublicAccessBlockConfiguration>'),
  fc.integer({ min: 50, max: 30_000 }).map((d) => '<x>'.repeat(d) + '</x>'.repeat(d)),
  fc.integer({ min: 1, max: 3_000 }).map((n) => `<Delete>${'<Object><Key>k</Key></Object>'.repeat(n)}</Delete>`),
  policyText,
  fc.tuple(badUtf8, anyText(20)).map(([bad, t]) => Buffer.concat([Buffer.from('<Tagging><TagSet><Tag><Key>'), bad, Buffer.from(`${t}</Key></Tag></TagSet></Tagging>`)])),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
);
const s3Request = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST', 'PATCH', 'OPTIONS'),
  bucket: fc.oneof({ weight: 5, arbitrary: fc.constant('fuzz') }, { weight: 1, arbitrary: segment }),
  key: fc.option(s3Key, { nil: undefined }),
  sub: fc.constantFrom(...SUBRESOURCES),
  params: fc.array(queryParam, { maxLength: 3 }),
  headers: fc.dictionary(fc.constantFrom(...S3_HEADERS), s3HeaderValue, { maxKeys: 3 }),
  body: fc.option(xmlBody, { nil: undefined }),
});

// ---- properties ------------------------------------------------------------------------------------

describe('malformed input (bounded fuzz: fixed seed, fixed run count)', () => {
  it('KMS answers any body under any of its operations with a success or an AWS-shaped JSON 4xx', async () => {
    const operations = Object.keys(r.emulator.bySigningName('kms')!.operations);
    await fc.assert(fc.asyncProperty(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...operations) }, { weight: 1, arbitrary: anyText(20) }), jsonBody(KMS_MEMBERS),
      async (op, body) => {
        const target = `TrentService.${op.replace(/[^\x21-\x7e]/g, '')}`;
        await signedAnswer('kms', 'json', { method: 'POST', path: '/', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, body }, `KMS ${target}`);
      }), run);
  });

  it('CloudTrail answers any body under any of its operations with a success or an AWS-shaped JSON 4xx', async () => {
    const operations = Object.keys(r.emulator.bySigningName('cloudtrail')!.operations);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...operations), jsonBody(CT_MEMBERS), async (op, body) => {
      const target = `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${op}`;
      await signedAnswer('cloudtrail', 'json', { method: 'POST', path: '/', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, body }, `CloudTrail ${op}`);
    }), run);
  });

  it('STS and IAM answer any form body with a success or an AWS-shaped query 4xx', async () => {
    const sts = Object.keys(r.emulator.bySigningName('sts')!.operations).map((op) => ['sts', op, '2011-06-15'] as const);
    const iam = Object.keys(r.emulator.bySigningName('iam')!.operations).map((op) => ['iam', op, '2010-05-08'] as const);
    const call = fc.constantFrom(...sts, ...iam).chain(([service, op, version]) => fc.tuple(fc.constant(service), fc.constant(op), formBody(op, version)));
    await fc.assert(fc.asyncProperty(call, async ([service, op, body]) => {
      await signedAnswer(service, 'query', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, `${service} ${op}`);
    }), { ...run, numRuns: RUNS * 2 });
  });

  it('S3 answers odd keys, sub-resources, headers and XML bodies with a success or an AWS-shaped S3 4xx', async () => {
    await fc.assert(fc.asyncProperty(s3Request, async (q) => {
      const path = `/${q.bucket}${q.key === undefined ? '' : `/${q.key}`}`;
      const query = [q.sub, ...q.params].filter((x) => x !== '').join('&');
      await signedAnswer('s3', 'rest-xml', { method: q.method, path, query, headers: q.headers, body: q.method === 'GET' || q.method === 'HEAD' ? undefined : q.body },
        `S3 ${q.method} ${path.slice(0, 80)}?${query.slice(0, 80)} ${JSON.stringify(q.headers).slice(0, 120)}`);
    }), { ...run, numRuns: RUNS * 3 });
  });

  it('odd S3 key names (unicode, ../, . and .., up to 1024 bytes) round-trip byte-identical', async () => {
    const s3 = new S3Client({ ...clientConfig(r, fuzzer), forcePathStyle: true });
    const part = fc.oneof(anyText(40).map((s) => s.replace(/[\ud800-\udfff]/g, '\ufffd')), fc.constantFrom('..', '.', '../', './', '~', '%2F', ' ', '+', '?', '#', 'é', '😀'));
    const key = fc.array(part, { minLength: 1, maxLength: 6 }).map((p) => p.join('/')).filter((k) => k !== '' && Buffer.byteLength(k) <= 1024);
    await fc.assert(fc.asyncProperty(key, fc.uint8Array({ maxLength: 64 }), async (k, bytes) => {
      await s3.send(new PutObjectCommand({ Bucket: 'fuzz', Key: k, Body: bytes }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'fuzz', Key: k }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), Buffer.from(bytes), `key ${JSON.stringify(k)}`);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'fuzz', Prefix: k }));
      assert.ok(listed.Contents?.some((o) => o.Key === k), `key ${JSON.stringify(k)} is listed`);
    }), { seed: SEED, numRuns: 60, endOnFailure: true });
  });

  it('S3 refuses a key longer than 1024 bytes with KeyTooLongError', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1025, max: 4000 }), async (n) => {
      const o = await send(r, await sign(r, 's3', { method: 'PUT', path: `/fuzz/${'é'.repeat(Math.ceil(n / 2)).split('').map(encodeURIComponent).join('')}`, body: 'x' }, fuzzer));
      assert.equal(o.kind, 'answer');
      if (o.kind !== 'answer') return;
      assert.equal(o.response.status, 400);
      assert.equal(awsError('rest-xml', o.response)?.code, 'KeyTooLongError');
    }), { seed: SEED, numRuns: 10, endOnFailure: true });
  });

  it('a malformed Authorization header is refused with the protocol\'s own 4xx', async () => {
    const requests: Array<[string, Protocol, RawRequest]> = [
      ['kms', 'json', { method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' }],
      ['sts', 'query', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' }],
      ['s3', 'rest-xml', { method: 'GET', path: '/fuzz/obj' }],
    ];
    const mutation = fc.oneof(
      fc.nat().map((n) => (a: string) => a.slice(0, n % a.length)),
      fc.tuple(fc.nat(), fc.constantFrom(...'0123456789abcdefXYZ=/,;')).map(([n, c]) => (a: string) => {
        const sig = a.lastIndexOf('Signature=') + 10;
        const i = sig + (n % (a.length - sig));
        return a.slice(0, i) + (a[i] === c ? (c === '0' ? '1' : '0') : c) + a.slice(i + 1);
      }),
      fc.constantFrom(
        (a: string) => a.replace('Credential=', 'Credentail='),
        (a: string) => a.replace(/SignedHeaders=[^,]*,\s*/, ''),
        (a: string) => a.replace(/Signature=\w+/, 'Signature='),
        (a: string) => a.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
        (a: string) => a.replace(/Credential=[^/]+/, 'Credential=AKIANOSUCHKEY0000000'),
        (a: string) => a.replace(/\/\d{8}\//, '/19700101/'),
        (a: string) => a.replace('/us-east-1/', '/eu-west-1/'),
        (a: string) => a.replace(/\/(kms|sts|s3)\/aws4_request/, '/ec2/aws4_request'),
        (a: string) => a.replace('aws4_request', 'aws4_reqest'),
        (a: string) => `${a}, Signature=${'0'.repeat(64)}`,
        () => 'AWS test:signature',
        () => 'Bearer x',
        () => '',
      ),
      latin1Header(200).map((s) => () => s),
    );
    await fc.assert(fc.asyncProperty(fc.constantFrom(...requests), mutation, async ([service, protocol, req], mutate) => {
      const signed = await sign(r, service, req, fuzzer);
      const headers = { ...signed.headers! };
      const mutated = mutate(headers.authorization);
      fc.pre(mutated !== headers.authorization);
      headers.authorization = mutated;
      const o = await send(r, { ...signed, headers });
      assertAwsAnswer(protocol, o, `${service} Authorization ${JSON.stringify(mutated).slice(0, 200)}`, req.method);
      assert.ok(o.kind === 'answer' && o.response.status >= 400, `${service}: a malformed signature was accepted: ${mutated}`);
    }), run);
  });

  it('a signed request replayed with another body is refused, and an exact replay gets the same answer', async () => {
    const cases: Array<[string, Protocol, RawRequest, string]> = [
      ['kms', 'json', { method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' }, '{"Limit": 1}'],
      ['iam', 'query', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListUsers&Version=2010-05-08' }, 'Action=DeleteUser&Version=2010-05-08&UserName=x'],
      ['s3', 'rest-xml', { method: 'PUT', path: '/fuzz/replayed', body: 'original' }, 'tampered'],
    ];
    for (const [service, protocol, req, otherBody] of cases) {
      const signed = await sign(r, service, req, fuzzer);
      const first = await send(r, signed);
      const again = await send(r, signed);
      assert.ok(first.kind === 'answer' && again.kind === 'answer');
      assert.equal(again.response.status, first.response.status, `${service}: an exact replay within the clock-skew window is the same request`);
      const tampered = await send(r, { ...signed, body: otherBody, headers: { ...signed.headers, 'content-length': String(Buffer.byteLength(otherBody)) } });
      assertAwsAnswer(protocol, tampered, `${service} replay with another body`, req.method);
      assert.ok(tampered.kind === 'answer' && tampered.response.status >= 400, `${service}: a replay with another body was accepted`);
    }
  });

  it('a request signed 20 minutes ago is refused as expired or skewed, in each protocol', async () => {
    const stale = new Date(Date.now() - 20 * 60_000);
    const cases: Array<[string, Protocol, RawRequest]> = [
      ['kms', 'json', { method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' }],
      ['sts', 'query', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' }],
      ['s3', 'rest-xml', { method: 'GET', path: '/fuzz/obj' }],
    ];
    for (const [service, protocol, req] of cases) {
      const o = await send(r, await sign(r, service, req, fuzzer, stale));
      assertAwsAnswer(protocol, o, `${service} stale`, req.method);
      assert.ok(o.kind === 'answer' && o.response.status >= 400);
      if (o.kind === 'answer') assert.match(JSON.stringify(awsError(protocol, o.response)), /expired|Skewed/i);
    }
  });

  it('wrong Content-Length, broken chunking, oversized headers and garbage on a raw socket get an AWS-shaped 4xx in the request\'s protocol', async () => {
    const base: Array<[string, Protocol, RawRequest]> = [
      ['kms', 'json', { method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{"Limit": 5}' }],
      ['sts', 'query', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' }],
      ['s3', 'rest-xml', { method: 'PUT', path: '/fuzz/raw', body: 'raw body bytes' }],
    ];
    type Framing = (head: string, body: Buffer) => { bytes: Buffer; protocolKept: boolean };
    const crlf = (lines: string[]) => lines.join('\r\n');
    const framing: fc.Arbitrary<[string, Framing]> = fc.oneof(
      fc.integer({ min: 1, max: 10_000 }).map((k): [string, Framing] => [`Content-Length +${k}`, (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}content-length: ${b.length + k}\r\n\r\n`), b]), protocolKept: true })]),
      fc.integer({ min: 1, max: 10 }).map((k): [string, Framing] => [`Content-Length -${k}`, (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}content-length: ${Math.max(0, b.length - k)}\r\n\r\n`), b]), protocolKept: true })]),
      fc.constantFrom<[string, Framing]>(
        ['Content-Length garbage', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}content-length: 12abc\r\n\r\n`), b]), protocolKept: true })],
        ['two Content-Lengths', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}content-length: ${b.length}\r\ncontent-length: ${b.length + 1}\r\n\r\n`), b]), protocolKept: true })],
        ['chunk size not hex', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}transfer-encoding: chunked\r\n\r\nZZ\r\n`), b, Buffer.from('\r\n0\r\n\r\n')]), protocolKept: true })],
        ['chunked body cut short', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}transfer-encoding: chunked\r\n\r\n${(b.length + 50).toString(16)}\r\n`), b]), protocolKept: true })],
        ['chunked and Content-Length', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}transfer-encoding: chunked\r\ncontent-length: ${b.length}\r\n\r\n${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n0\r\n\r\n')]), protocolKept: true })],
        ['header section over the limit', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}x-pad: ${'p'.repeat(20_000)}\r\ncontent-length: ${b.length}\r\n\r\n`), b]), protocolKept: true })],
        ['a NUL in a header value', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}x-bad: a\u0000b\r\ncontent-length: ${b.length}\r\n\r\n`), b]), protocolKept: true })],
        ['a space in a header name', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}bad name: x\r\ncontent-length: ${b.length}\r\n\r\n`), b]), protocolKept: true })],
        ['headers cut short', (h) => ({ bytes: Buffer.from(h.slice(0, h.length - 10)), protocolKept: true })],
        ['no Host header', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h.replace(/^host: .*\r\n/m, '')}content-length: ${b.length}\r\n\r\n`), b]), protocolKept: true })],
        ['an Expect other than 100-continue', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`${h}expect: 200-ok\r\ncontent-length: ${b.length}\r\n\r\n`), b]), protocolKept: true })],
        ['an unknown method', (h, b) => ({ bytes: Buffer.concat([Buffer.from(`FROB${h.slice(h.indexOf(' '))}content-length: ${b.length}\r\n\r\n`), b]), protocolKept: true })],
        ['garbage instead of HTTP', () => ({ bytes: Buffer.from('\u0000\u0001garbage\r\n\r\n'), protocolKept: false })],
        ['an HTTP/2 preface', () => ({ bytes: Buffer.from(crlf(['PRI * HTTP/2.0', '', 'SM', '', ''])), protocolKept: false })],
      ),
    );
    await fc.assert(fc.asyncProperty(fc.constantFrom(...base), framing, async ([service, protocol, req], [what, frame]) => {
      const signed = await sign(r, service, req, fuzzer);
      const headerLines = Object.entries(signed.headers!).filter(([k]) => k.toLowerCase() !== 'content-length').map(([k, v]) => `${k}: ${v}\r\n`).join('');
      const head = `${req.method} ${req.path} HTTP/1.1\r\n${headerLines}`;
      const { bytes, protocolKept } = frame(head, Buffer.from(signed.body ?? ''));
      const o = await sendRaw(r, bytes);
      assertAwsAnswer(protocolKept ? protocol : 'rest-xml', o, `${service}: ${what}`, req.method);
    }), { ...run, numRuns: 60 });
  });

  it('a body over the limit is refused (413) before it is read, in the protocol\'s shape', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x61);
    const kms = await send(r, await sign(r, 'kms', { method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.Encrypt', 'content-type': 'application/x-amz-json-1.1' }, body: big }, fuzzer));
    assertAwsAnswer('json', kms, 'KMS 1 MiB + 1');
    assert.ok(kms.kind === 'answer' && kms.response.status === 413);
    const iam = await send(r, await sign(r, 'iam', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big }, fuzzer));
    assertAwsAnswer('query', iam, 'IAM 1 MiB + 1');
    assert.ok(iam.kind === 'answer' && iam.response.status === 413);
    const s3 = await sendRaw(r, Buffer.from(`PUT /fuzz/huge HTTP/1.1\r\nhost: ${new URL(r.url).host}\r\ncontent-length: ${300 * 1024 * 1024}\r\n\r\nabc`));
    assertAwsAnswer('rest-xml', s3, 'S3 300 MiB declared');
    assert.ok(s3.kind === 'answer' && s3.response.status === 400 && awsError('rest-xml', s3.response)?.code === 'EntityTooLarge');
  });

  it('a client that stalls in the middle of its body holds up no one else', async () => {
    const { connect } = await import('node:net');
    const url = new URL(r.url);
    const stalled = connect({ host: url.hostname, port: Number(url.port) });
    stalled.write(`PUT /fuzz/stalled HTTP/1.1\r\nhost: ${url.host}\r\ncontent-length: 1000\r\n\r\nonly a few bytes`);
    try {
      const sts = new STSClient(clientConfig(r, fuzzer));
      const answers = await Promise.all(Array.from({ length: 20 }, () => sts.send(new GetCallerIdentityCommand({}))));
      assert.equal(answers.length, 20);
    } finally {
      stalled.destroy();
    }
  });

  it('afterwards the emulator answers normally, logged no internal error, kept Object.prototype clean and its memory bounded', async () => {
    assert.equal((await fetch(`${r.url}/_emulator/health`)).status, 200);
    const kms = new KMSClient(clientConfig(r, ROOT));
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: Buffer.from('still fine') }));
    const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
    assert.equal(Buffer.from(Plaintext!).toString(), 'still fine');
    assert.equal((await new STSClient(clientConfig(r, ROOT)).send(new GetCallerIdentityCommand({}))).Account, '000000000000');
    const s3 = new S3Client({ ...clientConfig(r, ROOT), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'after-fuzz' }));
    await s3.send(new PutObjectCommand({ Bucket: 'after-fuzz', Key: 'k', Body: 'v' }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'after-fuzz', Key: 'k' }))).Body!.transformToString(), 'v');

    assert.deepEqual(emulatorErrors, [], 'the emulator reported internal errors');
    assert.deepEqual(Object.keys(Object.prototype), [], 'Object.prototype was written to');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(grown < 300, `RSS grew by ${grown.toFixed(0)} MiB during the fuzz`);
  });
});
