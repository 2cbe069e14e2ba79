import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { awsCli, trustPolicy, userWithKey } from '../iam/support.js';

describe('STS AssumeRole through the AWS CLI', () => {
  let running: RunningEmulator;
  let cliMissing: string | false;
  before(async () => {
    running = await freshEmulator();
    cliMissing = await awsCliMissing();
  });
  after(() => running.stop());

  test('a trusted user assumes a role and the session credentials work in get-caller-identity', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const alice = await userWithKey(running, 'cli-alice');
    const created = await awsCli(running, ['iam', 'create-role', '--role-name', 'cli-app', '--assume-role-policy-document', trustPolicy(alice.arn)]);
    assert.equal(created.code, 0, created.stderr);
    const assumed = await awsCli(running, ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::000000000000:role/cli-app', '--role-session-name', 'cli'], alice);
    assert.equal(assumed.code, 0, assumed.stderr);
    const { Credentials, AssumedRoleUser } = JSON.parse(assumed.stdout);
    assert.equal(AssumedRoleUser.Arn, 'arn:aws:sts::000000000000:assumed-role/cli-app/cli');
    const me = await awsCli(running, ['sts', 'get-caller-identity'], {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
    });
    assert.equal(me.code, 0, me.stderr);
    assert.equal(JSON.parse(me.stdout).Arn, 'arn:aws:sts::000000000000:assumed-role/cli-app/cli');
  });

  test('a caller the trust policy does not name gets AccessDenied', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const alice = await userWithKey(running, 'cli-trusted');
    const eve = await userWithKey(running, 'cli-eve');
    await awsCli(running, ['iam', 'create-role', '--role-name', 'cli-private', '--assume-role-policy-document', trustPolicy(alice.arn)]);
    const r = await awsCli(running, ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::000000000000:role/cli-private', '--role-session-name', 'x1'], eve);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /An error occurred \(AccessDenied\) when calling the AssumeRole operation: User: arn:aws:iam::000000000000:user\/cli-eve is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role\/cli-private/,
    );
  });
});
