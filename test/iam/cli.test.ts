import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { awsCli, trustPolicy } from './support.js';

describe('IAM through the AWS CLI', () => {
  let running: RunningEmulator;
  let cliMissing: string | false;
  before(async () => {
    running = await freshEmulator();
    cliMissing = await awsCliMissing();
  });
  after(() => running.stop());

  test('create-role then get-role shows the trust policy decoded by the CLI', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const trust = trustPolicy('000000000000');
    const created = await awsCli(running, ['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', trust]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(JSON.parse(created.stdout).Role.RoleId, /^AROA/);
    const got = await awsCli(running, ['iam', 'get-role', '--role-name', 'cli-role']);
    assert.equal(got.code, 0, got.stderr);
    // botocore URL-decodes and parses policy documents, so a faithful encoding round-trips to JSON.
    assert.deepEqual(JSON.parse(got.stdout).Role.AssumeRolePolicyDocument, JSON.parse(trust));
  });

  test('create-user, put-user-policy and get-user-policy round-trip a document', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::lab-*' }] };
    assert.equal((await awsCli(running, ['iam', 'create-user', '--user-name', 'cli-user'])).code, 0);
    const put = await awsCli(running, ['iam', 'put-user-policy', '--user-name', 'cli-user', '--policy-name', 'p', '--policy-document', JSON.stringify(doc)]);
    assert.equal(put.code, 0, put.stderr);
    const got = await awsCli(running, ['iam', 'get-user-policy', '--user-name', 'cli-user', '--policy-name', 'p']);
    assert.deepEqual(JSON.parse(got.stdout).PolicyDocument, doc);
  });

  test('a malformed policy fails with the CLI\'s rendering of AWS\'s error', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    await awsCli(running, ['iam', 'create-user', '--user-name', 'cli-bad']);
    const r = await awsCli(running, ['iam', 'put-user-policy', '--user-name', 'cli-bad', '--policy-name', 'p', '--policy-document', './x.json']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /An error occurred \(MalformedPolicyDocument\) when calling the PutUserPolicy operation: Syntax errors in policy\./);
  });
});
