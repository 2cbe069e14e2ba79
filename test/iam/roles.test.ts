import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { allow, failure, iamAs, trustPolicy } from './support.js';

const ec2Trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('IAM roles', () => {
  let running: RunningEmulator;
  let iam: IAMClient;
  before(async () => {
    running = await freshEmulator();
    iam = iamAs(running);
  });
  after(() => running.stop());

  test('CreateRole returns an AROA id, the ARN with its path and the trust policy URL-encoded', async () => {
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'web', Path: '/apps/', AssumeRolePolicyDocument: ec2Trust, Description: 'web tier' }));
    assert.match(Role!.RoleId!, /^AROA[A-Z2-7]{17}$/);
    assert.equal(Role?.Arn, 'arn:aws:iam::000000000000:role/apps/web');
    assert.equal(Role?.Description, 'web tier');
    assert.equal(Role?.AssumeRolePolicyDocument, encodeURIComponent(ec2Trust));
    assert.equal(decodeURIComponent(Role!.AssumeRolePolicyDocument!), ec2Trust);
    // As recorded from AWS, CreateRole's answer has no MaxSessionDuration.
    assert.equal(Role?.MaxSessionDuration, undefined);
  });

  test('GetRole adds MaxSessionDuration (3600 by default) and an empty RoleLastUsed', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: ec2Trust }));
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'worker' }));
    assert.equal(Role?.MaxSessionDuration, 3600);
    assert.deepEqual(Role?.RoleLastUsed, {});
    assert.equal(decodeURIComponent(Role!.AssumeRolePolicyDocument!), ec2Trust);
  });

  test('a trust policy keeps its whitespace and is encoded per RFC 3986', async () => {
    const pretty = JSON.stringify(JSON.parse(ec2Trust), null, 2);
    await iam.send(new CreateRoleCommand({ RoleName: 'pretty', AssumeRolePolicyDocument: pretty }));
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'pretty' }));
    assert.match(Role!.AssumeRolePolicyDocument!, /^%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A/);
  });

  test('ListRoles lists roles with MaxSessionDuration but without tags', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'listed', Path: '/listing/', AssumeRolePolicyDocument: ec2Trust, Tags: [{ Key: 'k', Value: 'v' }] }));
    const { Roles } = await iam.send(new ListRolesCommand({ PathPrefix: '/listing/' }));
    assert.equal(Roles?.length, 1);
    assert.equal(Roles?.[0].RoleName, 'listed');
    assert.equal(Roles?.[0].MaxSessionDuration, 3600);
    assert.equal(Roles?.[0].Tags, undefined);
  });

  test('a role that already exists is EntityAlreadyExists', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'twice', AssumeRolePolicyDocument: ec2Trust }));
    const f = await failure(iam.send(new CreateRoleCommand({ RoleName: 'twice', AssumeRolePolicyDocument: ec2Trust })));
    assert.deepEqual(f, { code: 'EntityAlreadyExists', message: 'Role with name twice already exists.', status: 409 });
  });

  test('an unknown role is NoSuchEntity with AWS\'s sentence', async () => {
    const f = await failure(iam.send(new GetRoleCommand({ RoleName: 'ghost' })));
    assert.deepEqual(f, { code: 'NoSuchEntity', message: 'The role with name ghost cannot be found.', status: 404 });
  });

  test('MaxSessionDuration outside 3600..43200 is a ValidationError', async () => {
    const f = await failure(iam.send(new CreateRoleCommand({ RoleName: 'too-long', AssumeRolePolicyDocument: ec2Trust, MaxSessionDuration: 50000 })));
    assert.equal(f.code, 'ValidationError');
    assert.equal(f.message, "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200");
  });

  test('UpdateAssumeRolePolicy replaces the trust policy', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'retrust', AssumeRolePolicyDocument: ec2Trust }));
    const next = trustPolicy('000000000000');
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'retrust', PolicyDocument: next }));
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'retrust' }));
    assert.equal(decodeURIComponent(Role!.AssumeRolePolicyDocument!), next);
  });

  test('DeleteRole refuses while policies are attached or embedded, then deletes', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'doomed', AssumeRolePolicyDocument: ec2Trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'doomed', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'doomed', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:*')) }));
    assert.equal((await failure(iam.send(new DeleteRoleCommand({ RoleName: 'doomed' })))).message, 'Cannot delete entity, must detach all policies first.');
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'doomed', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const inline = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'doomed' })));
    assert.deepEqual(inline, { code: 'DeleteConflict', message: 'Cannot delete entity, must delete policies first.', status: 409 });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'doomed', PolicyName: 'p' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'doomed' }));
    assert.equal((await failure(iam.send(new GetRoleCommand({ RoleName: 'doomed' })))).code, 'NoSuchEntity');
  });

  test('TagRole and UntagRole change what ListRoleTags shows', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: ec2Trust, Tags: [{ Key: 'a', Value: '1' }] }));
    await iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'b', Value: '2' }] }));
    await iam.send(new UntagRoleCommand({ RoleName: 'tagged', TagKeys: ['a'] }));
    const { Tags } = await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged' }));
    assert.deepEqual(Tags, [{ Key: 'b', Value: '2' }]);
  });
});
