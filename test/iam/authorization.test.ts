import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachUserPolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetUserCommand,
  ListPoliciesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import type { Creds } from '../helpers/emulator.js';
import { allow, failure, iamAs, stsAs, trustPolicy, userWithKey } from './support.js';

const ACCOUNT = '000000000000';

describe('IAM authorizes every call against the caller\'s identity policies', () => {
  let running: RunningEmulator;
  before(async () => {
    running = await freshEmulator();
  });
  after(() => running.stop());

  test('a user with no policies is denied iam:CreateUser with AWS\'s exact text', async () => {
    const nobody = await userWithKey(running, 'nobody-allowed');
    const f = await failure(iamAs(running, nobody).send(new CreateUserCommand({ UserName: 'newbie' })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.status, 403);
    assert.equal(
      f.message,
      `User: arn:aws:iam::${ACCOUNT}:user/nobody-allowed is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/newbie because no identity-based policy allows the iam:CreateUser action`,
    );
  });

  test('the same user may create users once an inline policy allows it', async () => {
    const grantee = await userWithKey(running, 'grantee');
    await iamAs(running).send(new PutUserPolicyCommand({ UserName: 'grantee', PolicyName: 'create-users', PolicyDocument: JSON.stringify(allow('iam:CreateUser')) }));
    const { User } = await iamAs(running, grantee).send(new CreateUserCommand({ UserName: 'made-by-grantee' }));
    assert.equal(User?.Arn, `arn:aws:iam::${ACCOUNT}:user/made-by-grantee`);
  });

  test('an allow on one path does not reach users on another', async () => {
    const scoped = await userWithKey(running, 'scoped', allow('iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/interns/*`));
    await iamAs(running, scoped).send(new CreateUserCommand({ UserName: 'intern1', Path: '/interns/' }));
    const f = await failure(iamAs(running, scoped).send(new CreateUserCommand({ UserName: 'boss' })));
    assert.equal(f.code, 'AccessDenied');
  });

  test('an existing user is named "user NAME" in the denial, as AWS writes it', async () => {
    const nosy = await userWithKey(running, 'nosy');
    await iamAs(running).send(new CreateUserCommand({ UserName: 'target', Path: '/p/' }));
    const f = await failure(iamAs(running, nosy).send(new GetUserCommand({ UserName: 'target' })));
    assert.equal(f.message, `User: arn:aws:iam::${ACCOUNT}:user/nosy is not authorized to perform: iam:GetUser on resource: user target because no identity-based policy allows the iam:GetUser action`);
  });

  test('ListPolicies is denied "on resource: policy path /"', async () => {
    const lister = await userWithKey(running, 'lister');
    const f = await failure(iamAs(running, lister).send(new ListPoliciesCommand({})));
    assert.equal(f.message, `User: arn:aws:iam::${ACCOUNT}:user/lister is not authorized to perform: iam:ListPolicies on resource: policy path / because no identity-based policy allows the iam:ListPolicies action`);
  });

  test('an explicit deny wins over an allow', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' },
      ],
    };
    const denied = await userWithKey(running, 'denied-lister', policy);
    const f = await failure(iamAs(running, denied).send(new ListUsersCommand({})));
    assert.equal(f.message, `User: arn:aws:iam::${ACCOUNT}:user/denied-lister is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ with an explicit deny in an identity-based policy`);
  });

  test('attaching AWS\'s AdministratorAccess lets a user do everything', async () => {
    const admin = await userWithKey(running, 'admin');
    await iamAs(running).send(new AttachUserPolicyCommand({ UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await iamAs(running, admin).send(new CreateUserCommand({ UserName: 'made-by-admin' }));
  });

  describe('role sessions', () => {
    let session: (policy?: object) => Promise<Creds>;
    before(async () => {
      const alice = await userWithKey(running, 'session-alice');
      await iamAs(running).send(new CreateRoleCommand({ RoleName: 'operator', AssumeRolePolicyDocument: trustPolicy(alice.arn) }));
      await iamAs(running).send(new PutRolePolicyCommand({ RoleName: 'operator', PolicyName: 'iam', PolicyDocument: JSON.stringify(allow('iam:*')) }));
      session = async (policy) => {
        const { Credentials } = await stsAs(running, alice).send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/operator`, RoleSessionName: 'ops', ...(policy ? { Policy: JSON.stringify(policy) } : {}) }),
        );
        return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
      };
    });

    test('a session acts with its role\'s policies', async () => {
      const { User } = await iamAs(running, await session()).send(new CreateUserCommand({ UserName: 'made-by-role' }));
      assert.equal(User?.UserName, 'made-by-role');
    });

    test('a session policy narrows what the role allows', async () => {
      const narrow = await session(allow('iam:ListUsers'));
      await iamAs(running, narrow).send(new ListUsersCommand({}));
      const f = await failure(iamAs(running, narrow).send(new CreateUserCommand({ UserName: 'not-made' })));
      assert.equal(
        f.message,
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/operator/ops is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/not-made because no session policy allows the iam:CreateUser action`,
      );
    });
  });
});
