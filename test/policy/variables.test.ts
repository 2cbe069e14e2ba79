import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, decide, root, session, user } from './fixtures.js';
import type { PolicyDocument, Statement } from '../../emulator/policy/types.js';
import type { Principal } from '../../emulator/core/principal.js';

/** Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html */
const BUCKET = 'arn:aws:s3:::home-bucket';
const alice = user(A, 'alice');

function allowed(statement: Statement, resource: string, principal: Principal = alice, version: string | null = '2012-10-17', context = {}): boolean {
  const document = { ...(version ? { Version: version } : {}), Statement: [statement] } as PolicyDocument;
  return decide({ principal, action: 's3:GetObject', resource, resourceAccount: A, mode: 'none', identity: [{ name: 'Home', document }], context }).allowed;
}

const homeStatement: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` };

describe('policy variables in Resource', () => {
  test('${aws:username} becomes the caller\'s user name', () => {
    assert.equal(allowed(homeStatement, `${BUCKET}/home/alice/notes.txt`), true);
    assert.equal(allowed(homeStatement, `${BUCKET}/home/bob/notes.txt`), false);
  });

  test('a variable with no value matches no resource (an assumed role has no aws:username)', () => {
    assert.equal(allowed(homeStatement, `${BUCKET}/home//notes.txt`, session(A, 'Ops', 's')), false);
    assert.equal(allowed(homeStatement, `${BUCKET}/home/\${aws:username}/notes.txt`, session(A, 'Ops', 's')), false);
  });

  test('a default value stands in for a missing key', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/team-\${aws:PrincipalTag/team, 'company-wide'}/*` };
    assert.equal(allowed(s, `${BUCKET}/team-company-wide/readme`), true);
    assert.equal(allowed(s, `${BUCKET}/team-yellow/readme`, alice, '2012-10-17', { 'aws:PrincipalTag/team': 'yellow' }), true);
  });

  test('variable names are case-insensitive', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${AWS:UserName}/*` };
    assert.equal(allowed(s, `${BUCKET}/alice/x`), true);
  });

  test('${aws:PrincipalAccount} and ${aws:userid}', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:PrincipalAccount}/\${aws:userid}/*` };
    assert.equal(allowed(s, `${BUCKET}/${A}/${alice.principalId}/x`), true);
    assert.equal(allowed(s, `${BUCKET}/${A}/${A}/x`, root(A)), true);
  });

  test('substituted text is literal: a * in the value is not a wildcard', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:PrincipalTag/dir}/file` };
    assert.equal(allowed(s, `${BUCKET}/anything/file`, alice, '2012-10-17', { 'aws:PrincipalTag/dir': '*' }), false);
    assert.equal(allowed(s, `${BUCKET}/*/file`, alice, '2012-10-17', { 'aws:PrincipalTag/dir': '*' }), true);
  });

  test('${*}, ${?} and ${$} stand for the literal characters', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/price\${$}\${?}\${*}` };
    assert.equal(allowed(s, `${BUCKET}/price$?*`), true);
    assert.equal(allowed(s, `${BUCKET}/price$x-anything`), false);
  });

  test('without Version 2012-10-17 variables are literal text', () => {
    assert.equal(allowed(homeStatement, `${BUCKET}/home/alice/notes.txt`, alice, '2008-10-17'), false);
    assert.equal(allowed(homeStatement, `${BUCKET}/home/\${aws:username}/notes.txt`, alice, null), true);
  });

  test('a multi-valued key cannot be used as a variable', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:TagKeys}/*` };
    assert.equal(allowed(s, `${BUCKET}/a/x`, alice, '2012-10-17', { 'aws:TagKeys': ['a'] }), false);
  });
});

describe('policy variables in Condition values', () => {
  const prefixed = (op: string): Statement => ({
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { [op]: { 's3:prefix': 'home/${aws:username}/*' } },
  });

  test('StringLike resolves the variable and keeps the wildcard', () => {
    assert.equal(allowed(prefixed('StringLike'), BUCKET, alice, '2012-10-17', { 's3:prefix': 'home/alice/docs' }), true);
    assert.equal(allowed(prefixed('StringLike'), BUCKET, alice, '2012-10-17', { 's3:prefix': 'home/bob/docs' }), false);
  });

  test('with no value, StringLike does not match and StringNotLike does ("inverted operators match a null value")', () => {
    const role = session(A, 'Ops', 's');
    assert.equal(allowed(prefixed('StringLike'), BUCKET, role, '2012-10-17', { 's3:prefix': 'home/x/docs' }), false);
    assert.equal(allowed(prefixed('StringNotLike'), BUCKET, role, '2012-10-17', { 's3:prefix': 'home/x/docs' }), true);
  });

  test('the encryption context can be required to carry the caller\'s name', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } } };
    assert.equal(allowed(s, BUCKET, alice, '2012-10-17', { 'kms:EncryptionContext:user': 'alice' }), true);
    assert.equal(allowed(s, BUCKET, alice, '2012-10-17', { 'kms:EncryptionContext:user': 'bob' }), false);
  });

  test('numeric operators do not take variables', () => {
    const s: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { NumericEquals: { 's3:max-keys': '${aws:EpochTime}' } } };
    assert.equal(allowed(s, BUCKET, alice, '2012-10-17', { 's3:max-keys': 1772366400 }), false);
  });
});
