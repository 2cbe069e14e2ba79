import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { CloudTrailClient, CreateTrailCommand, LookupEventsCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import type { EventSelector, LookupEventsCommandInput, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { BOOTSTRAP_ACCOUNT } from '../../emulator/identity/store.js';
import { cliEnv, clientConfig, ROOT, type Creds } from '../helpers/emulator.js';

// Shared by the CloudTrail tests: clients as a principal, a trail bucket with CloudTrail's bucket policy,
// a logging trail, delivery now, reading delivered log files, an assumed-role session, the AWS CLI.

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const ACCOUNT = BOOTSTRAP_ACCOUNT;
export const ctAs = (r: RunningEmulator, creds: Creds = ROOT, region = 'us-east-1'): CloudTrailClient => new CloudTrailClient(clientConfig(r, creds, region));
export const s3As = (r: RunningEmulator, creds: Creds = ROOT): S3Client => new S3Client({ ...clientConfig(r, creds), forcePathStyle: true });
export const kmsAs = (r: RunningEmulator, creds: Creds = ROOT): KMSClient => new KMSClient(clientConfig(r, creds));

/** CT-UG create-s3-bucket-policy-for-cloudtrail, for one account (optionally pinned to a trail with aws:SourceArn). */
export function cloudTrailBucketPolicy(bucket: string, account = ACCOUNT, trailArn?: string, prefix?: string): string {
  const source = trailArn ? { 'aws:SourceArn': trailArn } : {};
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck20150319', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`, ...(trailArn ? { Condition: { StringEquals: source } } : {}) },
      { Sid: 'AWSCloudTrailWrite20150319', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${account}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...source } } },
    ],
  });
}

export async function trailBucket(r: RunningEmulator, bucket: string, withPolicy = true): Promise<void> {
  const s3 = s3As(r);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (withPolicy) await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: cloudTrailBucketPolicy(bucket) }));
}

/** A bucket with CloudTrail's policy and a trail logging into it (started), optionally with S3 data events for every bucket. */
export async function loggingTrail(r: RunningEmulator, opts: { name: string; bucket: string; validation?: boolean; dataEvents?: boolean; kmsKeyId?: string }): Promise<string> {
  await trailBucket(r, opts.bucket);
  const ct = ctAs(r);
  const t = await ct.send(new CreateTrailCommand({ Name: opts.name, S3BucketName: opts.bucket, EnableLogFileValidation: opts.validation ?? false, KmsKeyId: opts.kmsKeyId }));
  if (opts.dataEvents) {
    const selector: EventSelector = { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] };
    await ct.send(new PutEventSelectorsCommand({ TrailName: opts.name, EventSelectors: [selector] }));
  }
  await ct.send(new StartLoggingCommand({ Name: opts.name }));
  return t.TrailARN!;
}

export interface DeliverReport {
  logFiles: Array<{ trailArn: string; bucket: string; key: string; records: number }>;
  insightFiles: Array<{ trailArn: string; bucket: string; key: string; records: number }>;
  digestFiles: Array<{ trailArn: string; bucket: string; key: string; logFiles: number }>;
  errors: Array<{ trailArn: string; file: string; error: string; message: string }>;
  insights: Array<{ eventID: string; state: string; insightType: string }>;
}

/** POST /_emulator/cloudtrail/deliver: delivers everything pending now. */
export async function deliver(r: RunningEmulator): Promise<DeliverReport> {
  const res = await fetch(`${r.url}/_emulator/cloudtrail/deliver`, { method: 'POST' });
  assert.equal(res.status, 200);
  return (await res.json()) as DeliverReport;
}

/** A delivered log file's records, read back through S3 as the bucket owner. */
export async function readLogFile(r: RunningEmulator, bucket: string, key: string): Promise<Array<Record<string, any>>> {
  const obj = await s3As(r).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = Buffer.from(await obj.Body!.transformToByteArray());
  return (JSON.parse(gunzipSync(body).toString('utf8')) as { Records: Array<Record<string, any>> }).Records;
}

/** A role of the bootstrap account with an inline policy, and a session of it assumed by an IAM user. */
export async function assumedRole(r: RunningEmulator, roleName: string, policy: object, sessionName = 'lab-session'): Promise<Creds & { arn: string; roleArn: string }> {
  const iam = new IAMClient(clientConfig(r));
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
  // "Roles may not be assumed by root accounts": an IAM user allowed sts:AssumeRole assumes it.
  const userName = `${roleName}-assumer`;
  await iam.send(new CreateUserCommand({ UserName: userName }));
  await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'assume',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: Role!.Arn! }] }) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  const assumer: Creds = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  const { Credentials, AssumedRoleUser } = await new STSClient(clientConfig(r, assumer)).send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: sessionName }));
  return {
    accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken!,
    arn: AssumedRoleUser!.Arn!, roleArn: Role!.Arn!,
  };
}

/** Runs a call that must fail; returns the error code, message and HTTP status. */
export async function failure(call: Promise<unknown>): Promise<{ code: string; message: string; status?: number }> {
  try {
    await call;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  assert.fail('the call succeeded but was expected to fail');
}

/**
 * The AWS CLI against the emulator, without blocking the event loop (the emulator answers from this very
 * process). `AWS_ENDPOINT_URL` reaches every client the CLI makes — validate-logs' S3 clients included,
 * which `--endpoint-url` would not (it only applies to the command's own service client).
 */
export function aws(r: RunningEmulator, args: string[], creds: Creds = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('aws', args, { env: { ...cliEnv(creds), AWS_ENDPOINT_URL: r.url }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * LookupEvents as a well-behaved client makes it: LookupEvents allows two requests per second per account
 * and Region, so a ThrottlingException is waited out and retried (the harness's poller does the same).
 */
export async function lookup(r: RunningEmulator, input: LookupEventsCommandInput, creds: Creds = ROOT, region = 'us-east-1'): Promise<LookupEventsCommandOutput> {
  const ct = ctAs(r, creds, region);
  for (let attempt = 0; ; attempt++) {
    try {
      return await ct.send(new LookupEventsCommand(input));
    } catch (e) {
      if ((e as { name?: string }).name !== 'ThrottlingException' || attempt >= 10) throw e;
      await new Promise((res) => setTimeout(res, 500));
    }
  }
}
