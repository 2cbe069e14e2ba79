import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, allowing, decide, doc, root, session, user } from './fixtures.js';
import type { Scenario } from './fixtures.js';

/** sts:AssumeRole against a role's trust policy (mode 'role-trust'): trust policies have no Resource. */
const ROLE = `arn:aws:iam::${A}:role/LabAuditor`;
const alice = user(A, 'alice');
const carol = user(B, 'carol');

const assume = (over: Partial<Scenario> & Pick<Scenario, 'principal'>): Scenario => ({
  action: 'sts:AssumeRole',
  resource: ROLE,
  resourceAccount: A,
  mode: 'role-trust',
  ...over,
});

describe('role trust policy', () => {
  test('a trust policy naming the user lets them assume the role without an IAM allow', () => {
    const trust = doc({ Sid: 'TrustAlice', Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' });
    const d = decide(assume({ principal: alice, resourcePolicy: trust }));
    assert.equal(d.allowed, true);
    assert.deepEqual(d.deciding, [{ policyType: 'resource-based', sid: 'TrustAlice', index: 0 }]);
  });

  test('a trust policy naming the account needs an IAM allow for sts:AssumeRole', () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' });
    assert.equal(decide(assume({ principal: alice, resourcePolicy: trust })).reason, 'because no identity-based policy allows the sts:AssumeRole action');
    assert.equal(decide(assume({ principal: alice, resourcePolicy: trust, identity: [allowing('sts:AssumeRole', ROLE)] })).allowed, true);
  });

  test('a trust policy that does not name the caller refuses even with an IAM allow', () => {
    const trust = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
    const d = decide(assume({ principal: alice, resourcePolicy: trust, identity: [allowing('sts:*')] }));
    assert.equal(d.reason, 'because no resource-based policy allows the sts:AssumeRole action');
  });

  test('a role session can assume another role its trust policy names (role chaining)', () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:role/Pipeline` }, Action: 'sts:AssumeRole' });
    assert.equal(decide(assume({ principal: session(A, 'Pipeline', 'build-7'), resourcePolicy: trust })).allowed, true);
  });

  describe('cross-account with sts:ExternalId', () => {
    const trust = doc({
      Sid: 'ThirdParty',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${B}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'lab-7f3a' } },
    });
    const carolMayAssume = [allowing('sts:AssumeRole', ROLE)];

    test('the right external id is accepted', () => {
      assert.equal(decide(assume({ principal: carol, resourcePolicy: trust, identity: carolMayAssume, context: { 'sts:ExternalId': 'lab-7f3a' } })).allowed, true);
    });

    test('a wrong external id is refused', () => {
      assert.equal(decide(assume({ principal: carol, resourcePolicy: trust, identity: carolMayAssume, context: { 'sts:ExternalId': 'guess' } })).deniedBy, 'resource-based');
    });

    test('a missing external id is refused', () => {
      assert.equal(decide(assume({ principal: carol, resourcePolicy: trust, identity: carolMayAssume })).allowed, false);
    });

    test('the right external id is not enough without the caller\'s own IAM allow', () => {
      assert.equal(decide(assume({ principal: carol, resourcePolicy: trust, context: { 'sts:ExternalId': 'lab-7f3a' } })).deniedBy, 'identity-based');
    });

    test('the root user of account B needs no IAM allow', () => {
      assert.equal(decide(assume({ principal: root(B), resourcePolicy: trust, context: { 'sts:ExternalId': 'lab-7f3a' } })).allowed, true);
    });
  });
});
