import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, GetKeyPolicyCommand,
  PutKeyPolicyCommand, ScheduleKeyDeletionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import type { RunningEmulator } from '../../emulator/server.js';
import { ACCOUNT, REGION, addRoleSession, addUser, allow, failure, kmsAs, labKeyPolicy, newAccount, start, type Actor } from './support.js';

/**
 * The lab's lesson: a key policy decides who may use a key. Policy texts follow seed 000 (key-consolepolicy-3);
 * denial texts are AWS's (aws-behaviour.md §A.1 captures): `User: <arn> is not authorized to perform: kms:<Action>
 * on resource: <key arn> because no identity-based|resource-based policy allows the kms:<Action> action`.
 */
describe('KMS key policies, as the lab teaches them', () => {
  let running: RunningEmulator;
  let root: KMSClient;
  let admin: Actor; // the lab's role session, AWSLabsUser-…
  let alice: Actor; // an IAM user with no IAM policy at all
  before(async () => {
    ({ running, kms: root } = await start());
    admin = addRoleSession(running, 'AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU', 'e7d9b1d2-9499-4258-a2ce-52ce1fd8efa0');
    alice = addUser(running, 'alice');
  });
  after(() => running.stop());

  // Without the root statement the creating root user is locked out, so such keys need the bypass flag.
  const labKey = async (users?: string[], rootStatement = true) =>
    (await root.send(new CreateKeyCommand({
      Description: 'myFirstKey',
      Policy: labKeyPolicy({ admins: [admin.roleArn!], users, root: rootStatement }),
      BypassPolicyLockoutSafetyCheck: !rootStatement,
    }))).KeyMetadata!;

  test('with only the root and administrator statements, a user\'s Encrypt is AccessDenied "because no identity-based policy allows" (copilot-cli#5500 form)', async () => {
    const key = await labKey();
    const e = await failure(kmsAs(running, alice.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.$metadata?.httpStatusCode, 400);
    assert.equal(e.message, `User: ${alice.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Encrypt action`);
  });

  test('without the root statement, even an IAM kms:* user is AccessDenied "because no resource-based policy allows" (modernisation-platform#1296 form)', async () => {
    const key = await labKey(undefined, false);
    const bob = addUser(running, 'bob-iam-star', { kmsAll: allow('kms:*') });
    const e = await failure(kmsAs(running, bob.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.message, `User: ${bob.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no resource-based policy allows the kms:Encrypt action`);
  });

  test('once PutKeyPolicy makes the user a key user, Encrypt and Decrypt work', async () => {
    const key = await labKey();
    const asAlice = kmsAs(running, alice.creds);
    await failure(asAlice.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
    await kmsAs(running, admin.creds).send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: labKeyPolicy({ admins: [admin.roleArn!], users: [alice.arn] }) }));
    const enc = await asAlice.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('now allowed') }));
    assert.equal(Buffer.from((await asAlice.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext!).toString(), 'now allowed');
  });

  test('the key administrator can DescribeKey, GetKeyPolicy, PutKeyPolicy and ScheduleKeyDeletion', async () => {
    const key = await labKey();
    const asAdmin = kmsAs(running, admin.creds);
    assert.equal((await asAdmin.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.Arn, key.Arn);
    const { Policy } = await asAdmin.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));
    await asAdmin.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy }));
    assert.equal((await asAdmin.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }))).KeyState, 'PendingDeletion');
  });

  test('the key administrator cannot Encrypt or Decrypt with the key', async () => {
    const key = await labKey();
    const asAdmin = kmsAs(running, admin.creds);
    const enc = await failure(asAdmin.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(enc.name, 'AccessDeniedException');
    assert.equal(enc.message, `User: ${admin.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Encrypt action`);
    const { CiphertextBlob } = await root.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    const dec = await failure(asAdmin.send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(dec.message, `User: ${admin.arn} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Decrypt action`);
  });

  test('the root statement delegates to IAM: a user with an IAM allow can use the key', async () => {
    const key = await labKey();
    const carol = addUser(running, 'carol', { useKeys: allow(['kms:GenerateDataKey', 'kms:Decrypt'], key.Arn) });
    const dk = await kmsAs(running, carol.creds).send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
    assert.equal(dk.KeyId, key.Arn);
  });

  test('an explicit deny in an IAM policy beats the key policy: "with an explicit deny in an identity-based policy"', async () => {
    const key = await labKey();
    const dave = addUser(running, 'dave', {
      deny: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] },
    });
    await root.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: labKeyPolicy({ admins: [admin.roleArn!], users: [dave.arn] }) }));
    const { CiphertextBlob } = await kmsAs(running, dave.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    const e = await failure(kmsAs(running, dave.creds).send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(e.message, `User: ${dave.arn} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} with an explicit deny in an identity-based policy`);
  });

  test('kms:EncryptionContext:<key> conditions in the key policy are evaluated against the request', async () => {
    const erin = addUser(running, 'erin');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Engineering only', Effect: 'Allow', Principal: { AWS: erin.arn }, Action: 'kms:Encrypt', Resource: '*',
          Condition: { StringEquals: { 'kms:EncryptionContext:Department': 'Engineering' } } },
      ],
    });
    const key = (await root.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!;
    const asErin = kmsAs(running, erin.creds);
    await asErin.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { Department: 'Engineering' } }));
    const e = await failure(asErin.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { Department: 'Sales' } })));
    assert.equal(e.name, 'AccessDeniedException');
  });

  test('PutKeyPolicy that would lock the caller out is MalformedPolicyDocumentException "The new key policy will not allow you to update the key policy in the future." (terraform-aws-kms#14)', async () => {
    const key = await labKey();
    const lockout = labKeyPolicy({ admins: [alice.arn], root: false });
    const e = await failure(kmsAs(running, admin.creds).send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout })));
    assert.equal(e.name, 'MalformedPolicyDocumentException');
    assert.equal(e.message, 'The new key policy will not allow you to update the key policy in the future.');
    await kmsAs(running, admin.creds).send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    assert.equal((await failure(kmsAs(running, admin.creds).send(new DescribeKeyCommand({ KeyId: key.KeyId })))).name, 'AccessDeniedException');
  });

  test('CreateKey applies the same lockout check to the caller', async () => {
    const e = await failure(root.send(new CreateKeyCommand({ Policy: labKeyPolicy({ admins: [alice.arn], root: false }) })));
    assert.equal(e.name, 'MalformedPolicyDocumentException');
    assert.equal(e.message, 'The new key policy will not allow you to update the key policy in the future.');
  });

  test('a key policy naming a principal that does not exist is "Policy contains a statement with one or more invalid principals." (minimum-viable-dataspace-on-aws#6)', async () => {
    const e = await failure(root.send(new CreateKeyCommand({ Policy: labKeyPolicy({ admins: [`arn:aws:iam::${ACCOUNT}:user/nobody`] }) })));
    assert.equal(e.name, 'MalformedPolicyDocumentException');
    assert.equal(e.message, 'Policy contains a statement with one or more invalid principals.');
  });

  test('CreateKey needs kms:CreateKey in an IAM policy: "… on resource: * because no identity-based policy allows the kms:CreateKey action"', async () => {
    const e = await failure(kmsAs(running, alice.creds).send(new CreateKeyCommand({})));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.message, `User: ${alice.arn} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`);
  });

  test('CreateAlias needs kms:CreateAlias on the alias (IAM) as well as on the key (key policy)', async () => {
    const key = await labKey();
    const frank = addUser(running, 'frank', { onKey: allow('kms:CreateAlias', key.Arn) });
    const e = await failure(kmsAs(running, frank.creds).send(new CreateAliasCommand({ AliasName: 'alias/frank', TargetKeyId: key.KeyId })));
    assert.equal(e.message, `User: ${frank.arn} is not authorized to perform: kms:CreateAlias on resource: arn:aws:kms:${REGION}:${ACCOUNT}:alias/frank because no identity-based policy allows the kms:CreateAlias action`);
    const grace = addUser(running, 'grace', { both: allow('kms:CreateAlias', [key.Arn!, `arn:aws:kms:${REGION}:${ACCOUNT}:alias/grace`]) });
    await kmsAs(running, grace.creds).send(new CreateAliasCommand({ AliasName: 'alias/grace', TargetKeyId: key.KeyId }));
  });

  test('another account uses the key by ARN when the key policy names that account and its IAM policy allows', async () => {
    const other = await newAccount(running);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Other account', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other.accountId}:root` }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
      ],
    });
    const key = (await root.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!;
    const henry = addUser(running, 'henry', { use: allow(['kms:Encrypt', 'kms:Decrypt'], key.Arn) }, other.accountId);
    const asHenry = kmsAs(running, henry.creds);
    const enc = await asHenry.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: Buffer.from('cross') }));
    assert.equal(Buffer.from((await asHenry.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext!).toString(), 'cross');
  });

  test('a caller from an account the key policy does not name is not told the key exists (buildkite/docs#2344 text)', async () => {
    const key = await labKey();
    const other = await newAccount(running);
    const ivan = addUser(running, 'ivan', { all: allow('kms:*') }, other.accountId);
    const e = await failure(kmsAs(running, ivan.creds).send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: 'AES_256' })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.message, `User: ${ivan.arn} is not authorized to perform: kms:GenerateDataKey on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`);
  });
});
