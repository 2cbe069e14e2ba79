import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { aws, failure, s3As, userWithKey } from './helpers.js';

describe('S3 listing', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let cliMissing: string | false;
  const B = 'listing-bucket';
  const KEYS = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'd/4.txt', 'e space+plus.txt', 'z.txt'];

  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    cliMissing = await awsCliMissing();
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    for (const k of KEYS) await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: k }));
  });
  after(() => running.stop());

  test('ListObjectsV2 lists every key in order with KeyCount', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: B }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), KEYS);
    assert.equal(out.KeyCount, KEYS.length);
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Contents?.[0]?.Owner, undefined, 'no owner without fetch-owner');
  });

  test('prefix narrows the listing', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'b/' }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), ['b/1.txt', 'b/2.txt', 'b/c/3.txt']);
  });

  test('a delimiter groups keys into CommonPrefixes', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: B, Delimiter: '/' }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), ['a.txt', 'e space+plus.txt', 'z.txt']);
    assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix), ['b/', 'd/']);
    assert.equal(out.KeyCount, 5);
  });

  test('prefix and delimiter together list one level', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'b/', Delimiter: '/' }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), ['b/1.txt', 'b/2.txt']);
    assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix), ['b/c/']);
  });

  test('max-keys and continuation tokens page through everything once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 2, Delimiter: '/', ContinuationToken: token }));
      seen.push(...(out.Contents ?? []).map((c) => c.Key!), ...(out.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = out.NextContinuationToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), ['a.txt', 'b/', 'd/', 'e space+plus.txt', 'z.txt'].sort());
  });

  test('start-after skips keys up to and including it', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: B, StartAfter: 'b/2.txt' }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), ['b/c/3.txt', 'd/4.txt', 'e space+plus.txt', 'z.txt']);
  });

  test('fetch-owner adds each object owner', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: B, FetchOwner: true, MaxKeys: 1 }));
    assert.match(out.Contents?.[0]?.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
  });

  test('encoding-type=url %-encodes keys (the JS SDK hands them over as sent)', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'e', EncodingType: 'url' }));
    assert.equal(out.EncodingType, 'url');
    assert.deepEqual(out.Contents?.map((c) => c.Key), ['e%20space%2Bplus.txt']);
  });

  test('AWS CLI: list-objects-v2 asks for url encoding and decodes the keys back', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await aws(running, ['s3api', 'list-objects-v2', '--bucket', B, '--prefix', 'e']);
    assert.deepEqual((r.json?.Contents as Array<{ Key: string }>).map((c) => c.Key), ['e space+plus.txt']);
  });

  test('an unknown encoding-type is InvalidArgument', async () => {
    const f = await failure(s3.send(new ListObjectsV2Command({ Bucket: B, EncodingType: 'base64' as never })));
    assert.equal(f.code, 'InvalidArgument');
    assert.equal(f.message, 'Invalid Encoding Method specified in Request');
  });

  test('a made-up continuation token is InvalidArgument', async () => {
    const f = await failure(s3.send(new ListObjectsV2Command({ Bucket: B, ContinuationToken: 'bm9wZQ==' })));
    assert.equal(f.code, 'InvalidArgument');
    assert.equal(f.message, 'The continuation token provided is incorrect');
  });

  test('ListObjects (V1) pages with marker and NextMarker and shows owners', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: B, MaxKeys: 2, Delimiter: '/' }));
    assert.deepEqual(first.Contents?.map((c) => c.Key), ['a.txt']);
    assert.deepEqual(first.CommonPrefixes?.map((p) => p.Prefix), ['b/']);
    assert.equal(first.IsTruncated, true);
    assert.equal(first.NextMarker, 'b/');
    assert.ok(first.Contents?.[0]?.Owner?.ID);
    const second = await s3.send(new ListObjectsCommand({ Bucket: B, MaxKeys: 2, Delimiter: '/', Marker: first.NextMarker }));
    assert.deepEqual(second.CommonPrefixes?.map((p) => p.Prefix), ['d/']);
    assert.deepEqual(second.Contents?.map((c) => c.Key), ['e space+plus.txt']);
  });

  test('listing needs s3:ListBucket; a prefix condition can narrow it', async () => {
    const user = await userWithKey(running, 'lists-b-only', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${B}`, Condition: { StringLike: { 's3:prefix': 'b/*' } } }],
    });
    const c = s3As(running, user);
    assert.equal((await c.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'b/' }))).KeyCount, 3);
    const f = await failure(c.send(new ListObjectsV2Command({ Bucket: B })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.message, `User: ${user.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${B}" because no identity-based policy allows the s3:ListBucket action`);
  });

  test('AWS CLI: s3 ls and s3api list-objects-v2 --prefix --delimiter', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const ls = await aws(running, ['s3', 'ls', `s3://${B}/b/`]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.match(ls.stdout, /PRE c\//);
    assert.match(ls.stdout, /1\.txt/);
    const api = await aws(running, ['s3api', 'list-objects-v2', '--bucket', B, '--delimiter', '/']);
    assert.deepEqual((api.json?.CommonPrefixes as Array<{ Prefix: string }>).map((p) => p.Prefix), ['b/', 'd/']);
  });
});
