import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import type { Creds } from '../helpers/emulator.js';
import { failure, iamAs, stsAs, trustPolicy, userWithKey } from '../iam/support.js';

describe('temporary credentials', () => {
  let running: RunningEmulator;
  let alice: Creds & { arn: string };
  before(async () => {
    running = await freshEmulator();
    alice = await userWithKey(running, 'alice');
    await iamAs(running).send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trustPolicy(alice.arn) }));
  });
  after(() => running.stop());

  const assume = async (seconds: number): Promise<Creds> => {
    const { Credentials } = await stsAs(running, alice).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 'timed', DurationSeconds: seconds }),
    );
    return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  };

  test('assumed-role credentials stop working once the emulator clock passes their expiry', async () => {
    const temp = await assume(900);
    const before = await stsAs(running, temp).send(new GetCallerIdentityCommand({}));
    assert.equal(before.Arn, 'arn:aws:sts::000000000000:assumed-role/app/timed');

    running.emulator.clock = () => new Date(Date.now() + 901_000);
    try {
      const f = await failure(stsAs(running, temp).send(new GetCallerIdentityCommand({})));
      assert.equal(f.code, 'ExpiredToken');
      assert.equal(f.status, 403);
    } finally {
      running.emulator.clock = () => new Date();
    }
  });

  test('credentials still inside their lifetime keep working when the clock moves less', async () => {
    const temp = await assume(3600);
    running.emulator.clock = () => new Date(Date.now() + 1800_000);
    try {
      const me = await stsAs(running, temp).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, 'arn:aws:sts::000000000000:assumed-role/app/timed');
    } finally {
      running.emulator.clock = () => new Date();
    }
  });

  test('a temporary key sent without its session token is not accepted', async () => {
    const temp = await assume(900);
    const f = await failure(stsAs(running, { accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey }).send(new GetCallerIdentityCommand({})));
    assert.equal(f.code, 'InvalidClientTokenId');
  });

  test('GetSessionToken gives a user credentials that act as that user', async () => {
    const { Credentials } = await stsAs(running, alice).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    assert.match(Credentials!.AccessKeyId!, /^ASIA/);
    const session = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const me = await stsAs(running, session).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, alice.arn);
    const again = await failure(stsAs(running, session).send(new GetSessionTokenCommand({})));
    assert.equal(again.code, 'AccessDenied');
    assert.equal(again.message, 'Cannot call GetSessionToken with session credentials');
  });
});
