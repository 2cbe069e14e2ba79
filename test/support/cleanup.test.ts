import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTrailCommand, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, GetUserCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadBucketCommand, PutBucketPolicyCommand, PutBucketTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { discover, parseAge, runIdTime, selects } from '../../support/cleanup/index.js';
import { runCleanup } from '../../support/cleanup/run.js';
import { makeClients, type AwsClients } from '../../support/clients.js';
import { RUN_ID_TAG } from '../../support/resources.js';
import type { Connection } from '../../support/targets/types.js';
import { runKmsLab } from '../cli/lab-process.js';

const OURS = '261128t1000-aaaa';
const OTHER = '261128t1000-bbbb';
const conn = (url: string, credentials: { accessKeyId: string; secretAccessKey: string }): Connection => ({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials });

async function key(c: AwsClients, runId?: string, alias?: string): Promise<string> {
  const k = await c.kms.send(new CreateKeyCommand({ Tags: runId ? [{ TagKey: RUN_ID_TAG, TagValue: runId }] : [] }));
  if (alias) await c.kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: k.KeyMetadata!.KeyId! }));
  return k.KeyMetadata!.KeyId!;
}
async function bucket(c: AwsClients, name: string, runId?: string): Promise<string> {
  await c.s3.send(new CreateBucketCommand({ Bucket: name }));
  if (runId) await c.s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: RUN_ID_TAG, Value: runId }] } }));
  await c.s3.send(new PutObjectCommand({ Bucket: name, Key: 'a.txt', Body: 'x' }));
  return name;
}
async function role(c: AwsClients, name: string, runId?: string): Promise<void> {
  await c.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }), Tags: runId ? [{ Key: RUN_ID_TAG, Value: runId }] : [] }));
  await c.iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }));
}
const exists = (p: Promise<unknown>) => p.then(() => true, () => false);
const keyAlive = async (c: AwsClients, id: string) => (await c.kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.KeyState !== 'PendingDeletion';

describe('kms-lab cleanup touches only resources tagged with the chosen run, in the caller\'s account', () => {
  let emulator: RunningEmulator;
  let a: AwsClients;
  let b: AwsClients;
  let bConn: Connection;
  const ids: Record<string, string> = {};
  before(async () => {
    emulator = await startEmulator({ port: 0 });
    a = makeClients(conn(emulator.url, { accessKeyId: 'test', secretAccessKey: 'test' }));
    const acct = (await (await fetch(`${emulator.url}/_emulator/accounts`, { method: 'POST', body: '{}' })).json()) as { accessKeyId: string; secretAccessKey: string };
    bConn = conn(emulator.url, acct);
    b = makeClients(bConn);
    // Account A: this run's resources …
    ids.ourKey = await key(a, OURS, 'alias/ours');
    await bucket(a, `kms-lab-${OURS}-data`, OURS);
    const logs = `kms-lab-${OURS}-data`;
    await a.s3.send(new PutBucketPolicyCommand({ Bucket: logs, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${logs}` },
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${logs}/AWSLogs/000000000000/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
    ] }) }));
    await a.cloudtrail.send(new CreateTrailCommand({ Name: `kms-lab-${OURS}-trail`, S3BucketName: `kms-lab-${OURS}-data`, TagsList: [{ Key: RUN_ID_TAG, Value: OURS }] }));
    await role(a, `kms-lab-${OURS}-student`, OURS);
    await a.iam.send(new CreateUserCommand({ UserName: `kms-lab-${OURS}-runner`, Tags: [{ Key: RUN_ID_TAG, Value: OURS }] }));
    await a.iam.send(new CreateAccessKeyCommand({ UserName: `kms-lab-${OURS}-runner` }));
    // … and foreign ones: untagged, and another run's.
    ids.untaggedKey = await key(a, undefined, 'alias/someone-elses');
    ids.otherKey = await key(a, OTHER);
    await bucket(a, 'customer-data');
    await bucket(a, `kms-lab-${OTHER}-data`, OTHER);
    await role(a, 'production-admin');
    await role(a, `kms-lab-${OTHER}-student`, OTHER);
    // Account B: resources tagged with the same run id.
    ids.bKey = await key(b, OURS);
    await bucket(b, `kms-lab-${OURS}-in-b`, OURS);
  });
  after(async () => {
    a.destroy();
    b.destroy();
    await emulator.stop();
  });

  it('without --yes it lists exactly this run\'s resources in the account and deletes nothing', async () => {
    const lines: string[] = [];
    const out = await runCleanup({ selector: { runId: OURS }, conn: conn(emulator.url, { accessKeyId: 'test', secretAccessKey: 'test' }), yes: false }, (l) => lines.push(l));
    assert.deepEqual(out.listed.map((l) => l.replace(/ \(.*$/, '').replace(/arn:\S+:(key|trail)\/\S+/, '$1')).sort(), [
      'CloudTrail trail trail', 'IAM role kms-lab-261128t1000-aaaa-student', 'IAM user kms-lab-261128t1000-aaaa-runner',
      'KMS alias alias/ours', 'KMS key key', 'S3 bucket kms-lab-261128t1000-aaaa-data',
    ]);
    assert.ok(await keyAlive(a, ids.ourKey!));
    assert.ok(await exists(a.s3.send(new HeadBucketCommand({ Bucket: `kms-lab-${OURS}-data` }))));
    assert.match(lines.join('\n'), /Nothing was deleted\. Run again with --yes/);
  });

  it('with --yes it deletes this run\'s resources and leaves untagged, other-run and other-account ones alone', async () => {
    const out = await runCleanup({ selector: { runId: OURS }, conn: conn(emulator.url, { accessKeyId: 'test', secretAccessKey: 'test' }), yes: true, allowAccount: '000000000000' }, () => {});
    assert.deepEqual(out.failed, []);
    assert.equal(out.removed.length, 6);
    assert.equal(await keyAlive(a, ids.ourKey!), false);
    assert.equal(await exists(a.s3.send(new HeadBucketCommand({ Bucket: `kms-lab-${OURS}-data` }))), false);
    assert.equal((await a.cloudtrail.send(new DescribeTrailsCommand({}))).trailList?.length ?? 0, 0);
    assert.equal(await exists(a.iam.send(new GetRoleCommand({ RoleName: `kms-lab-${OURS}-student` }))), false);
    assert.equal(await exists(a.iam.send(new GetUserCommand({ UserName: `kms-lab-${OURS}-runner` }))), false);
    // Untouched:
    assert.ok(await keyAlive(a, ids.untaggedKey!));
    assert.ok(await keyAlive(a, ids.otherKey!));
    assert.ok(await keyAlive(b, ids.bKey!));
    for (const name of ['customer-data', `kms-lab-${OTHER}-data`]) assert.ok(await exists(a.s3.send(new HeadBucketCommand({ Bucket: name }))), name);
    assert.ok(await exists(b.s3.send(new HeadBucketCommand({ Bucket: `kms-lab-${OURS}-in-b` }))));
    for (const name of ['production-admin', `kms-lab-${OTHER}-student`]) assert.ok(await exists(a.iam.send(new GetRoleCommand({ RoleName: name }))), name);
  });

  it('refuses to delete when --allow-account is not the caller\'s account', async () => {
    await assert.rejects(runCleanup({ selector: { runId: OURS }, conn: bConn, yes: true, allowAccount: '000000000000' }, () => {}), /Refusing to delete: --allow-account is 000000000000 but the credentials .* are for account \d{12}/);
    assert.ok(await keyAlive(b, ids.bKey!));
  });

  it('--older-than selects runs by the time in their run id, and never untagged resources', async () => {
    const found = await discover(b, { olderThanMs: parseAge('24h'), now: new Date('2026-11-30T00:00:00Z') });
    assert.deepEqual(found.found.map((f) => f.kind).sort(), ['KMS key', 'S3 bucket']);
    assert.deepEqual((await discover(b, { olderThanMs: parseAge('7d'), now: new Date('2026-11-30T00:00:00Z') })).found, []);
  });
});

describe('cleanup selection rules', () => {
  it('a run id carries its start time (yymmddThhmm UTC)', () => {
    assert.equal(runIdTime('261128t1655-a4d1')?.toISOString(), '2026-11-28T16:55:00.000Z');
    assert.equal(runIdTime('test-aws'), undefined);
  });
  it('no tag, another run\'s tag, or an unparseable run id is never selected', () => {
    assert.equal(selects({ runId: OURS }, undefined), false);
    assert.equal(selects({ runId: OURS }, OTHER), false);
    assert.equal(selects({ olderThanMs: 0 }, 'handmade-tag'), false);
    assert.equal(selects({ runId: OURS }, OURS), true);
  });
});

describe('kms-lab cleanup (command)', () => {
  it('refuses --yes on --target aws without --allow-account', async () => {
    const p = await runKmsLab(['cleanup', '--run-id', OURS, '--yes']);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /--yes needs --allow-account/);
  });
  it('needs --run-id or --older-than', async () => {
    const p = await runKmsLab(['cleanup', '--target', 'embedded', '--endpoint', 'http://127.0.0.1:9']);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /--run-id ID or --older-than AGE/);
  });
});
