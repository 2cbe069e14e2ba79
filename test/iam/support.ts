import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { cliEnv, clientConfig, ROOT } from '../helpers/emulator.js';
import type { Creds } from '../helpers/emulator.js';

// Shared by the IAM and STS tests: clients as a given principal, a user with keys, and a way to
// assert on the AWS error a call fails with.

export const iamAs = (running: RunningEmulator, creds: Creds = ROOT): IAMClient => new IAMClient(clientConfig(running, creds));
export const stsAs = (running: RunningEmulator, creds: Creds = ROOT): STSClient => new STSClient(clientConfig(running, creds));

export interface AwsFailure {
  code: string;
  message: string;
  status?: number;
}

/** Runs a call that must fail and returns AWS's error code (as sent on the wire), message and status. */
export async function failure(call: Promise<unknown>): Promise<AwsFailure> {
  try {
    await call;
  } catch (e) {
    const err = e as { Code?: string; name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.Code ?? err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  assert.fail('the call succeeded but was expected to fail');
}

/** An IAM user of the root's account with an access key, and optionally an inline policy. */
export async function userWithKey(running: RunningEmulator, name: string, policy?: object, admin: Creds = ROOT): Promise<Creds & { arn: string }> {
  const iam = iamAs(running, admin);
  const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey!, arn: User!.Arn! };
}

export const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
export const allow = (action: string | string[], resource: string | string[] = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});

/** A trust policy letting `principal` (an ARN or account id) assume the role, with optional conditions. */
export function trustPolicy(principal: string, condition?: Record<string, Record<string, string>>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
  });
}

/** A second account made through the admin API, with its root credentials. */
export async function newAccount(running: RunningEmulator): Promise<{ accountId: string; root: Creds }> {
  const res = await fetch(`${running.url}/_emulator/accounts`, { method: 'POST' });
  assert.equal(res.status, 201);
  const body = (await res.json()) as { accountId: string; accessKeyId: string; secretAccessKey: string };
  return { accountId: body.accountId, root: { accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey } };
}

const execFileAsync = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `aws --endpoint-url URL <args>` as `creds`; never throws, so tests can assert on failures too. */
export async function awsCli(running: RunningEmulator, args: string[], creds: Creds = ROOT): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync('aws', ['--endpoint-url', running.url, '--output', 'json', ...args], {
      env: cliEnv(creds),
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
