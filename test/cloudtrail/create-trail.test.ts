import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTrailCommand, DescribeTrailsCommand, GetTrailCommand } from '@aws-sdk/client-cloudtrail';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { ACCOUNT, aws, cloudTrailBucketPolicy, ctAs, failure, s3As, trailBucket } from './support.js';

const noCli = await awsCliMissing();

describe('CreateTrail', () => {
  let r: RunningEmulator;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
  });
  after(() => r.stop());

  it('refuses a bucket without a bucket policy for CloudTrail: InsufficientS3BucketPolicyException', async () => {
    await trailBucket(r, 'no-policy-bucket', false);
    const f = await failure(ctAs(r).send(new CreateTrailCommand({ Name: 'lab-trail', S3BucketName: 'no-policy-bucket' })));
    assert.deepEqual(f, { code: 'InsufficientS3BucketPolicyException', message: 'Incorrect S3 bucket policy is detected for bucket: no-policy-bucket', status: 400 });
  });

  it('refuses, through the AWS CLI, a bucket whose policy lacks the PutObject statement', { skip: noCli }, async () => {
    await trailBucket(r, 'acl-only-bucket', false);
    const aclOnly = JSON.parse(cloudTrailBucketPolicy('acl-only-bucket')) as { Statement: unknown[] };
    aclOnly.Statement = aclOnly.Statement.slice(0, 1);
    await s3As(r).send(new PutBucketPolicyCommand({ Bucket: 'acl-only-bucket', Policy: JSON.stringify(aclOnly) }));
    const out = await aws(r, ['cloudtrail', 'create-trail', '--name', 'cli-trail', '--s3-bucket-name', 'acl-only-bucket']);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /An error occurred \(InsufficientS3BucketPolicyException\) when calling the CreateTrail operation: Incorrect S3 bucket policy is detected for bucket: acl-only-bucket/);
  });

  it('refuses a bucket policy written for another account', async () => {
    await trailBucket(r, 'other-account-bucket', false);
    await s3As(r).send(new PutBucketPolicyCommand({ Bucket: 'other-account-bucket', Policy: cloudTrailBucketPolicy('other-account-bucket', '999999999999') }));
    const f = await failure(ctAs(r).send(new CreateTrailCommand({ Name: 'wrong-account', S3BucketName: 'other-account-bucket' })));
    assert.equal(f.code, 'InsufficientS3BucketPolicyException');
  });

  it('accepts the documented bucket policy and describes the trail', async () => {
    await trailBucket(r, 'good-bucket');
    const t = await ctAs(r).send(new CreateTrailCommand({ Name: 'good-trail', S3BucketName: 'good-bucket', IsMultiRegionTrail: true, EnableLogFileValidation: true,
      TagsList: [{ Key: 'lab', Value: 'kms' }] }));
    assert.equal(t.TrailARN, `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/good-trail`);
    assert.equal(t.LogFileValidationEnabled, true);
    const { Trail } = await ctAs(r).send(new GetTrailCommand({ Name: 'good-trail' }));
    assert.deepEqual({ ...Trail }, {
      Name: 'good-trail', S3BucketName: 'good-bucket', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: true, HomeRegion: 'us-east-1',
      TrailARN: t.TrailARN, LogFileValidationEnabled: true, HasCustomEventSelectors: false, HasInsightSelectors: false, IsOrganizationTrail: false,
    });
    // A multi-Region trail is visible ("shadow trail") from other Regions.
    const west = await ctAs(r, undefined, 'us-west-2').send(new DescribeTrailsCommand({}));
    assert.deepEqual(west.trailList?.map((x) => x.TrailARN), [t.TrailARN]);
  });

  it('refuses a bucket that does not exist: S3BucketDoesNotExistException', async () => {
    const f = await failure(ctAs(r).send(new CreateTrailCommand({ Name: 'nowhere', S3BucketName: 'no-such-bucket-here' })));
    assert.equal(f.code, 'S3BucketDoesNotExistException');
    assert.equal(f.status, 400);
  });

  it('refuses a second trail of the same name: TrailAlreadyExistsException', async () => {
    await trailBucket(r, 'twice-bucket');
    await ctAs(r).send(new CreateTrailCommand({ Name: 'twice', S3BucketName: 'twice-bucket' }));
    const f = await failure(ctAs(r).send(new CreateTrailCommand({ Name: 'twice', S3BucketName: 'twice-bucket' })));
    assert.deepEqual(f, { code: 'TrailAlreadyExistsException', message: `Trail twice already exists for customer: ${ACCOUNT}`, status: 400 });
  });

  it('enforces the trail name rules: InvalidTrailNameException', async () => {
    const bad = async (name: string) => (await failure(ctAs(r).send(new CreateTrailCommand({ Name: name, S3BucketName: 'good-bucket' }))));
    assert.deepEqual(await bad('ab'), { code: 'InvalidTrailNameException', status: 400,
      message: 'Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters.' });
    assert.equal((await bad('-lab')).message, 'Trail name must starts with a letter or number.');
    assert.equal((await bad('my--trail')).code, 'InvalidTrailNameException');
    assert.equal((await bad('my trail')).code, 'InvalidTrailNameException');
    assert.equal((await bad('192.168.5.4')).code, 'InvalidTrailNameException');
  });
});
