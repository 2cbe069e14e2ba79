import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, allowing, anonymous, cloudtrail, decide, doc, root, session, user } from './fixtures.js';
import type { Scenario } from './fixtures.js';
import type { PolicyDocument } from '../../emulator/policy/types.js';

/**
 * S3 bucket policies (mode 'standard'): within the account either side may grant; across accounts both
 * must (IAM User Guide, reference_policies_evaluation-logic-cross-account.html).
 */
const BUCKET = 'arn:aws:s3:::lab-bucket';
const OBJECT = `${BUCKET}/reports/2026.csv`;
const alice = user(A, 'alice');
const carol = user(B, 'carol');

const s3 = (over: Partial<Scenario> & Pick<Scenario, 'principal'>): Scenario => ({
  action: 's3:GetObject',
  resource: OBJECT,
  resourceAccount: A,
  mode: 'standard',
  ...over,
});

const bucketPolicy = (principal: unknown, extra: object = {}): PolicyDocument =>
  doc({ Sid: 'Read', Effect: 'Allow', Principal: principal as '*', Action: 's3:GetObject', Resource: `${BUCKET}/*`, ...extra });

describe('same account', () => {
  test('an identity allow is enough without a bucket policy', () => {
    assert.equal(decide(s3({ principal: alice, identity: [allowing('s3:GetObject', `${BUCKET}/*`)] })).allowed, true);
  });

  test('a bucket policy naming the user is enough without an identity policy', () => {
    const d = decide(s3({ principal: alice, resourcePolicy: bucketPolicy({ AWS: alice.arn }) }));
    assert.equal(d.allowed, true);
    assert.deepEqual(d.deciding, [{ policyType: 'resource-based', sid: 'Read', index: 0 }]);
  });

  test('a bucket policy naming only the account delegates to IAM and grants the user nothing', () => {
    const d = decide(s3({ principal: alice, resourcePolicy: bucketPolicy({ AWS: `arn:aws:iam::${A}:root` }) }));
    assert.equal(d.allowed, false);
    assert.equal(d.reason, 'because no identity-based policy allows the s3:GetObject action');
  });

  test('a bucket policy naming the account grants the root user', () => {
    assert.equal(decide(s3({ principal: root(A), resourcePolicy: bucketPolicy({ AWS: A }) })).allowed, true);
  });

  test('neither side allowing is reported as "no identity-based policy allows"', () => {
    assert.equal(decide(s3({ principal: alice })).deniedBy, 'identity-based');
  });

  test('a bucket-policy Deny beats the identity allow', () => {
    const policy = doc({ Sid: 'NoReports', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${BUCKET}/reports/*` });
    const d = decide(s3({ principal: alice, identity: [allowing('s3:*')], resourcePolicy: policy }));
    assert.equal(d.reason, 'with an explicit deny in a resource-based policy');
  });
});

describe('cross account', () => {
  test('bucket policy naming account B plus carol\'s IAM allow: allowed', () => {
    const d = decide(s3({ principal: carol, identity: [allowing('s3:GetObject')], resourcePolicy: bucketPolicy({ AWS: B }) }));
    assert.equal(d.allowed, true);
  });

  test('bucket policy naming carol without her IAM allow: "no identity-based policy allows"', () => {
    assert.equal(decide(s3({ principal: carol, resourcePolicy: bucketPolicy({ AWS: carol.arn }) })).deniedBy, 'identity-based');
  });

  test('IAM allow without a bucket policy: "no resource-based policy allows"', () => {
    const d = decide(s3({ principal: carol, identity: [allowing('s3:*')] }));
    assert.equal(d.reason, 'because no resource-based policy allows the s3:GetObject action');
  });

  test('an assumed role of account B is covered by its role ARN in the bucket policy', () => {
    const reader = session(B, 'Reader', 'job-42');
    const d = decide(s3({ principal: reader, identity: [allowing('s3:GetObject')], resourcePolicy: bucketPolicy({ AWS: reader.role!.arn }) }));
    assert.equal(d.allowed, true);
  });
});

describe('anonymous callers', () => {
  test('are allowed by Principal "*"', () => {
    assert.equal(decide(s3({ principal: anonymous, resourcePolicy: bucketPolicy('*') })).allowed, true);
  });

  test('are allowed by {"AWS": "*"}', () => {
    assert.equal(decide(s3({ principal: anonymous, resourcePolicy: bucketPolicy({ AWS: '*' }) })).allowed, true);
  });

  test('are not allowed by a statement naming the account', () => {
    const d = decide(s3({ principal: anonymous, resourcePolicy: bucketPolicy({ AWS: A }) }));
    assert.equal(d.allowed, false);
    assert.equal(d.deniedBy, 'resource-based');
  });

  test('are denied without a bucket policy, identity policies being irrelevant to them', () => {
    assert.equal(decide(s3({ principal: anonymous, identity: [allowing('s3:*')] })).allowed, false);
  });
});

describe('service principals (CloudTrail delivering logs)', () => {
  const trailPolicy = doc(
    { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: BUCKET },
    {
      Sid: 'AWSCloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${BUCKET}/AWSLogs/${A}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': A } },
    },
  );

  test('CloudTrail may write its log files under AWSLogs/<account>/', () => {
    const d = decide(s3({
      principal: cloudtrail,
      action: 's3:PutObject',
      resource: `${BUCKET}/AWSLogs/${A}/CloudTrail/us-east-1/2026/03/01/file.json.gz`,
      resourcePolicy: trailPolicy,
      context: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': A },
    }));
    assert.equal(d.allowed, true);
    assert.deepEqual(d.deciding, [{ policyType: 'resource-based', sid: 'AWSCloudTrailWrite', index: 1 }]);
  });

  test('CloudTrail may not write elsewhere in the bucket', () => {
    assert.equal(decide(s3({ principal: cloudtrail, action: 's3:PutObject', resource: `${BUCKET}/other/file`, resourcePolicy: trailPolicy })).allowed, false);
  });

  test('the service name matches case-insensitively', () => {
    assert.equal(decide(s3({ principal: cloudtrail, action: 's3:GetBucketAcl', resource: BUCKET, resourcePolicy: doc({ Effect: 'Allow', Principal: { Service: 'CloudTrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: BUCKET }) })).allowed, true);
  });

  test('a user-ARN statement does not admit a service principal', () => {
    assert.equal(decide(s3({ principal: cloudtrail, resourcePolicy: bucketPolicy({ AWS: alice.arn }) })).allowed, false);
  });
});
