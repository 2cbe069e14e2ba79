import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { RunningEmulator } from '../../emulator/server.js';
import { clientConfig, freshEmulator, type Creds } from '../helpers/emulator.js';
import { allow, failure, iamAs, labKey, newAccount, s3As, userWithKey, xmlError } from './helpers.js';

/** Bucket policies and identity policies together, as S3 evaluates them. */
describe('S3 authorization', () => {
  let running: RunningEmulator;
  let s3: S3Client;
  before(async () => {
    running = await freshEmulator();
    s3 = s3As(running);
  });
  after(() => running.stop());

  test('a bucket policy can require SSE-KMS on upload (s3:x-amz-server-side-encryption), with an explicit deny', async () => {
    const b = 'kms-required-bucket';
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutBucketPolicyCommand({
      Bucket: b,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'DenyUnencrypted', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${b}/*`,
          Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        }],
      }),
    }));
    const key = await labKey(running);
    const user = await userWithKey(running, 'uploader', allow(['s3:*', 'kms:GenerateDataKey', 'kms:Decrypt']));
    const c = s3As(running, user);
    const f = await failure(c.send(new PutObjectCommand({ Bucket: b, Key: 'plain', Body: 'x' })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.message, `User: ${user.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${b}/plain" with an explicit deny in a resource-based policy`);
    const ok = await c.send(new PutObjectCommand({ Bucket: b, Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.alias }));
    assert.equal(ok.SSEKMSKeyId, key.arn);
  });

  test('an explicit deny in an identity policy wins over the bucket owner allow', async () => {
    const b = 'identity-deny-bucket';
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    const user = await userWithKey(running, 'denied-reader', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }],
    });
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
    const f = await failure(s3As(running, user).send(new GetObjectCommand({ Bucket: b, Key: 'k' })));
    assert.equal(f.message, `User: ${user.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${b}/k" with an explicit deny in an identity-based policy`);
  });

  test('cross-account access needs the bucket policy and the caller\'s own IAM allow; refusals are a generic "Access Denied"', async () => {
    const b = 'shared-across-accounts';
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'shared.txt', Body: 'across' }));
    const other = await newAccount(running);
    const reader = await userWithKey(running, 'cross-reader', allow('s3:GetObject'), other.root);
    const c = s3As(running, reader);
    const before = await failure(c.send(new GetObjectCommand({ Bucket: b, Key: 'shared.txt' })));
    assert.equal(before.code, 'AccessDenied');
    assert.equal(before.message, 'Access Denied');
    await s3.send(new PutBucketPolicyCommand({
      Bucket: b,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other.accountId}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }],
      }),
    }));
    const got = await c.send(new GetObjectCommand({ Bucket: b, Key: 'shared.txt' }));
    assert.equal(await got.Body!.transformToString(), 'across');
    const noIam = await userWithKey(running, 'cross-no-iam', undefined, other.root);
    assert.equal((await failure(s3As(running, noIam).send(new GetObjectCommand({ Bucket: b, Key: 'shared.txt' })))).message, 'Access Denied');
  });

  test('a Deny on aws:SecureTransport false refuses every request to this plain-HTTP endpoint', async () => {
    const b = 'tls-only-bucket';
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
    await s3.send(new PutBucketPolicyCommand({
      Bucket: b,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
      }),
    }));
    const user = await userWithKey(running, 'tls-reader', allow('s3:*'));
    const f = await failure(s3As(running, user).send(new GetObjectCommand({ Bucket: b, Key: 'k' })));
    assert.equal(f.code, 'AccessDenied');
    assert.match(f.message, /with an explicit deny in a resource-based policy$/);
  });

  test('a presigned URL made with assumed-role credentials reads as the role session', async () => {
    const b = 'role-presign-bucket';
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'report.csv', Body: 'a,b\n1,2\n' }));
    const iam = iamAs(running);
    // AWS refuses AssumeRole by a root user ("Roles may not be assumed by root accounts."): a user assumes it.
    const assumer = await userWithKey(running, 'role-assumer', allow('sts:AssumeRole'));
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: assumer.arn }, Action: 'sts:AssumeRole' }] });
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'report-reader', AssumeRolePolicyDocument: trust }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'report-reader', PolicyName: 'read', PolicyDocument: JSON.stringify(allow('s3:GetObject', `arn:aws:s3:::${b}/*`)) }));
    const sts = new STSClient(clientConfig(running, assumer));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'presigner' }));
    const session: Creds = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const roleS3 = s3As(running, session);
    const url = await getSignedUrl(roleS3, new GetObjectCommand({ Bucket: b, Key: 'report.csv' }), { expiresIn: 600 });
    assert.match(url, /X-Amz-Security-Token=/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'a,b\n1,2\n');
    const putUrl = await getSignedUrl(roleS3, new PutObjectCommand({ Bucket: b, Key: 'report.csv' }), { expiresIn: 600 });
    const denied = await fetch(putUrl, { method: 'PUT', body: 'overwrite' });
    assert.equal(denied.status, 403);
    assert.equal(
      xmlError(await denied.text()).Message,
      `User: arn:aws:sts::000000000000:assumed-role/report-reader/presigner is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${b}/report.csv" because no identity-based policy allows the s3:PutObject action`,
    );
  });
});
