import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, KEY_ARN, KEY_USER_ACTIONS, allowing, consoleKeyPolicy, decide, doc, named, root, session, user } from './fixtures.js';

/**
 * The lab's key: a console-style key policy in account A that names a key administrator (a role) and a
 * key user (an IAM user). KMS rule under test: IAM policies count only when the key policy allows the
 * account (KMS developer guide, key-policies.html; aws-behaviour.md §A.3).
 */
const keyAdmin = session(A, 'KeyAdmin', 'admin-session');
const alice = user(A, 'alice');
const bob = user(A, 'bob');
const labPolicy = consoleKeyPolicy({ admins: ['arn:aws:iam::111122223333:role/KeyAdmin'], users: [alice.arn] });

describe('key policy (mode kms-key)', () => {
  test('a key administrator cannot encrypt: the admin statement has no kms:Encrypt and no IAM policy allows it', () => {
    const d = decide({ principal: keyAdmin, action: 'kms:Encrypt', resourcePolicy: labPolicy });
    assert.equal(d.effect, 'ImplicitDeny');
    assert.equal(d.deniedBy, 'identity-based');
    assert.equal(d.reason, 'because no identity-based policy allows the kms:Encrypt action');
  });

  test('a key administrator can schedule key deletion, granted by "Allow access for Key Administrators"', () => {
    const d = decide({ principal: keyAdmin, action: 'kms:ScheduleKeyDeletion', resourcePolicy: labPolicy });
    assert.equal(d.effect, 'Allow');
    assert.deepEqual(d.deciding, [{ policyType: 'resource-based', sid: 'Allow access for Key Administrators', index: 1 }]);
  });

  test('kms:Get* in the admin statement does not cover GenerateDataKey', () => {
    assert.equal(decide({ principal: keyAdmin, action: 'kms:GenerateDataKey', resourcePolicy: labPolicy }).allowed, false);
  });

  test('a key user can encrypt without any IAM policy, granted by "Allow use of the key"', () => {
    const d = decide({ principal: alice, action: 'kms:Encrypt', resourcePolicy: labPolicy });
    assert.equal(d.allowed, true);
    assert.deepEqual(d.deciding, [{ policyType: 'resource-based', sid: 'Allow use of the key', index: 2 }]);
  });

  test('a key user cannot administer the key', () => {
    assert.equal(decide({ principal: alice, action: 'kms:PutKeyPolicy', resourcePolicy: labPolicy }).allowed, false);
  });

  test('the root statement plus an IAM allow lets a principal the key policy does not name use the key', () => {
    const d = decide({ principal: bob, action: 'kms:GenerateDataKey', resourcePolicy: labPolicy, identity: [allowing('kms:GenerateDataKey', KEY_ARN, 'KmsGdk')] });
    assert.equal(d.allowed, true);
    assert.deepEqual(d.deciding, [
      { policyType: 'identity-based', policyName: 'KmsGdk', sid: 'AllowIt', index: 0 },
      { policyType: 'resource-based', sid: 'Enable IAM User Permissions', index: 0 },
    ]);
  });

  test('the root statement alone grants nothing to an IAM user: "no identity-based policy allows"', () => {
    const d = decide({ principal: bob, action: 'kms:GenerateDataKey', resourcePolicy: labPolicy });
    assert.equal(d.allowed, false);
    assert.equal(d.reason, 'because no identity-based policy allows the kms:GenerateDataKey action');
  });

  test('an IAM allow without the root statement cannot use the key: "no resource-based policy allows"', () => {
    const d = decide({
      principal: bob,
      action: 'kms:Decrypt',
      resourcePolicy: consoleKeyPolicy({ rootStatement: false, users: [alice.arn] }),
      identity: [allowing('kms:*')],
    });
    assert.equal(d.effect, 'ImplicitDeny');
    assert.equal(d.deniedBy, 'resource-based');
    assert.equal(d.reason, 'because no resource-based policy allows the kms:Decrypt action');
  });

  test('a missing key policy denies everyone, even with IAM kms:*', () => {
    const d = decide({ principal: bob, action: 'kms:Decrypt', identity: [allowing('kms:*')] });
    assert.equal(d.deniedBy, 'resource-based');
  });

  test('the root user is allowed by the root statement', () => {
    assert.equal(decide({ principal: root(A), action: 'kms:PutKeyPolicy', resourcePolicy: labPolicy }).allowed, true);
  });

  test('the root user is locked out when the key policy does not name the account', () => {
    const d = decide({ principal: root(A), action: 'kms:PutKeyPolicy', resourcePolicy: consoleKeyPolicy({ rootStatement: false, users: [alice.arn] }) });
    assert.equal(d.allowed, false);
    assert.equal(d.deniedBy, 'resource-based');
  });

  test('a role ARN in the key policy covers every session of the role, whatever its path', () => {
    const pathed = session(A, 'Ops', 's1', '/team/');
    const policy = consoleKeyPolicy({ rootStatement: false, users: ['arn:aws:iam::111122223333:role/team/Ops'] });
    assert.equal(decide({ principal: pathed, action: 'kms:Decrypt', resourcePolicy: policy }).allowed, true);
  });
});

describe('explicit deny beats every allow', () => {
  test('an identity-policy Deny beats the key policy\'s own grant', () => {
    const deny = named('DenyKms', { Sid: 'NoKms', Effect: 'Deny', Action: 'kms:*', Resource: '*' });
    const d = decide({ principal: alice, action: 'kms:Encrypt', resourcePolicy: labPolicy, identity: [allowing('kms:*'), deny] });
    assert.equal(d.effect, 'ExplicitDeny');
    assert.equal(d.deniedBy, 'identity-based');
    assert.equal(d.reason, 'with an explicit deny in an identity-based policy');
    assert.deepEqual(d.deciding, [{ policyType: 'identity-based', policyName: 'DenyKms', sid: 'NoKms', index: 0 }]);
  });

  test('a key-policy Deny beats the key-user statement', () => {
    const policy = consoleKeyPolicy({ users: [alice.arn] });
    (policy.Statement as object[]).push({ Sid: 'NoDecryptForAlice', Effect: 'Deny', Principal: { AWS: alice.arn }, Action: 'kms:Decrypt', Resource: '*' });
    const d = decide({ principal: alice, action: 'kms:Decrypt', resourcePolicy: policy });
    assert.equal(d.effect, 'ExplicitDeny');
    assert.equal(d.reason, 'with an explicit deny in a resource-based policy');
    assert.deepEqual(d.deciding, [{ policyType: 'resource-based', sid: 'NoDecryptForAlice', index: 2 }]);
  });

  test('a key-policy Deny binds the root user too', () => {
    const policy = doc(
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'NoDelete', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
    );
    assert.equal(decide({ principal: root(A), action: 'kms:ScheduleKeyDeletion', resourcePolicy: policy }).effect, 'ExplicitDeny');
  });
});

describe('cross-account use of a key needs both sides', () => {
  const carol = user(B, 'carol');
  const trustsB = consoleKeyPolicy({ users: [`arn:aws:iam::${B}:root`] });

  test('key policy allows account B and carol\'s IAM policy allows: allowed', () => {
    assert.equal(decide({ principal: carol, action: 'kms:Decrypt', resourcePolicy: trustsB, identity: [allowing('kms:Decrypt', KEY_ARN)] }).allowed, true);
  });

  test('key policy allows account B but carol has no IAM allow: "no identity-based policy allows"', () => {
    assert.equal(decide({ principal: carol, action: 'kms:Decrypt', resourcePolicy: trustsB }).deniedBy, 'identity-based');
  });

  test('key policy names carol directly but her IAM policy does not allow: still denied', () => {
    const namesCarol = consoleKeyPolicy({ users: [carol.arn] });
    assert.equal(decide({ principal: carol, action: 'kms:Decrypt', resourcePolicy: namesCarol }).deniedBy, 'identity-based');
  });

  test('key policy does not mention account B: "no resource-based policy allows", whatever IAM says', () => {
    const d = decide({ principal: carol, action: 'kms:Decrypt', resourcePolicy: labPolicy, identity: [allowing('kms:*')] });
    assert.equal(d.deniedBy, 'resource-based');
  });

  test('the root user of account B is allowed once the key policy names account B', () => {
    assert.equal(decide({ principal: root(B), action: 'kms:Decrypt', resourcePolicy: trustsB }).allowed, true);
  });
});

describe('kms:ViaService and kms:CallerAccount (the aws/s3 managed key\'s statement)', () => {
  const awsS3KeyPolicy = doc({
    Sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: KEY_USER_ACTIONS,
    Resource: '*',
    Condition: { StringEquals: { 'kms:CallerAccount': A, 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
  });

  test('a caller of the account going through S3 may generate a data key', () => {
    const d = decide({ principal: bob, action: 'kms:GenerateDataKey', resourcePolicy: awsS3KeyPolicy, context: { 'kms:CallerAccount': A, 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
    assert.equal(d.allowed, true);
  });

  test('the same caller calling KMS directly may not', () => {
    assert.equal(decide({ principal: bob, action: 'kms:GenerateDataKey', resourcePolicy: awsS3KeyPolicy, context: { 'kms:CallerAccount': A } }).allowed, false);
  });
});

