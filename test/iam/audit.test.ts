import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { CallRecord } from '../../emulator/core/call-record.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { iamAs, stsAs, trustPolicy, userWithKey } from './support.js';

/** The CloudTrail recorder's view of the next call named `eventName`. */
function nextCall(running: RunningEmulator, eventName: string): Promise<CallRecord> {
  return new Promise((resolve) => {
    const listener = (record: CallRecord) => {
      if (record.eventName !== eventName) return;
      running.emulator.calls.off('call', listener);
      resolve(record);
    };
    running.emulator.calls.on('call', listener);
  });
}

const CLOUDTRAIL_DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$/;

describe('what IAM and STS tell CloudTrail', () => {
  let running: RunningEmulator;
  before(async () => {
    running = await freshEmulator();
  });
  after(() => running.stop());

  test('CreateAccessKey is logged with the key id but never its secret', async () => {
    await iamAs(running).send(new CreateUserCommand({ UserName: 'logged' }));
    const logged = nextCall(running, 'CreateAccessKey');
    const { AccessKey } = await iamAs(running).send(new CreateAccessKeyCommand({ UserName: 'logged' }));
    const record = await logged;
    assert.equal(record.eventSource, 'iam.amazonaws.com');
    assert.equal(record.readOnly, false);
    assert.deepEqual(record.audit.requestParameters, { userName: 'logged' });
    const key = (record.audit.responseElements as { accessKey: Record<string, string> }).accessKey;
    assert.equal(key.accessKeyId, AccessKey!.AccessKeyId);
    assert.equal(key.status, 'Active');
    assert.match(key.createDate, CLOUDTRAIL_DATE);
    assert.equal(JSON.stringify(record.audit).includes(AccessKey!.SecretAccessKey!), false);
  });

  test('CreateRole is logged with the role and its URL-encoded trust policy', async () => {
    const logged = nextCall(running, 'CreateRole');
    await iamAs(running).send(new CreateRoleCommand({ RoleName: 'logged-role', AssumeRolePolicyDocument: trustPolicy('000000000000') }));
    const role = ((await logged).audit.responseElements as { role: Record<string, string> }).role;
    assert.equal(role.arn, 'arn:aws:iam::000000000000:role/logged-role');
    assert.equal(decodeURIComponent(role.assumeRolePolicyDocument), trustPolicy('000000000000'));
    assert.match(role.createDate, CLOUDTRAIL_DATE);
  });

  test('read operations are marked readOnly', async () => {
    const logged = nextCall(running, 'GetUser');
    await iamAs(running).send(new GetUserCommand({}));
    assert.equal((await logged).readOnly, true);
  });

  test('AssumeRole is logged with the role as resource and without the secret or session token', async () => {
    const alice = await userWithKey(running, 'logged-alice');
    await iamAs(running).send(new CreateRoleCommand({ RoleName: 'logged-target', AssumeRolePolicyDocument: trustPolicy(alice.arn) }));
    const logged = nextCall(running, 'AssumeRole');
    const out = await stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/logged-target', RoleSessionName: 'audit' }));
    const record = await logged;
    assert.equal(record.eventSource, 'sts.amazonaws.com');
    assert.deepEqual(record.audit.requestParameters, { roleArn: 'arn:aws:iam::000000000000:role/logged-target', roleSessionName: 'audit' });
    assert.deepEqual(record.audit.resources, [{ ARN: 'arn:aws:iam::000000000000:role/logged-target', accountId: '000000000000', type: 'AWS::IAM::Role' }]);
    const text = JSON.stringify(record.audit);
    assert.ok(text.includes(out.Credentials!.AccessKeyId!));
    assert.equal(text.includes(out.Credentials!.SecretAccessKey!), false);
    assert.equal(text.includes(out.Credentials!.SessionToken!), false);
  });
});
