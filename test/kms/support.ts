import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KMSClient } from '@aws-sdk/client-kms';
import type { RunningEmulator } from '../../emulator/server.js';
import { secretAccessKey, sessionToken, uniqueId } from '../../emulator/core/ids.js';
import type { Principal } from '../../emulator/core/principal.js';
import { BOOTSTRAP_ACCOUNT } from '../../emulator/identity/store.js';
import { cliEnv, clientConfig, freshEmulator, ROOT, type Creds } from '../helpers/emulator.js';

/**
 * Test helpers for the KMS specs: a running emulator, KMS clients per principal, IAM users and role sessions
 * created straight in the identity store (so these specs don't depend on the IAM service's own tests), and
 * the AWS CLI run asynchronously (a synchronous child would block the in-process server it talks to).
 */

export const ACCOUNT = BOOTSTRAP_ACCOUNT;
export const REGION = 'us-east-1';

export interface Actor {
  creds: Creds;
  arn: string;
  accountId: string;
  /** For role sessions: the role ARN a key policy names. */
  roleArn?: string;
}

export async function start(): Promise<{ running: RunningEmulator; kms: KMSClient }> {
  const running = await freshEmulator();
  return { running, kms: kmsAs(running, ROOT) };
}

export function kmsAs(running: RunningEmulator, creds: Creds = ROOT, region = REGION): KMSClient {
  return new KMSClient(clientConfig(running, creds, region));
}

type PolicyMap = Record<string, object>;

/** An IAM user with an access key and the given inline policies. */
export function addUser(running: RunningEmulator, name: string, policies: PolicyMap = {}, accountId = ACCOUNT): Actor {
  const identity = running.emulator.identity;
  const arn = `arn:aws:iam::${accountId}:user/${name}`;
  identity.account(accountId).users.set(name, {
    name,
    path: '/',
    userId: uniqueId('AIDA'),
    arn,
    createDate: new Date(),
    inlinePolicies: new Map(Object.entries(policies).map(([k, v]) => [k, JSON.stringify(v)])),
    attachedPolicies: new Set(),
    tags: [],
  });
  const creds = { accessKeyId: uniqueId('AKIA'), secretAccessKey: secretAccessKey() };
  identity.addAccessKey({ ...creds, accountId, userName: name, status: 'Active', createDate: new Date() });
  return { creds, arn, accountId };
}

/** A role and an assumed-role session of it (the lab's principal is a role session: AWSLabsUser-…). */
export function addRoleSession(running: RunningEmulator, roleName: string, sessionName: string, policies: PolicyMap = {}, accountId = ACCOUNT): Actor {
  const identity = running.emulator.identity;
  const roleId = uniqueId('AROA');
  const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
  identity.account(accountId).roles.set(roleName, {
    name: roleName,
    path: '/',
    roleId,
    arn: roleArn,
    createDate: new Date(),
    assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    maxSessionDuration: 3600,
    inlinePolicies: new Map(Object.entries(policies).map(([k, v]) => [k, JSON.stringify(v)])),
    attachedPolicies: new Set(),
    tags: [],
  });
  const arn = `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
  const principal: Principal = {
    kind: 'assumed-role',
    accountId,
    arn,
    principalId: `${roleId}:${sessionName}`,
    role: { arn: roleArn, name: roleName, roleId, accountId },
    sessionName,
    sessionIssuedAt: new Date(),
  };
  const creds = { accessKeyId: uniqueId('ASIA'), secretAccessKey: secretAccessKey(), sessionToken: sessionToken() };
  identity.addSession({ ...creds, expiresAt: new Date(Date.now() + 24 * 3600_000), principal });
  return { creds, arn, accountId, roleArn };
}

/** A second account through the admin API, with its root credentials. */
export async function newAccount(running: RunningEmulator): Promise<{ accountId: string; creds: Creds }> {
  const res = await fetch(`${running.url}/_emulator/accounts`, { method: 'POST', body: '{}' });
  const body = (await res.json()) as { accountId: string; accessKeyId: string; secretAccessKey: string };
  return { accountId: body.accountId, creds: { accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey } };
}

export const allow = (actions: string | string[], resource: string | string[] = '*') =>
  ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] });

/** The error a promise rejects with (the SDK's ServiceException: name = AWS error code). */
export async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The lab's key policy (seed 000: Id key-consolepolicy-3): the account root, key administrators and optionally key users. */
export function labKeyPolicy(opts: { admins: string[]; users?: string[]; root?: boolean; account?: string }): string {
  const account = opts.account ?? ACCOUNT;
  const statements: object[] = [];
  if (opts.root ?? true) {
    statements.push({ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' });
  }
  statements.push({
    Sid: 'Allow access for Key Administrators',
    Effect: 'Allow',
    Principal: { AWS: opts.admins },
    Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*',
      'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand'],
    Resource: '*',
  });
  if (opts.users?.length) {
    // KMS-DG key-policy-default.md "Allow use of the key" (symmetric keys).
    statements.push({
      Sid: 'Allow use of the key',
      Effect: 'Allow',
      Principal: { AWS: opts.users },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
    });
  }
  return JSON.stringify({ Id: 'key-consolepolicy-3', Version: '2012-10-17', Statement: statements }, null, 2);
}

// ---- AWS CLI ----------------------------------------------------------------------------------

const exec = promisify(execFile);

export interface CliResult { code: number; stdout: string; stderr: string }

export async function awsCli(running: RunningEmulator, args: string[], creds: Creds = ROOT): Promise<CliResult> {
  try {
    const r = await exec('aws', ['--endpoint-url', running.url, '--output', 'json', ...args], { env: cliEnv(creds, REGION) });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** A scratch file for `file://` / `fileb://` arguments. */
export async function scratchFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kms-cli-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}
