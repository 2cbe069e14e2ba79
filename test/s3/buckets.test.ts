import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketCommand, GetBucketLocationCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { aws, failure, newAccount, s3As, virtualHostS3 } from './helpers.js';

describe('S3 buckets', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let cliMissing: string | false;
  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    cliMissing = await awsCliMissing();
  });
  after(() => running.stop());

  test('CreateBucket in us-east-1 answers Location /bucket', async () => {
    const out = await s3.send(new CreateBucketCommand({ Bucket: 'created-bucket' }));
    assert.equal(out.Location, '/created-bucket');
  });

  test('an upper-case bucket name is InvalidBucketName', async () => {
    const f = await failure(s3.send(new CreateBucketCommand({ Bucket: 'Not-Valid' })));
    assert.equal(f.code, 'InvalidBucketName');
    assert.equal(f.message, 'The specified bucket is not valid.');
    assert.equal(f.status, 400);
    assert.equal(f.raw.BucketName, 'Not-Valid');
  });

  test('bucket names shaped like an IP address, with adjacent dots or a reserved prefix are refused', async () => {
    for (const name of ['192.168.5.4', 'a..b', 'xn--bucket', 'sthree-bucket', 'ab', 'bucket-s3alias']) {
      const f = await failure(s3.send(new CreateBucketCommand({ Bucket: name })));
      assert.equal(f.code, 'InvalidBucketName', name);
    }
  });

  test('re-creating your own us-east-1 bucket succeeds (S3 legacy behaviour)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'twice-in-us-east-1' }));
    const out = await s3.send(new CreateBucketCommand({ Bucket: 'twice-in-us-east-1' }));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  test('re-creating your own bucket elsewhere is BucketAlreadyOwnedByYou (409)', async () => {
    const west = s3As(running, undefined, 'us-west-2');
    await west.send(new CreateBucketCommand({ Bucket: 'mine-in-west', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    const f = await failure(west.send(new CreateBucketCommand({ Bucket: 'mine-in-west', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } })));
    assert.equal(f.code, 'BucketAlreadyOwnedByYou');
    assert.equal(f.message, 'Your previous request to create the named bucket succeeded and you already own it.');
    assert.equal(f.status, 409);
  });

  test("another account's bucket name is BucketAlreadyExists (409)", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'taken-by-someone' }));
    const other = await newAccount(running);
    const f = await failure(s3As(running, other.root).send(new CreateBucketCommand({ Bucket: 'taken-by-someone' })));
    assert.equal(f.code, 'BucketAlreadyExists');
    assert.equal(
      f.message,
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
    );
    assert.equal(f.status, 409);
  });

  test('a LocationConstraint another regional endpoint does not serve is IllegalLocationConstraintException', async () => {
    const west = s3As(running, undefined, 'us-west-2');
    const f = await failure(west.send(new CreateBucketCommand({ Bucket: 'wrong-region-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })));
    assert.equal(f.code, 'IllegalLocationConstraintException');
    assert.equal(f.message, 'The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.');
  });

  test('AWS CLI: create-bucket outside us-east-1 without a LocationConstraint is the "unspecified" IllegalLocationConstraintException', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await aws(running, ['s3api', 'create-bucket', '--bucket', 'unspecified-west', '--region', 'us-west-2']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /IllegalLocationConstraintException/);
    assert.match(r.stderr, /The unspecified location constraint is incompatible for the region specific endpoint this request was sent to\./);
  });

  test('GetBucketLocation is empty for us-east-1 and the region elsewhere', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'located-east' }));
    const east = await s3.send(new GetBucketLocationCommand({ Bucket: 'located-east' }));
    assert.equal(east.LocationConstraint, undefined);
    const euClient = s3As(running, undefined, 'eu-west-1');
    await euClient.send(new CreateBucketCommand({ Bucket: 'located-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const eu = await euClient.send(new GetBucketLocationCommand({ Bucket: 'located-eu' }));
    assert.equal(eu.LocationConstraint, 'eu-west-1');
  });

  test('HeadBucket on a missing bucket is a bodiless 404', async () => {
    const f = await failure(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-here' })));
    assert.equal(f.status, 404);
  });

  test('HeadBucket answers the bucket region', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'head-me' }));
    const out = await s3.send(new HeadBucketCommand({ Bucket: 'head-me' }));
    assert.equal(out.BucketRegion, 'us-east-1');
  });

  test('a request signed for the wrong region is AuthorizationHeaderMalformed naming the right one', async () => {
    const euClient = s3As(running, undefined, 'eu-west-1');
    await euClient.send(new CreateBucketCommand({ Bucket: 'lives-in-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const f = await failure(s3.send(new PutObjectCommand({ Bucket: 'lives-in-eu', Key: 'k', Body: 'x' })));
    assert.equal(f.code, 'AuthorizationHeaderMalformed');
    assert.equal(f.message, "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'");
    assert.equal(f.raw.Region, 'eu-west-1');
  });

  test('DeleteBucket on a bucket with objects is BucketNotEmpty (409)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'full-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'full-bucket', Key: 'k', Body: 'x' }));
    const f = await failure(s3.send(new DeleteBucketCommand({ Bucket: 'full-bucket' })));
    assert.equal(f.code, 'BucketNotEmpty');
    assert.equal(f.message, 'The bucket you tried to delete is not empty');
    assert.equal(f.status, 409);
  });

  test('DeleteBucket removes an empty bucket (204), then NoSuchBucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
    const out = await s3.send(new DeleteBucketCommand({ Bucket: 'short-lived' }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    const f = await failure(s3.send(new DeleteBucketCommand({ Bucket: 'short-lived' })));
    assert.equal(f.code, 'NoSuchBucket');
    assert.equal(f.message, 'The specified bucket does not exist');
  });

  test("ListBuckets lists only the caller's buckets, with region and ARN", async () => {
    const other = await newAccount(running);
    const theirs = s3As(running, other.root);
    await theirs.send(new CreateBucketCommand({ Bucket: 'their-own-bucket' }));
    const out = await theirs.send(new ListBucketsCommand({}));
    assert.deepEqual(out.Buckets?.map((b) => b.Name), ['their-own-bucket']);
    assert.equal(out.Buckets?.[0]?.BucketRegion, 'us-east-1');
    assert.equal(out.Buckets?.[0]?.BucketArn, 'arn:aws:s3:::their-own-bucket');
    assert.match(out.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
  });

  test('ListBuckets pages with max-buckets and continuation token', async () => {
    const other = await newAccount(running);
    const c = s3As(running, other.root);
    for (const b of ['page-a-bucket', 'page-b-bucket', 'page-c-bucket']) await c.send(new CreateBucketCommand({ Bucket: b }));
    const first = await c.send(new ListBucketsCommand({ MaxBuckets: 2 }));
    assert.deepEqual(first.Buckets?.map((b) => b.Name), ['page-a-bucket', 'page-b-bucket']);
    assert.ok(first.ContinuationToken);
    const second = await c.send(new ListBucketsCommand({ MaxBuckets: 2, ContinuationToken: first.ContinuationToken }));
    assert.deepEqual(second.Buckets?.map((b) => b.Name), ['page-c-bucket']);
  });

  test('virtual-host style bucket.localhost reaches the same bucket', async () => {
    const vh = virtualHostS3(running);
    await vh.send(new CreateBucketCommand({ Bucket: 'virtual-bucket' }));
    await vh.send(new PutObjectCommand({ Bucket: 'virtual-bucket', Key: 'via/host.txt', Body: 'hi' }));
    const listed = await s3.send(new ListBucketsCommand({}));
    assert.ok(listed.Buckets?.some((b) => b.Name === 'virtual-bucket'));
  });

  test('virtual-host style bucket.s3.localhost.localstack.cloud reaches the bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'ls-style-bucket' }));
    const vh = virtualHostS3(running, undefined, 's3.localhost.localstack.cloud');
    const out = await vh.send(new HeadBucketCommand({ Bucket: 'ls-style-bucket' }));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  test('AWS CLI: s3api create-bucket, list-buckets and s3 rb', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const made = await aws(running, ['s3api', 'create-bucket', '--bucket', 'cli-made-bucket']);
    assert.equal(made.status, 0, made.stderr);
    assert.equal(made.json?.Location, '/cli-made-bucket');
    const list = await aws(running, ['s3api', 'list-buckets']);
    assert.ok((list.json?.Buckets as Array<{ Name: string }>).some((b) => b.Name === 'cli-made-bucket'));
    const rb = await aws(running, ['s3', 'rb', 's3://cli-made-bucket']);
    assert.equal(rb.status, 0, rb.stderr);
  });

  test('AWS CLI: create-bucket with a bad name prints InvalidBucketName', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await aws(running, ['s3api', 'create-bucket', '--bucket', 'Bad_Name']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /InvalidBucketName/);
    assert.match(r.stderr, /The specified bucket is not valid\./);
  });
});
