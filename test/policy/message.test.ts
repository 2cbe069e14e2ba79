import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, KEY_ARN, allowing, anonymous, consoleKeyPolicy, decide, named, request, session, user } from './fixtures.js';
import type { Scenario } from './fixtures.js';
import { accessDeniedMessage } from '../../emulator/policy/message.js';

/** AWS's access-denied wording (aws-behaviour.md §A.1, real captures). */
const messageFor = (s: Scenario): string => accessDeniedMessage(request(s), decide(s));
const ops = session(A, 'trustgate-parent-role', 'i-0abc');

describe('access-denied messages', () => {
  test('key policy does not allow the caller', () => {
    const s: Scenario = { principal: ops, action: 'kms:Decrypt', resourcePolicy: consoleKeyPolicy({ rootStatement: false }), identity: [allowing('kms:*')] };
    assert.equal(
      messageFor(s),
      `User: arn:aws:sts::${A}:assumed-role/trustgate-parent-role/i-0abc is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no resource-based policy allows the kms:Decrypt action`,
    );
  });

  test('key policy delegates to the account but no IAM policy allows', () => {
    const s: Scenario = { principal: user(A, 'EC2Cryptomatic'), action: 'kms:GenerateDataKey', resourcePolicy: consoleKeyPolicy() };
    assert.equal(
      messageFor(s),
      `User: arn:aws:iam::${A}:user/EC2Cryptomatic is not authorized to perform: kms:GenerateDataKey on resource: ${KEY_ARN} because no identity-based policy allows the kms:GenerateDataKey action`,
    );
  });

  test('explicit deny in an identity-based policy', () => {
    const s: Scenario = { principal: ops, action: 'kms:Decrypt', resourcePolicy: consoleKeyPolicy(), identity: [named('Deny', { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' })] };
    assert.match(messageFor(s), / on resource: arn:aws:kms:\S+ with an explicit deny in an identity-based policy$/);
  });

  test('explicit deny in a resource-based policy', () => {
    const policy = consoleKeyPolicy();
    (policy.Statement as object[]).push({ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' });
    assert.match(messageFor({ principal: ops, action: 'kms:Decrypt', resourcePolicy: policy }), / with an explicit deny in a resource-based policy$/);
  });

  test('the anonymous caller is written "User: anonymous"', () => {
    const s: Scenario = { principal: anonymous, action: 's3:GetObject', resource: 'arn:aws:s3:::lab-bucket/secret.txt', mode: 'standard' };
    assert.equal(messageFor(s), 'User: anonymous is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::lab-bucket/secret.txt because no resource-based policy allows the s3:GetObject action');
  });

  test('KMS\'s concealed form names no resource', () => {
    const s: Scenario = { principal: user(B, 'carol'), action: 'kms:GenerateDataKey', resourcePolicy: consoleKeyPolicy() };
    assert.equal(
      accessDeniedMessage(request(s), decide(s), { conceal: 'this resource' }),
      `User: arn:aws:iam::${B}:user/carol is not authorized to perform: kms:GenerateDataKey on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`,
    );
  });

  test('asking for the message of an allowed request is a programming error', () => {
    const s: Scenario = { principal: user(A, 'alice'), action: 'iam:ListUsers', resource: '*', mode: 'none', identity: [allowing('iam:*')] };
    assert.throws(() => messageFor(s), /was allowed/);
  });
});
