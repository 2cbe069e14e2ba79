import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { awsCli, failure, stsAs, userWithKey } from '../iam/support.js';

describe('STS GetCallerIdentity', () => {
  let running: RunningEmulator;
  let cliMissing: string | false;
  before(async () => {
    running = await freshEmulator();
    cliMissing = await awsCliMissing();
  });
  after(() => running.stop());

  test('the AWS CLI with test/test shows account 000000000000 and its root ARN', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await awsCli(running, ['sts', 'get-caller-identity']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { UserId: '000000000000', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
  });

  test('the SDK sees the bootstrap root the same way', async () => {
    const out = await stsAs(running).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, '000000000000');
    assert.equal(out.Arn, 'arn:aws:iam::000000000000:root');
    assert.equal(out.UserId, '000000000000');
  });

  test('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const f = await failure(stsAs(running, { accessKeyId: 'test', secretAccessKey: 'not-the-secret' }).send(new GetCallerIdentityCommand({})));
    assert.equal(f.code, 'SignatureDoesNotMatch');
    assert.equal(f.status, 403);
  });

  test('an unknown access key is refused with InvalidClientTokenId', async () => {
    const f = await failure(stsAs(running, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever' }).send(new GetCallerIdentityCommand({})));
    assert.equal(f.code, 'InvalidClientTokenId');
    assert.equal(f.message, 'The security token included in the request is invalid.');
    assert.equal(f.status, 403);
  });

  test('the AWS CLI reports a wrong secret as SignatureDoesNotMatch', async (t) => {
    if (cliMissing) return t.skip(cliMissing);
    const r = await awsCli(running, ['sts', 'get-caller-identity'], { accessKeyId: 'test', secretAccessKey: 'wrong' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation/);
  });

  test('an IAM user is named by its AIDA id and user ARN', async () => {
    const alice = await userWithKey(running, 'gci-alice');
    const out = await stsAs(running, alice).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, 'arn:aws:iam::000000000000:user/gci-alice');
    assert.match(out.UserId!, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(out.Account, '000000000000');
  });

  test('a user whose policy explicitly denies everything can still call it', async () => {
    const denied = await userWithKey(running, 'gci-denied', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    const out = await stsAs(running, denied).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, 'arn:aws:iam::000000000000:user/gci-denied');
  });
});
