import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketEncryptionCommand, DeleteBucketPolicyCommand, DeleteBucketTaggingCommand, DeletePublicAccessBlockCommand,
  GetBucketAclCommand, GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand, GetBucketTaggingCommand,
  GetBucketVersioningCommand, GetPublicAccessBlockCommand, PutBucketAclCommand, PutBucketEncryptionCommand, PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand, PutBucketTaggingCommand, PutBucketVersioningCommand, PutObjectCommand, PutPublicAccessBlockCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { anonymous, aws, failure, s3As, userWithKey } from './helpers.js';

const publicRead = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
  });

describe('S3 bucket configuration', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  let cliMissing: string | false;
  let n = 0;
  const bucket = async (): Promise<string> => {
    const name = `config-bucket-${++n}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  };
  const openUp = (b: string) =>
    s3.send(new PutPublicAccessBlockCommand({
      Bucket: b,
      PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    }));

  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
    cliMissing = await awsCliMissing();
  });
  after(() => running.stop());

  test('a new bucket blocks all public access', async () => {
    const b = await bucket();
    const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket: b }));
    assert.deepEqual(out.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  });

  test('DeletePublicAccessBlock leaves NoSuchPublicAccessBlockConfiguration (404)', async () => {
    const b = await bucket();
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: b }));
    const f = await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: b })));
    assert.equal(f.code, 'NoSuchPublicAccessBlockConfiguration');
    assert.equal(f.message, 'The public access block configuration was not found');
    assert.equal(f.status, 404);
  });

  test('a public bucket policy is refused while BlockPublicPolicy is on', async () => {
    const b = await bucket();
    const f = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: publicRead(b) })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.status, 403);
    assert.equal(
      f.message,
      `User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${b}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
    );
  });

  test('a policy naming a principal is not public and is accepted while public access is blocked', async () => {
    const b = await bucket();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy }));
    const status = await s3.send(new GetBucketPolicyStatusCommand({ Bucket: b }));
    assert.equal(status.PolicyStatus?.IsPublic, false);
  });

  test('a Principal "*" limited by aws:SourceArn is not public', async () => {
    const b = await bucket();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${b}/*`,
        Condition: { StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:000000000000:trail/t' } },
      }],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy }));
    assert.equal((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: b }))).PolicyStatus?.IsPublic, false);
  });

  test('with public access unblocked a public policy is stored as sent and reported public', async () => {
    const b = await bucket();
    await openUp(b);
    const policy = publicRead(b);
    const put = await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: b }))).Policy, policy);
    assert.equal((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: b }))).PolicyStatus?.IsPublic, true);
  });

  test('GetBucketPolicy without a policy is NoSuchBucketPolicy (404); DeleteBucketPolicy is idempotent', async () => {
    const b = await bucket();
    const f = await failure(s3.send(new GetBucketPolicyCommand({ Bucket: b })));
    assert.equal(f.code, 'NoSuchBucketPolicy');
    assert.equal(f.message, 'The bucket policy does not exist');
    assert.equal(f.status, 404);
    const del = await s3.send(new DeleteBucketPolicyCommand({ Bucket: b }));
    assert.equal(del.$metadata.httpStatusCode, 204);
  });

  test("a policy that is not JSON is MalformedPolicy \"Policies must be valid JSON and the first byte must be '{'\"", async () => {
    const b = await bucket();
    for (const policy of ['invalid json', '[]']) {
      const f = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy })));
      assert.equal(f.code, 'MalformedPolicy');
      assert.equal(f.message, "Policies must be valid JSON and the first byte must be '{'");
      assert.equal(f.status, 400);
    }
  });

  test('a policy without Statement is MalformedPolicy "Missing required field Statement"', async () => {
    const b = await bucket();
    const f = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: '{}' })));
    assert.equal(f.code, 'MalformedPolicy');
    assert.equal(f.message, 'Missing required field Statement');
  });

  test('a principal that does not exist is MalformedPolicy "Invalid principal in policy"', async () => {
    const b = await bucket();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/nobody' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }],
    });
    const f = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy })));
    assert.equal(f.message, 'Invalid principal in policy');
  });

  test('a resource outside the bucket is MalformedPolicy "Policy has invalid resource"', async () => {
    const b = await bucket();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::some-other-bucket/*' }],
    });
    const f = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy })));
    assert.equal(f.message, 'Policy has invalid resource');
  });

  test('an object action on the bucket ARN is MalformedPolicy "Action does not apply to any resource(s) in statement"', async () => {
    const b = await bucket();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}` }],
    });
    const f = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy })));
    assert.equal(f.message, 'Action does not apply to any resource(s) in statement');
  });

  test('default encryption is SSE-S3 with BucketKeyEnabled false', async () => {
    const b = await bucket();
    const out = await s3.send(new GetBucketEncryptionCommand({ Bucket: b }));
    assert.deepEqual(out.ServerSideEncryptionConfiguration?.Rules, [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }]);
  });

  test('PutBucketEncryption with SSE-KMS keeps the key id as given and the bucket key; Delete reverts to SSE-S3', async () => {
    const b = await bucket();
    await s3.send(new PutBucketEncryptionCommand({
      Bucket: b,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/myFirstKey' }, BucketKeyEnabled: true }] },
    }));
    const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: b }));
    assert.deepEqual(got.ServerSideEncryptionConfiguration?.Rules, [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/myFirstKey' }, BucketKeyEnabled: true },
    ]);
    const del = await s3.send(new DeleteBucketEncryptionCommand({ Bucket: b }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    const after = await s3.send(new GetBucketEncryptionCommand({ Bucket: b }));
    assert.equal(after.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
  });

  test('a KMSMasterKeyID with AES256 is InvalidArgument', async () => {
    const b = await bucket();
    const f = await failure(s3.send(new PutBucketEncryptionCommand({
      Bucket: b,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'some-key' } }] },
    })));
    assert.equal(f.code, 'InvalidArgument');
    assert.equal(f.message, 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse');
    assert.equal(f.raw.ArgumentName, 'ApplyServerSideEncryptionByDefault');
  });

  test('two encryption rules are MalformedXML', async () => {
    const b = await bucket();
    const rule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } };
    const f = await failure(s3.send(new PutBucketEncryptionCommand({ Bucket: b, ServerSideEncryptionConfiguration: { Rules: [rule, rule] } })));
    assert.equal(f.code, 'MalformedXML');
    assert.equal(f.message, 'The XML you provided was not well-formed or did not validate against our published schema');
  });

  test('versioning starts unset, then Enabled, then Suspended', async () => {
    const b = await bucket();
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, undefined);
    await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Enabled');
    await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Suspended');
  });

  test('a versioning configuration without Status is IllegalVersioningConfigurationException', async () => {
    const b = await bucket();
    const f = await failure(s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: {} })));
    assert.equal(f.code, 'IllegalVersioningConfigurationException');
    assert.equal(f.message, 'The Versioning element must be specified');
  });

  test('GetBucketAcl shows the owner with FULL_CONTROL', async () => {
    const b = await bucket();
    const out = await s3.send(new GetBucketAclCommand({ Bucket: b }));
    assert.equal(out.Grants?.length, 1);
    assert.equal(out.Grants?.[0]?.Permission, 'FULL_CONTROL');
    assert.equal(out.Grants?.[0]?.Grantee?.Type, 'CanonicalUser');
    assert.equal(out.Grants?.[0]?.Grantee?.ID, out.Owner?.ID);
  });

  test('a public canned ACL on a bucket with ACLs disabled is AccessControlListNotSupported', async () => {
    const b = await bucket();
    const f = await failure(s3.send(new PutBucketAclCommand({ Bucket: b, ACL: 'public-read' })));
    assert.equal(f.code, 'AccessControlListNotSupported');
    assert.equal(f.message, 'The bucket does not allow ACLs');
    assert.equal(f.status, 400);
  });

  test('with ACLs disabled a private bucket ACL and a bucket-owner-full-control object ACL are accepted', async () => {
    const b = await bucket();
    assert.equal((await s3.send(new PutBucketAclCommand({ Bucket: b, ACL: 'private' }))).$metadata.httpStatusCode, 200);
    const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'log.json.gz', Body: 'x', ACL: 'bucket-owner-full-control' }));
    assert.equal(put.$metadata.httpStatusCode, 200);
    const f = await failure(s3.send(new PutObjectCommand({ Bucket: b, Key: 'public.txt', Body: 'x', ACL: 'public-read' })));
    assert.equal(f.code, 'AccessControlListNotSupported');
  });

  test('with ACLs enabled and public access unblocked, public-read lets the anonymous caller list the bucket', async () => {
    const b = await bucket();
    await openUp(b);
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: b, OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }));
    assert.equal((await anonymous(running, `/${b}`)).status, 403);
    await s3.send(new PutBucketAclCommand({ Bucket: b, ACL: 'public-read' }));
    const listed = await anonymous(running, `/${b}?list-type=2`);
    assert.equal(listed.status, 200);
    assert.match(listed.text, /<ListBucketResult/);
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: b }));
    assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === 'http://acs.amazonaws.com/groups/global/AllUsers' && g.Permission === 'READ'));
  });

  test('bucket tagging: put, get, delete, then NoSuchTagSet', async () => {
    const b = await bucket();
    await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'lab', Value: 'kms' }] } }));
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet, [{ Key: 'lab', Value: 'kms' }]);
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: b }));
    const f = await failure(s3.send(new GetBucketTaggingCommand({ Bucket: b })));
    assert.equal(f.code, 'NoSuchTagSet');
    assert.equal(f.message, 'The TagSet does not exist');
  });

  test('an aws: bucket tag is InvalidTag "System tags cannot be added/updated by requester"', async () => {
    const b = await bucket();
    const f = await failure(s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'aws:x', Value: 'y' }] } })));
    assert.equal(f.code, 'InvalidTag');
    assert.equal(f.message, 'System tags cannot be added/updated by requester');
  });

  test("a user without s3:PutBucketPolicy gets S3's enhanced AccessDenied message", async () => {
    const b = await bucket();
    const user = await userWithKey(running, 'no-policy-rights', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetBucketPolicy', Resource: '*' }] });
    const f = await failure(s3As(running, user).send(new PutBucketPolicyCommand({ Bucket: b, Policy: publicRead(b) })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.message, `User: ${user.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${b}" because no identity-based policy allows the s3:PutBucketPolicy action`);
  });

  test('AWS CLI: put-bucket-policy with a public policy prints the BlockPublicPolicy refusal', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const b = await bucket();
    const r = await aws(running, ['s3api', 'put-bucket-policy', '--bucket', b, '--policy', publicRead(b)]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /An error occurred \(AccessDenied\) when calling the PutBucketPolicy operation: .*because public policies are blocked by the BlockPublicPolicy block public access setting\./);
  });

  test('AWS CLI: get-public-access-block and put-bucket-encryption', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const b = await bucket();
    const pab = await aws(running, ['s3api', 'get-public-access-block', '--bucket', b]);
    assert.equal((pab.json?.PublicAccessBlockConfiguration as Record<string, boolean>).BlockPublicPolicy, true);
    const enc = await aws(running, [
      's3api', 'put-bucket-encryption', '--bucket', b, '--server-side-encryption-configuration',
      '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/myFirstKey"},"BucketKeyEnabled":true}]}',
    ]);
    assert.equal(enc.status, 0, enc.stderr);
    const got = await aws(running, ['s3api', 'get-bucket-encryption', '--bucket', b]);
    assert.deepEqual(got.json?.ServerSideEncryptionConfiguration, {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/myFirstKey' }, BucketKeyEnabled: true }],
    });
  });
});
