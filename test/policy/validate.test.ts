import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, consoleKeyPolicy } from './fixtures.js';
import { parsePolicy, validatePolicy } from '../../emulator/policy/validate.js';
import type { PolicyKind } from '../../emulator/policy/validate.js';

const messages = async (doc: unknown, kind: PolicyKind, principalExists?: (arn: string) => boolean): Promise<string[]> =>
  (await validatePolicy(doc, { kind, ...(principalExists ? { principalExists } : {}) })).map((p) => p.message);

const identityDoc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const ok = { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' };

describe('parsePolicy', () => {
  test('parses a JSON object', () => {
    assert.deepEqual(parsePolicy('{"Statement":[]}'), { Statement: [] });
  });

  test('says when the text is not JSON', () => {
    assert.throws(() => parsePolicy('{"Statement": ['), /^Error: Policy is not valid JSON: /);
  });

  test('says when the JSON is not an object', () => {
    assert.throws(() => parsePolicy('[1, 2]'), /Policy must be a JSON object/);
  });
});

describe('valid policies have no problems', () => {
  test('the console key policy', async () => {
    assert.deepEqual(await messages(consoleKeyPolicy({ admins: [`arn:aws:iam::${A}:role/KeyAdmin`], users: [`arn:aws:iam::${A}:user/alice`] }), 'kms-key'), []);
  });

  test('an identity policy given as JSON text, without Version', async () => {
    assert.deepEqual(await messages(JSON.stringify({ Statement: [ok] }), 'identity'), []);
  });

  test('a trust policy with an ExternalId condition', async () => {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }] };
    assert.deepEqual(await messages(trust, 'trust'), []);
  });

  test('a CloudTrail bucket policy with a service principal', async () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/AWSLogs/*' }] };
    assert.deepEqual(await messages(policy, 'resource'), []);
  });
});

describe('document problems', () => {
  const cases: Array<[name: string, doc: unknown, kind: PolicyKind, expected: string[]]> = [
    ['not JSON', '{nope', 'identity', ['Policy is not valid JSON: ']],
    ['not an object', '"a string"', 'identity', ['Policy must be a JSON object']],
    ['unsupported Version', { Version: '2019-01-01', Statement: [ok] }, 'identity', ['Version "2019-01-01" is not supported; use "2012-10-17"']],
    ['no Statement', { Version: '2012-10-17' }, 'identity', ['Policy has no Statement']],
    ['empty Statement', { Version: '2012-10-17', Statement: [] }, 'identity', ['Statement must not be empty']],
    ['unknown top-level element', { Version: '2012-10-17', Statment: [ok], Statement: [ok] }, 'identity', ["Unknown policy element 'Statment'"]],
  ];
  for (const [name, doc, kind, expected] of cases) {
    test(name, async () => {
      const got = await messages(doc, kind);
      assert.equal(got.length, expected.length, got.join('\n'));
      expected.forEach((e, i) => assert.ok(got[i]!.startsWith(e), `${got[i]} should start with ${e}`));
    });
  }
});

describe('statement problems', () => {
  const cases: Array<[name: string, statement: object, kind: PolicyKind, expected: string]> = [
    ['Effect misspelt', { ...ok, Effect: 'Alow' }, 'identity', 'Statement 1: Effect must be "Allow" or "Deny", not "Alow"'],
    ['no Action', { Effect: 'Allow', Resource: '*' }, 'identity', 'Statement 1: has no Action or NotAction'],
    ['both Action and NotAction', { ...ok, NotAction: 's3:*' }, 'identity', 'Statement 1: has both Action and NotAction'],
    ['no Resource in an identity policy', { Effect: 'Allow', Action: 'kms:Encrypt' }, 'identity', 'Statement 1: has no Resource or NotResource'],
    ['Principal in an identity policy', { ...ok, Principal: '*' }, 'identity', 'Statement 1: Principal is not allowed in an identity-based policy'],
    ['no Principal in a bucket policy', ok, 'resource', 'Statement 1: has no Principal'],
    ['no Principal in a key policy', ok, 'kms-key', 'Statement 1: has no Principal'],
    ['Resource in a trust policy', { Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole', Resource: '*' }, 'trust', 'Statement 1: Resource is not allowed in a role trust policy'],
    ['NotPrincipal with Allow', { ...ok, NotPrincipal: { AWS: A } }, 'resource', 'Statement 1: NotPrincipal can only be used with "Effect": "Deny"'],
    ['unknown statement element', { ...ok, Actions: 'kms:Decrypt' }, 'identity', "Statement 1: unknown element 'Actions'"],
    ['Resource that is not an ARN', { ...ok, Resource: 'my-bucket' }, 'identity', `Statement 1: Resource 'my-bucket' must be an ARN or "*"`],
    ['action pattern matching no action', { ...ok, Action: 'kms:Crate*' }, 'identity', "Statement 1: Action 'kms:Crate*' matches no kms action"],
    ['unknown action', { ...ok, Action: 'kms:GenerateDataKeyy' }, 'identity', "Statement 1: Action 'kms:GenerateDataKeyy' is not a known kms action"],
    ['unknown service prefix', { ...ok, Action: 'kmss:Encrypt' }, 'identity', "Statement 1: Action 'kmss:Encrypt' has an unknown service prefix 'kmss'"],
    ['action without a service', { ...ok, NotAction: 'Encrypt', Action: undefined }, 'identity', `Statement 1: NotAction 'Encrypt' must be "*" or "<service>:<action>"`],
    ['unknown condition operator', { ...ok, Condition: { StringEqual: { 'kms:ViaService': 'x' } } }, 'identity', "Statement 1: Condition operator 'StringEqual' is not a known operator"],
    ['Null with IfExists', { ...ok, Condition: { NullIfExists: { 'kms:ViaService': 'true' } } }, 'identity', "Statement 1: Condition operator 'NullIfExists' is not allowed: Null cannot take IfExists"],
    ['invalid AWS principal', { ...ok, Principal: { AWS: 'alice' } }, 'resource', "Statement 1: Principal 'alice' is not a valid AWS principal"],
    [
      'ForAllValues with kms:EncryptionContext:<key> in a key policy',
      { ...ok, Principal: { AWS: A }, Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:Department': 'IT' } } },
      'kms-key',
      'Statement 1: OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified encryption context or with an unspecified encryption context. To fix, remove ForAllValues.',
    ],
  ];
  for (const [name, statement, kind, expected] of cases) {
    test(name, async () => {
      assert.deepEqual(await messages(identityDoc(statement), kind), [expected]);
    });
  }

  test('problems name the statement by position (1-based in text, 0-based in statementIndex)', async () => {
    const problems = await validatePolicy(identityDoc(ok, { ...ok, Action: ['kms:Encrypt', 'kms:Crate*'] }), { kind: 'identity' });
    assert.deepEqual(problems, [{ message: "Statement 2: Action 'kms:Crate*' matches no kms action", statementIndex: 1 }]);
  });

  test('duplicate Sids are refused in IAM policies', async () => {
    assert.deepEqual(await messages(identityDoc({ Sid: 'S', ...ok }, { Sid: 'S', ...ok }), 'identity'), ["Statement 2: Sid 'S' is used by more than one statement"]);
  });

  test('a key policy statement without Action or Resource is accepted (it has no effect, as KMS says)', async () => {
    assert.deepEqual(await messages(identityDoc({ Effect: 'Allow', Principal: { AWS: A } }), 'kms-key'), []);
  });

  test('action names are case-insensitive', async () => {
    assert.deepEqual(await messages(identityDoc({ ...ok, Action: ['KMS:generatedatakey', 'kms:reencrypt*'] }), 'identity'), []);
  });
});

describe('principals that must exist', () => {
  const known = new Set([`arn:aws:iam::${A}:user/alice`]);
  const exists = (arn: string) => known.has(arn);
  const withPrincipal = (aws: string | string[]) => identityDoc({ ...ok, Principal: { AWS: aws } });

  test('an unknown user is reported', async () => {
    assert.deepEqual(await messages(withPrincipal(`arn:aws:iam::${A}:user/ghost`), 'kms-key', exists), [`Statement 1: Principal 'arn:aws:iam::${A}:user/ghost' does not exist`]);
  });

  test('a known user, "*", account ids and root ARNs are not looked up', async () => {
    const asked: string[] = [];
    const spy = (arn: string) => {
      asked.push(arn);
      return exists(arn);
    };
    assert.deepEqual(await messages(withPrincipal([`arn:aws:iam::${A}:user/alice`, '*', '444455556666', 'arn:aws:iam::444455556666:root']), 'kms-key', spy), []);
    assert.deepEqual(asked, [`arn:aws:iam::${A}:user/alice`]);
  });

  test('service principals are not looked up', async () => {
    const doc = identityDoc({ ...ok, Principal: { Service: 'cloudtrail.amazonaws.com' } });
    assert.deepEqual(await messages(doc, 'resource', () => false), []);
  });
});
