import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesAction, matchesArn } from '../../emulator/policy/pattern.js';

describe('Action patterns: case-insensitive, * and ? wildcards', () => {
  const cases: Array<[pattern: string, action: string, matches: boolean]> = [
    ['*', 'kms:Encrypt', true],
    ['kms:*', 'kms:Encrypt', true],
    ['kms:*', 's3:GetObject', false],
    ['kms:encrypt', 'kms:Encrypt', true],
    ['KMS:ENCRYPT', 'kms:Encrypt', true],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKeyWithoutPlaintext', true],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKey', true],
    ['kms:ReEncrypt*', 'kms:ReEncryptFrom', true],
    ['kms:Get*', 'kms:GenerateDataKey', false],
    ['kms:?ncrypt', 'kms:Encrypt', true],
    ['kms:?ncrypt', 'kms:Decrypt', false],
    ['kms:Encrypt', 'kms:EncryptX', false],
    ['s3:Get*Acl', 's3:GetBucketAcl', true],
    ['iam:*User*', 'iam:ListUserPolicies', true],
  ];
  for (const [pattern, action, matches] of cases) {
    test(`${pattern} ${matches ? 'matches' : 'does not match'} ${action}`, () => {
      assert.equal(matchesAction(pattern, action), matches);
    });
  }
});

describe('Resource patterns: case-sensitive ARN components', () => {
  const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const cases: Array<[pattern: string, arn: string, matches: boolean]> = [
    ['*', key, true],
    ['*', '*', true],
    [key, key, true],
    [key.toUpperCase(), key, false],
    ['arn:aws:kms:*:111122223333:key/*', key, true],
    ['arn:aws:kms:us-east-1:*:key/*', key, true],
    ['arn:aws:kms:us-west-2:111122223333:key/*', key, false],
    ['arn:aws:kms:us-east-1:111122223333:alias/*', key, false],
    ['arn:aws:kms:us-east-1:111122223333:*', key, true],
    // A wildcard inside the first five components cannot cross a colon …
    ['arn:aws:*:111122223333:key/*', key, false],
    // … but in the resource part it spans '/' and ':'.
    ['arn:aws:s3:::lab-bucket/*', 'arn:aws:s3:::lab-bucket/a/b/c:d.txt', true],
    ['arn:aws:s3:::lab-bucket/*', 'arn:aws:s3:::lab-bucket', false],
    ['arn:aws:s3:::lab-bucket*', 'arn:aws:s3:::lab-bucket-logs', true],
    ['arn:aws:s3:::lab-bucket/report-?.csv', 'arn:aws:s3:::lab-bucket/report-1.csv', true],
    ['arn:aws:s3:::lab-bucket/report-?.csv', 'arn:aws:s3:::lab-bucket/report-10.csv', false],
    ['arn:aws:logs:*:*:*', 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/x:*', true],
    // Short patterns: the last component absorbs the rest of the ARN.
    ['arn:aws:kms:*', key, true],
    ['arn:aws:s3:*', key, false],
    // Only the first five colons are component boundaries.
    ['arn:aws:s3:::lab-bucket/a:b', 'arn:aws:s3:::lab-bucket/a:b', true],
  ];
  for (const [pattern, arn, matches] of cases) {
    test(`${pattern} ${matches ? 'matches' : 'does not match'} ${arn}`, () => {
      assert.equal(matchesArn(pattern, arn, null), matches);
    });
  }

  test('regular-expression characters in a pattern are literal', () => {
    assert.equal(matchesArn('arn:aws:s3:::lab.bucket/(a)+[b]', 'arn:aws:s3:::labXbucket/(a)+[b]', null), false);
    assert.equal(matchesArn('arn:aws:s3:::lab.bucket/(a)+[b]', 'arn:aws:s3:::lab.bucket/(a)+[b]', null), true);
  });
});
