import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, NOW, anonymous, cloudtrail, conditionHolds, request, root, session, user } from './fixtures.js';
import { buildContext } from '../../emulator/policy/context.js';
import type { Principal } from '../../emulator/core/principal.js';

/**
 * Keys the engine derives from the caller (global condition keys; the principal table in
 * reference_policies_variables.html). Caller-supplied values win.
 */
const alice = user(A, 'alice');
const ops = session(A, 'Ops', 'night-shift', '/team/');

function keysOf(principal: Principal, extra: Record<string, string | undefined> = {}) {
  const ctx = buildContext(request({ principal, action: 'kms:Encrypt', context: extra }), NOW);
  const get = (k: string) => ctx.values(k)?.join(',');
  return {
    arn: get('aws:PrincipalArn'),
    account: get('aws:PrincipalAccount'),
    type: get('aws:PrincipalType'),
    userid: get('aws:userid'),
    username: get('aws:username'),
    service: get('aws:PrincipalServiceName'),
    isService: get('aws:PrincipalIsAWSService'),
  };
}

describe('principal-derived context keys', () => {
  test('root user', () => {
    assert.deepEqual(keysOf(root(A)), { arn: `arn:aws:iam::${A}:root`, account: A, type: 'Account', userid: A, username: undefined, service: undefined, isService: 'false' });
  });

  test('IAM user', () => {
    assert.deepEqual(keysOf(alice), { arn: alice.arn, account: A, type: 'User', userid: alice.principalId, username: 'alice', service: undefined, isService: 'false' });
  });

  test('assumed role: aws:PrincipalArn is the role ARN (with its path), aws:userid is AROA…:session', () => {
    assert.deepEqual(keysOf(ops), {
      arn: `arn:aws:iam::${A}:role/team/Ops`,
      account: A,
      type: 'AssumedRole',
      userid: ops.principalId,
      username: undefined,
      service: undefined,
      isService: 'false',
    });
  });

  test('anonymous', () => {
    assert.deepEqual(keysOf(anonymous), { arn: undefined, account: undefined, type: 'Anonymous', userid: 'anonymous', username: undefined, service: undefined, isService: 'false' });
  });

  test('service principal', () => {
    assert.deepEqual(keysOf(cloudtrail), { arn: undefined, account: undefined, type: undefined, userid: undefined, username: undefined, service: 'cloudtrail.amazonaws.com', isService: 'true' });
  });

  test('a caller-supplied value overrides the derived one; an undefined one does not erase it', () => {
    assert.equal(keysOf(alice, { 'AWS:USERNAME': 'mallory' }).username, 'mallory');
    assert.equal(keysOf(alice, { 'aws:username': undefined }).username, 'alice');
  });
});

describe('time keys', () => {
  test('aws:CurrentTime and aws:EpochTime default to the evaluation clock', () => {
    const ctx = buildContext(request({ principal: alice, action: 'kms:Encrypt' }), NOW);
    assert.deepEqual(ctx.values('aws:CurrentTime'), ['2026-03-01T12:00:00Z']);
    assert.deepEqual(ctx.values('aws:EpochTime'), ['1772366400']);
  });

  test('a supplied aws:CurrentTime is used instead', () => {
    assert.equal(conditionHolds({ DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, { 'aws:CurrentTime': new Date('2019-06-01T00:00:00Z') }), true);
  });

  test('aws:TokenIssueTime is the session\'s issue time', () => {
    assert.equal(conditionHolds({ DateGreaterThan: { 'aws:TokenIssueTime': '2026-03-01T10:00:00Z' } }, {}, ops), true);
    assert.equal(conditionHolds({ Null: { 'aws:TokenIssueTime': 'true' } }, {}, alice), true);
  });
});
