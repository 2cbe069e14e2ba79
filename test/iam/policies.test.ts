import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { allow, failure, iamAs, trustPolicy } from './support.js';

describe('IAM policies', () => {
  let running: RunningEmulator;
  let iam: IAMClient;
  before(async () => {
    running = await freshEmulator();
    iam = iamAs(running);
    await iam.send(new CreateUserCommand({ UserName: 'owner' }));
  });
  after(() => running.stop());

  describe('inline policies', () => {
    test('PutUserPolicy stores a policy that GetUserPolicy returns URL-encoded', async () => {
      const document = JSON.stringify(allow('s3:GetObject', 'arn:aws:s3:::bucket/*'));
      await iam.send(new PutUserPolicyCommand({ UserName: 'owner', PolicyName: 'read', PolicyDocument: document }));
      const out = await iam.send(new GetUserPolicyCommand({ UserName: 'owner', PolicyName: 'read' }));
      assert.equal(out.UserName, 'owner');
      assert.equal(out.PolicyName, 'read');
      assert.equal(out.PolicyDocument, encodeURIComponent(document).replace(/\*/g, '%2A'));
      assert.equal(decodeURIComponent(out.PolicyDocument!), document);
      const { PolicyNames } = await iam.send(new ListUserPoliciesCommand({ UserName: 'owner' }));
      assert.ok(PolicyNames?.includes('read'));
    });

    test('an unknown inline policy is NoSuchEntity', async () => {
      const f = await failure(iam.send(new GetUserPolicyCommand({ UserName: 'owner', PolicyName: 'nope' })));
      assert.deepEqual(f, { code: 'NoSuchEntity', message: 'The user policy with name nope cannot be found.', status: 404 });
    });

    test('an action of an unknown service is accepted, as AWS accepts it', async () => {
      // AWS took "apigatway:PUT" (sic) in PutUserPolicy (localstack IAM snapshot, recorded against AWS).
      await iam.send(new PutUserPolicyCommand({ UserName: 'owner', PolicyName: 'typo', PolicyDocument: JSON.stringify(allow('apigatway:PUT')) }));
    });

    test('text that is not JSON is refused with "Syntax errors in policy."', async () => {
      const f = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'owner', PolicyName: 'bad', PolicyDocument: './policy.json' })));
      assert.deepEqual(f, { code: 'MalformedPolicyDocument', message: 'Syntax errors in policy.', status: 400 });
    });

    test('a Principal in an identity policy is refused', async () => {
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' }] };
      const f = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'owner', PolicyName: 'p', PolicyDocument: JSON.stringify(doc) })));
      assert.equal(f.message, 'Policy document should not specify a principal.');
    });

    test('a statement without Resource is refused', async () => {
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] };
      const f = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'owner', PolicyName: 'p', PolicyDocument: JSON.stringify(doc) })));
      assert.equal(f.message, 'Policy statement must contain resources.');
    });

    test('an action without a service prefix is refused', async () => {
      const f = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'owner', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('GetObject')) })));
      assert.equal(f.message, 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    });

    test('a resource that is not an ARN is refused', async () => {
      const f = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'owner', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('sns:Publish', 'my-topic')) })));
      assert.equal(f.message, 'Resource my-topic must be in ARN format or "*".');
    });
  });

  describe('trust policies', () => {
    test('a trust policy that is not JSON is refused with "This policy contains invalid Json"', async () => {
      const f = await failure(iam.send(new CreateRoleCommand({ RoleName: 'bad-json', AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}]}' })));
      assert.deepEqual(f, { code: 'MalformedPolicyDocument', message: 'This policy contains invalid Json', status: 400 });
    });

    test('a trust policy naming a user that does not exist is refused as an invalid principal', async () => {
      const f = await failure(iam.send(new CreateRoleCommand({ RoleName: 'ghost-trust', AssumeRolePolicyDocument: trustPolicy('arn:aws:iam::000000000000:user/nobody') })));
      assert.equal(f.code, 'MalformedPolicyDocument');
      assert.equal(f.message, 'Invalid principal in policy: "AWS":"arn:aws:iam::000000000000:user/nobody"');
    });

    test('a trust policy granting an action that is not an STS AssumeRole action is refused', async () => {
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: ['sts:AssumeRole', 'sts:TagSessions'] }] };
      const f = await failure(iam.send(new CreateRoleCommand({ RoleName: 'typo-trust', AssumeRolePolicyDocument: JSON.stringify(doc) })));
      assert.equal(f.message, 'AssumeRole policy may only specify STS AssumeRole actions.');
    });

    test('a trust policy with a Resource is refused', async () => {
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }] };
      const f = await failure(iam.send(new CreateRoleCommand({ RoleName: 'resourceful', AssumeRolePolicyDocument: JSON.stringify(doc) })));
      assert.equal(f.message, 'Has prohibited field Resource');
    });

    test('UpdateAssumeRolePolicy refuses a principal that does not exist', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'kept', AssumeRolePolicyDocument: trustPolicy('000000000000') }));
      const f = await failure(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'kept', PolicyDocument: trustPolicy('arn:aws:iam::000000000000:role/missing') })));
      assert.equal(f.message, 'Invalid principal in policy: "AWS":"arn:aws:iam::000000000000:role/missing"');
    });
  });

  describe('managed policies', () => {
    test('CreatePolicy makes v1 with an ANPA id, and GetPolicyVersion returns its document URL-encoded', async () => {
      const document = JSON.stringify(allow('kms:Encrypt'));
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'encrypt', PolicyDocument: document, Description: 'lab' }));
      assert.equal(Policy?.Arn, 'arn:aws:iam::000000000000:policy/encrypt');
      assert.match(Policy!.PolicyId!, /^ANPA[A-Z2-7]{17}$/);
      assert.equal(Policy?.DefaultVersionId, 'v1');
      assert.equal(Policy?.AttachmentCount, 0);
      assert.equal(Policy?.IsAttachable, true);
      const got = await iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }));
      assert.equal(got.Policy?.Description, 'lab');
      const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: Policy!.Arn, VersionId: 'v1' }));
      assert.equal(PolicyVersion?.IsDefaultVersion, true);
      assert.equal(decodeURIComponent(PolicyVersion!.Document!), document);
    });

    test('attaching counts in AttachmentCount and shows in ListAttachedUserPolicies; detaching undoes it', async () => {
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'attachable', PolicyDocument: JSON.stringify(allow('s3:ListBucket', 'arn:aws:s3:::b')) }));
      await iam.send(new AttachUserPolicyCommand({ UserName: 'owner', PolicyArn: Policy!.Arn }));
      const { AttachedPolicies } = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'owner' }));
      assert.deepEqual(AttachedPolicies, [{ PolicyName: 'attachable', PolicyArn: Policy!.Arn }]);
      assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy?.AttachmentCount, 1);
      const busy = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn })));
      assert.deepEqual(busy, { code: 'DeleteConflict', message: 'Cannot delete a policy attached to entities.', status: 409 });
      await iam.send(new DetachUserPolicyCommand({ UserName: 'owner', PolicyArn: Policy!.Arn }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn }));
    });

    test('an AWS managed policy can be attached to a role', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'admin', AssumeRolePolicyDocument: trustPolicy('000000000000') }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
      const { Policies } = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }));
      assert.deepEqual(Policies?.map((p) => [p.PolicyName, p.AttachmentCount]), [['AdministratorAccess', 1]]);
    });

    test('a policy ARN that does not exist is not attachable', async () => {
      const arn = 'arn:aws:iam::000000000000:policy/missing';
      const f = await failure(iam.send(new AttachUserPolicyCommand({ UserName: 'owner', PolicyArn: arn })));
      assert.deepEqual(f, { code: 'NoSuchEntity', message: `Policy ${arn} does not exist or is not attachable.`, status: 404 });
    });

    test('a policy name instead of an ARN cannot be parsed', async () => {
      const f = await failure(iam.send(new AttachUserPolicyCommand({ UserName: 'owner', PolicyArn: 'longpolicynamebutnoarn' })));
      assert.deepEqual(f, { code: 'ValidationError', message: 'Invalid ARN:  Could not be parsed!', status: 400 });
    });

    test('deleting a policy that does not exist is NoSuchEntity', async () => {
      const arn = 'arn:aws:iam::000000000000:policy/non-existent-policy';
      const f = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
      assert.deepEqual(f, { code: 'NoSuchEntity', message: `Policy ${arn} was not found.`, status: 404 });
    });

    test('a second policy with the same name already exists', async () => {
      await iam.send(new CreatePolicyCommand({ PolicyName: 'dup', PolicyDocument: JSON.stringify(allow('s3:*')) }));
      const f = await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'dup', Path: '/other/', PolicyDocument: JSON.stringify(allow('s3:*')) })));
      assert.deepEqual(f, { code: 'EntityAlreadyExists', message: 'A policy called dup already exists. Duplicate names are not allowed.', status: 409 });
    });

    test('a managed policy that is not JSON is refused', async () => {
      const f = await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: 'null' })));
      assert.equal(f.message, 'Syntax errors in policy.');
    });
  });
});
