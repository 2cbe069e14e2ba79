import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, anonymous, cloudtrail, decide, doc, root, session, user } from './fixtures.js';
import type { Principal } from '../../emulator/core/principal.js';
import { matchNotPrincipal, matchPrincipal } from '../../emulator/policy/principal-match.js';
import type { PrincipalMatch } from '../../emulator/policy/principal-match.js';

const alice = user(A, 'alice', '/staff/');
const ops = session(A, 'Ops', 'night-shift', '/team/');

describe('Principal element', () => {
  const cases: Array<[element: unknown, principal: Principal, label: string, expected: PrincipalMatch]> = [
    ['*', anonymous, 'anonymous', 'direct'],
    [{ AWS: '*' }, anonymous, 'anonymous', 'direct'],
    [{ AWS: '*' }, cloudtrail, 'a service', 'direct'],
    [{ AWS: A }, alice, 'a user of the account', 'account'],
    [{ AWS: `arn:aws:iam::${A}:root` }, alice, 'a user of the account', 'account'],
    [{ AWS: `arn:aws:iam::${A}:root` }, root(A), 'the root user', 'account'],
    [{ AWS: `arn:aws:iam::${A}:root` }, ops, 'a session of the account', 'account'],
    [{ AWS: `arn:aws:iam::${B}:root` }, alice, 'a user of another account', 'none'],
    [{ AWS: A }, anonymous, 'anonymous', 'none'],
    [{ AWS: `arn:aws:iam::${A}:user/staff/alice` }, alice, 'that user (with path)', 'direct'],
    [{ AWS: `arn:aws:iam::${A}:user/alice` }, alice, 'that user without its path', 'none'],
    [{ AWS: `arn:aws:iam::${A}:user/staff/*` }, alice, 'a user (wildcards are not supported)', 'none'],
    [{ AWS: [`arn:aws:iam::${A}:user/bob`, `arn:aws:iam::${A}:root`] }, alice, 'a user, named only through the account', 'account'],
    [{ AWS: `arn:aws:iam::${A}:role/team/Ops` }, ops, 'a session of that role', 'direct'],
    [{ AWS: `arn:aws:sts::${A}:assumed-role/Ops/night-shift` }, ops, 'that exact session', 'direct'],
    [{ AWS: `arn:aws:sts::${A}:assumed-role/Ops/day-shift` }, ops, 'another session of the role', 'none'],
    [{ AWS: `arn:aws:iam::${A}:role/team/Ops` }, alice, 'a user', 'none'],
    [{ Service: 'cloudtrail.amazonaws.com' }, cloudtrail, 'that service', 'direct'],
    [{ Service: 'config.amazonaws.com' }, cloudtrail, 'another service', 'none'],
    [{ Service: 'cloudtrail.amazonaws.com' }, alice, 'a user', 'none'],
    [{ Federated: 'cognito-identity.amazonaws.com' }, alice, 'a user', 'none'],
    ['everyone', alice, 'anyone (malformed element)', 'none'],
  ];
  for (const [element, principal, label, expected] of cases) {
    test(`${JSON.stringify(element)} matches ${label}: ${expected}`, () => assert.equal(matchPrincipal(element, principal), expected));
  }
});

describe('NotPrincipal (with Deny): an exclusion must name the account and the caller', () => {
  const allowAll = { Sid: 'Everyone', Effect: 'Allow' as const, Principal: '*' as const, Action: 's3:*', Resource: '*' };
  const denyExcept = (...names: string[]) => doc(allowAll, { Sid: 'OnlyThese', Effect: 'Deny', NotPrincipal: { AWS: names }, Action: 's3:*', Resource: '*' });
  const get = (principal: Principal, policy: ReturnType<typeof denyExcept>) =>
    decide({ principal, action: 's3:GetObject', resource: 'arn:aws:s3:::vault/x', mode: 'standard', resourcePolicy: policy }).effect;

  test('a user named together with the account is excluded from the deny', () => {
    assert.equal(get(alice, denyExcept(alice.arn, `arn:aws:iam::${A}:root`)), 'Allow');
  });

  test('a user named without the account is still denied', () => {
    assert.equal(get(alice, denyExcept(alice.arn)), 'ExplicitDeny');
  });

  test('naming only the account excludes the root user, not the account\'s users', () => {
    assert.equal(get(root(A), denyExcept(`arn:aws:iam::${A}:root`)), 'Allow');
    assert.equal(get(alice, denyExcept(`arn:aws:iam::${A}:root`)), 'ExplicitDeny');
  });

  test('a session is excluded by its role ARN plus the account', () => {
    assert.equal(get(ops, denyExcept(ops.role!.arn, A)), 'Allow');
  });

  test('everyone else, anonymous included, is denied', () => {
    const policy = denyExcept(alice.arn, A);
    assert.equal(get(user(A, 'bob'), policy), 'ExplicitDeny');
    assert.equal(get(anonymous, policy), 'ExplicitDeny');
  });

  test('a service is excluded when its name is listed', () => {
    assert.equal(matchNotPrincipal({ Service: 'cloudtrail.amazonaws.com' }, cloudtrail), 'none');
    assert.equal(matchNotPrincipal({ AWS: A }, cloudtrail), 'direct');
  });
});
