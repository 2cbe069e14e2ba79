import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { allow, failure, iamAs, userWithKey } from './support.js';

describe('IAM users', () => {
  let running: RunningEmulator;
  let iam: IAMClient;
  before(async () => {
    running = await freshEmulator();
    iam = iamAs(running);
  });
  after(() => running.stop());

  test('CreateUser returns the user with an AIDA id, its path and a regionless ARN', async () => {
    const { User } = await iam.send(new CreateUserCommand({ UserName: 'carol', Path: '/staff/' }));
    assert.equal(User?.UserName, 'carol');
    assert.equal(User?.Path, '/staff/');
    assert.equal(User?.Arn, 'arn:aws:iam::000000000000:user/staff/carol');
    assert.match(User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
    assert.ok(User?.CreateDate instanceof Date);
  });

  test('GetUser finds the user and ListUsers lists it', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'dave' }));
    const { User } = await iam.send(new GetUserCommand({ UserName: 'dave' }));
    assert.equal(User?.Arn, 'arn:aws:iam::000000000000:user/dave');
    const { Users, IsTruncated } = await iam.send(new ListUsersCommand({}));
    assert.ok(Users?.some((u) => u.UserName === 'dave'));
    assert.equal(IsTruncated, false);
  });

  test('GetUser without a name describes the calling user', async () => {
    const erin = await userWithKey(running, 'erin', allow('iam:GetUser'));
    const { User } = await iamAs(running, erin).send(new GetUserCommand({}));
    assert.equal(User?.UserName, 'erin');
  });

  test('GetUser without a name as the root answers with the account id and root ARN', async () => {
    const { User } = await iam.send(new GetUserCommand({}));
    assert.equal(User?.UserId, '000000000000');
    assert.equal(User?.Arn, 'arn:aws:iam::000000000000:root');
    assert.equal(User?.UserName, undefined);
  });

  test('a second user with the same name in another case already exists', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'frank' }));
    const f = await failure(iam.send(new CreateUserCommand({ UserName: 'Frank' })));
    assert.deepEqual(f, { code: 'EntityAlreadyExists', message: 'User with name Frank already exists.', status: 409 });
  });

  test('an unknown user is NoSuchEntity with AWS\'s sentence', async () => {
    const f = await failure(iam.send(new GetUserCommand({ UserName: 'wrong-user-name' })));
    assert.deepEqual(f, { code: 'NoSuchEntity', message: 'The user with name wrong-user-name cannot be found.', status: 404 });
  });

  test('a user name outside [\\w+=,.@-] is a ValidationError', async () => {
    const f = await failure(iam.send(new CreateUserCommand({ UserName: 'bad name' })));
    assert.equal(f.code, 'ValidationError');
    assert.equal(f.message, 'The specified value for userName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-');
  });

  test('a path that does not begin and end with / is a ValidationError', async () => {
    const f = await failure(iam.send(new CreateUserCommand({ UserName: 'pathless', Path: 'staff/' })));
    assert.equal(f.code, 'ValidationError');
    assert.equal(f.message, 'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.');
  });

  test('DeleteUser refuses while the user has keys or policies, then deletes it', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'grace' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'grace' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'grace', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:ListAllMyBuckets')) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'grace', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));

    const keys = await failure(iam.send(new DeleteUserCommand({ UserName: 'grace' })));
    assert.deepEqual(keys, { code: 'DeleteConflict', message: 'Cannot delete entity, must delete access keys first.', status: 409 });
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'grace', AccessKeyId: AccessKey!.AccessKeyId }));
    const attached = await failure(iam.send(new DeleteUserCommand({ UserName: 'grace' })));
    assert.equal(attached.message, 'Cannot delete entity, must detach all policies first.');
    await iam.send(new DetachUserPolicyCommand({ UserName: 'grace', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const inline = await failure(iam.send(new DeleteUserCommand({ UserName: 'grace' })));
    assert.equal(inline.message, 'Cannot delete entity, must delete policies first.');
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'grace', PolicyName: 'p' }));

    await iam.send(new DeleteUserCommand({ UserName: 'grace' }));
    assert.equal((await failure(iam.send(new GetUserCommand({ UserName: 'grace' })))).code, 'NoSuchEntity');
  });

  test('TagUser adds tags that GetUser and ListUserTags show', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'heidi', Tags: [{ Key: 'team', Value: 'red' }] }));
    await iam.send(new TagUserCommand({ UserName: 'heidi', Tags: [{ Key: 'Team', Value: 'blue' }, { Key: 'cost', Value: '42' }] }));
    const { Tags } = await iam.send(new ListUserTagsCommand({ UserName: 'heidi' }));
    assert.deepEqual(Tags, [{ Key: 'team', Value: 'blue' }, { Key: 'cost', Value: '42' }]);
    const { User } = await iam.send(new GetUserCommand({ UserName: 'heidi' }));
    assert.equal(User?.Tags?.length, 2);
  });

  test('ListUsers pages with MaxItems and Marker', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await iam.send(new CreateUserCommand({ UserName: n, Path: '/paging/' }));
    const first = await iam.send(new ListUsersCommand({ PathPrefix: '/paging/', MaxItems: 2 }));
    assert.deepEqual(first.Users?.map((u) => u.UserName), ['page-a', 'page-b']);
    assert.equal(first.IsTruncated, true);
    const rest = await iam.send(new ListUsersCommand({ PathPrefix: '/paging/', MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual(rest.Users?.map((u) => u.UserName), ['page-c']);
    assert.equal(rest.IsTruncated, false);
  });
});
