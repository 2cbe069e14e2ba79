import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { fetch as undiciFetch } from 'undici';
import type { RunningEmulator } from '../../emulator/server.js';
import type { KmsPort } from '../../emulator/core/ports.js';
import { AwsError } from '../../emulator/core/errors.js';
import { cliEnv, clientConfig, ROOT, type Creds } from '../helpers/emulator.js';

// Shared by the S3 tests: clients as a principal, IAM users and KMS keys to act with, the AWS CLI, plain
// unsigned HTTP (the anonymous caller), and a way to read AWS's error off a failed call.

export const s3As = (running: RunningEmulator, creds: Creds = ROOT, region = 'us-east-1'): S3Client =>
  new S3Client({ ...clientConfig(running, creds, region), forcePathStyle: true });

/**
 * A client that addresses buckets virtual-host style (`bucket.localhost:<port>`): every host name is sent
 * to the emulator's loopback address, so no DNS is needed.
 */
export function virtualHostS3(running: RunningEmulator, creds: Creds = ROOT, host = 'localhost'): S3Client {
  const httpAgent = new Agent({
    lookup: (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
      else (callback as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);
    },
  });
  return new S3Client({
    ...clientConfig(running, creds),
    endpoint: `http://${host}:${running.port}`,
    forcePathStyle: false,
    requestHandler: { httpAgent },
  });
}

export const kmsAs = (running: RunningEmulator, creds: Creds = ROOT): KMSClient => new KMSClient(clientConfig(running, creds));
export const iamAs = (running: RunningEmulator, creds: Creds = ROOT): IAMClient => new IAMClient(clientConfig(running, creds));

export interface AwsFailure {
  code: string;
  message: string;
  status?: number;
  raw: Record<string, unknown>;
}

/** Runs a call that must fail; returns the error code as sent on the wire, the message, the HTTP status and the error's fields. */
export async function failure(call: Promise<unknown>): Promise<AwsFailure> {
  try {
    await call;
  } catch (e) {
    const err = e as { Code?: string; name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.Code ?? err.name, message: err.message, status: err.$metadata?.httpStatusCode, raw: e as Record<string, unknown> };
  }
  assert.fail('the call succeeded but was expected to fail');
}

/** An IAM user of the root's account with an access key and an optional inline policy. */
export async function userWithKey(running: RunningEmulator, name: string, policy?: object, admin: Creds = ROOT): Promise<Creds & { arn: string }> {
  const iam = iamAs(running, admin);
  const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey!, arn: User!.Arn! };
}

export const allow = (action: string | string[], resource: string | string[] = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});

/** A second account made through the admin API, with its root credentials. */
export async function newAccount(running: RunningEmulator): Promise<{ accountId: string; root: Creds }> {
  const res = await fetch(`${running.url}/_emulator/accounts`, { method: 'POST' });
  assert.equal(res.status, 201);
  const body = (await res.json()) as { accountId: string; accessKeyId: string; secretAccessKey: string };
  return { accountId: body.accountId, root: { accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey } };
}

/**
 * The lab's key: a customer managed key with alias/myFirstKey and a key policy whose first statement lets
 * the account's IAM policies grant use, then one naming key administrators (seed 000: "key-consolepolicy-3").
 */
export async function labKey(running: RunningEmulator, opts: { alias?: string; policy?: object; creds?: Creds } = {}): Promise<{ keyId: string; arn: string; alias: string }> {
  const kms = kmsAs(running, opts.creds);
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({ Description: 'lab key', ...(opts.policy ? { Policy: JSON.stringify(opts.policy) } : {}) }),
  );
  const alias = opts.alias ?? 'alias/myFirstKey';
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId! }));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn!, alias };
}

/** Unsigned HTTP (undici's fetch), as a browser or curl fetches an object URL: the anonymous caller. */
export async function anonymous(
  running: RunningEmulator,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: { get(name: string): string | null }; text: string }> {
  const res = await undiciFetch(`${running.url}${path}`, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The fields of an S3 XML error body. */
export function xmlError(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const m of text.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) out[m[1]!] = unescape(m[2]!);
  return out;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json?: Record<string, unknown>;
}

/** The AWS CLI against the emulator (asynchronously, so the in-process emulator keeps answering). */
export function aws(running: RunningEmulator, args: string[], creds: Creds = ROOT, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', ['--endpoint-url', running.url, '--output', 'json', ...args], { env: cliEnv(creds) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      let json: Record<string, unknown> | undefined;
      try {
        json = stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ status, stdout, stderr, ...(json ? { json } : {}) });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/**
 * A stand-in KMS for tests that are about S3's side of a KMS failure: it answers with whatever KMS error
 * the test names, or hands out data keys that a fake "decrypt" returns.
 */
export function fakeKms(behaviour: { fail?: AwsError; keyArn?: string } = {}): KmsPort {
  const keyArn = behaviour.keyArn ?? 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';
  const key = Buffer.alloc(32, 7);
  return {
    generateDataKey: () => {
      if (behaviour.fail) throw behaviour.fail;
      return { keyArn, plaintext: Buffer.from(key), ciphertextBlob: Buffer.from('blob') };
    },
    decrypt: () => {
      if (behaviour.fail) throw behaviour.fail;
      return { keyArn, plaintext: Buffer.from(key) };
    },
    awsManagedKeyArn: () => keyArn,
    resolveKeyArn: () => keyArn,
  };
}

export { AwsError };
