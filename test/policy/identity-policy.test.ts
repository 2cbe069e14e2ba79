import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, KEY_ARN, anonymous, cloudtrail, decide, named, root, session, user } from './fixtures.js';
import type { Scenario } from './fixtures.js';
import type { NamedPolicy, Statement } from '../../emulator/policy/types.js';

/** Identity policies alone (mode 'none': resources without a resource policy, e.g. iam:CreateUser). */
const alice = user(A, 'alice');
const NEW_USER = `arn:aws:iam::${A}:user/new-hire`;

const iam = (identity: NamedPolicy[], over: Partial<Scenario> = {}): Scenario => ({
  principal: alice,
  action: 'iam:CreateUser',
  resource: NEW_USER,
  mode: 'none',
  identity,
  ...over,
});

describe('identity policies only', () => {
  test('nothing allows → implicit deny with the identity-based reason', () => {
    const d = decide(iam([]));
    assert.deepEqual(d, {
      allowed: false,
      effect: 'ImplicitDeny',
      deciding: [],
      deniedBy: 'identity-based',
      reason: 'because no identity-based policy allows the iam:CreateUser action',
    });
  });

  test('the root user is allowed everything without policies', () => {
    assert.equal(decide(iam([], { principal: root(A) })).allowed, true);
  });

  test('anonymous and service principals have no identity side', () => {
    const everything = [named('All', { Effect: 'Allow', Action: '*', Resource: '*' })];
    assert.equal(decide(iam(everything, { principal: anonymous })).allowed, false);
    assert.equal(decide(iam(everything, { principal: cloudtrail })).allowed, false);
  });

  test('an assumed-role session is allowed by its role\'s policies', () => {
    const d = decide(iam([named('arn:aws:iam::aws:policy/IAMFullAccess', { Effect: 'Allow', Action: 'iam:*', Resource: '*' })], { principal: session(A, 'Admin', 's') }));
    assert.equal(d.allowed, true);
    assert.deepEqual(d.deciding, [{ policyType: 'identity-based', policyName: 'arn:aws:iam::aws:policy/IAMFullAccess', index: 0 }]);
  });

  test('every granting statement across policies is reported, with its policy name, Sid and 0-based index', () => {
    const d = decide(iam([
      named('First', { Sid: 'Unrelated', Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Sid: 'Users', Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }),
      named('Second', { Effect: 'Allow', Action: 'iam:Create*', Resource: `arn:aws:iam::${A}:user/*` }),
    ]));
    assert.deepEqual(d.deciding, [
      { policyType: 'identity-based', policyName: 'First', sid: 'Users', index: 1 },
      { policyType: 'identity-based', policyName: 'Second', index: 0 },
    ]);
  });

  test('a Deny is reported alone, as the statement that decided', () => {
    const d = decide(iam([
      named('Allow', { Effect: 'Allow', Action: '*', Resource: '*' }),
      named('Guardrail', { Sid: 'Keep', Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Sid: 'NoNewUsers', Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }),
    ]));
    assert.equal(d.effect, 'ExplicitDeny');
    assert.deepEqual(d.deciding, [{ policyType: 'identity-based', policyName: 'Guardrail', sid: 'NoNewUsers', index: 1 }]);
  });

  test('a document whose Statement is a single object works like a one-element list', () => {
    const single: NamedPolicy = { name: 'One', document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' } } };
    assert.equal(decide(iam([single])).allowed, true);
  });
});

describe('Action, NotAction, Resource, NotResource', () => {
  const cases: Array<{ name: string; statement: Statement; allowed: boolean }> = [
    { name: 'Action list containing the action', statement: { Effect: 'Allow', Action: ['s3:GetObject', 'iam:CreateUser'], Resource: '*' }, allowed: true },
    { name: 'Action matched case-insensitively', statement: { Effect: 'Allow', Action: 'IAM:createuser', Resource: '*' }, allowed: true },
    { name: 'NotAction excluding another service', statement: { Effect: 'Allow', NotAction: 's3:*', Resource: '*' }, allowed: true },
    { name: 'NotAction excluding the action', statement: { Effect: 'Allow', NotAction: ['iam:Create*'], Resource: '*' }, allowed: false },
    { name: 'Resource naming another user', statement: { Effect: 'Allow', Action: 'iam:CreateUser', Resource: `arn:aws:iam::${A}:user/other` }, allowed: false },
    { name: 'NotResource excluding another path', statement: { Effect: 'Allow', Action: 'iam:CreateUser', NotResource: `arn:aws:iam::${A}:user/admins/*` }, allowed: true },
    { name: 'NotResource excluding the resource', statement: { Effect: 'Allow', Action: 'iam:CreateUser', NotResource: `arn:aws:iam::${A}:user/new-*` }, allowed: false },
    { name: 'statement without Resource has no effect', statement: { Effect: 'Allow', Action: 'iam:CreateUser' }, allowed: false },
    { name: 'statement with both Action and NotAction has no effect', statement: { Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*' }, allowed: false },
    { name: 'statement naming a Principal in an identity policy has no effect', statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }, allowed: false },
    { name: 'statement with a misspelt Effect has no effect', statement: { Effect: 'allow' as 'Allow', Action: '*', Resource: '*' }, allowed: false },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.allowed ? 'allowed' : 'denied'}`, () => {
      assert.equal(decide(iam([named('P', c.statement)])).allowed, c.allowed);
    });
  }

  test('Deny with NotAction denies everything except the listed actions', () => {
    const policies = [named('P', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', NotAction: ['kms:Describe*', 'kms:List*'], Resource: '*' })];
    assert.equal(decide({ principal: alice, action: 'kms:DescribeKey', mode: 'none', identity: policies }).allowed, true);
    assert.equal(decide({ principal: alice, action: 'kms:Decrypt', mode: 'none', identity: policies }).effect, 'ExplicitDeny');
  });

  test('an action whose resource is "*" (kms:CreateKey) is granted only by Resource "*"', () => {
    const onKey = [named('P', { Effect: 'Allow', Action: 'kms:CreateKey', Resource: KEY_ARN })];
    const onAll = [named('P', { Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' })];
    assert.equal(decide({ principal: alice, action: 'kms:CreateKey', resource: '*', mode: 'none', identity: onKey }).allowed, false);
    assert.equal(decide({ principal: alice, action: 'kms:CreateKey', resource: '*', mode: 'none', identity: onAll }).allowed, true);
  });
});
