import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { failure, iamAs, stsAs } from './support.js';

describe('IAM access keys', () => {
  let running: RunningEmulator;
  let iam: IAMClient;
  before(async () => {
    running = await freshEmulator();
    iam = iamAs(running);
  });
  after(() => running.stop());

  test('a new key is an AKIA id with a secret, and it signs requests as the user', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'ivan' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'ivan' }));
    assert.match(AccessKey!.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(AccessKey?.Status, 'Active');
    assert.equal(AccessKey?.UserName, 'ivan');
    assert.equal(AccessKey?.SecretAccessKey?.length, 40);
    const me = await stsAs(running, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, 'arn:aws:iam::000000000000:user/ivan');
  });

  test('ListAccessKeys shows metadata only, never the secret', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'judy' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'judy' }));
    const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: 'judy' }));
    assert.deepEqual(AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status, k.UserName]), [[AccessKey!.AccessKeyId, 'Active', 'judy']]);
    assert.equal(JSON.stringify(AccessKeyMetadata).includes(AccessKey!.SecretAccessKey!), false);
  });

  test('a third key exceeds the quota of two', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'ken' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'ken' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'ken' }));
    const f = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'ken' })));
    assert.deepEqual(f, { code: 'LimitExceeded', message: 'Cannot exceed quota for AccessKeysPerUser: 2', status: 409 });
  });

  test('an inactive key is refused as unknown, and works again once active', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'leo' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'leo' }));
    const creds = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'leo', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
    assert.equal((await failure(stsAs(running, creds).send(new GetCallerIdentityCommand({})))).code, 'InvalidClientTokenId');
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'leo', AccessKeyId: creds.accessKeyId, Status: 'Active' }));
    assert.equal((await stsAs(running, creds).send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:iam::000000000000:user/leo');
  });

  test('a deleted key no longer authenticates, and deleting it again is NoSuchEntity', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'mia' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'mia' }));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'mia', AccessKeyId: AccessKey!.AccessKeyId }));
    const creds = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    assert.equal((await failure(stsAs(running, creds).send(new GetCallerIdentityCommand({})))).code, 'InvalidClientTokenId');
    const f = await failure(iam.send(new DeleteAccessKeyCommand({ UserName: 'mia', AccessKeyId: AccessKey!.AccessKeyId })));
    assert.deepEqual(f, { code: 'NoSuchEntity', message: `The Access Key with id ${AccessKey!.AccessKeyId} cannot be found.`, status: 404 });
  });

  test('ListAccessKeys without a user name as the root lists the root\'s own key', async () => {
    const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({}));
    assert.deepEqual(AccessKeyMetadata?.map((k) => k.AccessKeyId), ['test']);
  });
});
