import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, conditionHolds, decide, named, session, user } from './fixtures.js';
import type { ContextValue } from '../../emulator/policy/types.js';

/**
 * Condition operators, one family at a time.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
type Case = [name: string, condition: Record<string, Record<string, unknown>>, context: Record<string, ContextValue | undefined>, holds: boolean];

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const [name, condition, context, holds] of cases) {
      test(`${name} → ${holds}`, () => assert.equal(conditionHolds(condition, context), holds));
    }
  });
}

const VIA = 'kms:ViaService';
table('String operators', [
  ['StringEquals, same value', { StringEquals: { [VIA]: 's3.us-east-1.amazonaws.com' } }, { [VIA]: 's3.us-east-1.amazonaws.com' }, true],
  ['StringEquals is case-sensitive', { StringEquals: { [VIA]: 'S3.us-east-1.amazonaws.com' } }, { [VIA]: 's3.us-east-1.amazonaws.com' }, false],
  ['StringEquals has no wildcards', { StringEquals: { [VIA]: 's3.*.amazonaws.com' } }, { [VIA]: 's3.us-east-1.amazonaws.com' }, false],
  ['StringEquals, several values OR-ed', { StringEquals: { [VIA]: ['ec2.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com'] } }, { [VIA]: 's3.us-east-1.amazonaws.com' }, true],
  ['StringNotEquals, different value', { StringNotEquals: { [VIA]: 'ec2.us-east-1.amazonaws.com' } }, { [VIA]: 's3.us-east-1.amazonaws.com' }, true],
  ['StringNotEquals, several values NOR-ed: value is one of them', { StringNotEquals: { [VIA]: ['ec2.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com'] } }, { [VIA]: 's3.us-east-1.amazonaws.com' }, false],
  ['StringNotEquals, several values NOR-ed: value is none of them', { StringNotEquals: { [VIA]: ['ec2.us-east-1.amazonaws.com', 'rds.us-east-1.amazonaws.com'] } }, { [VIA]: 's3.us-east-1.amazonaws.com' }, true],
  ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, {}, true],
  ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, {}, false],
  ['StringLike with *', { StringLike: { [VIA]: 's3.*.amazonaws.com' } }, { [VIA]: 's3.eu-west-1.amazonaws.com' }, true],
  ['StringLike with ?', { StringLike: { 's3:prefix': 'home/?/' } }, { 's3:prefix': 'home/a/' }, true],
  ['StringLike is case-sensitive', { StringLike: { 's3:prefix': 'Home/*' } }, { 's3:prefix': 'home/alice' }, false],
  ['StringNotLike', { StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'public/x' }, true],
  ['condition key names are case-insensitive', { StringEquals: { 'KMS:VIASERVICE': 's3.us-east-1.amazonaws.com' } }, { 'kms:viaservice': 's3.us-east-1.amazonaws.com' }, true],
  ['multiple keys in one operator are AND-ed', { StringEquals: { [VIA]: 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': A } }, { [VIA]: 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': B }, false],
  ['multiple operators are AND-ed', { StringEquals: { [VIA]: 's3.us-east-1.amazonaws.com' }, Bool: { 'aws:SecureTransport': 'true' } }, { [VIA]: 's3.us-east-1.amazonaws.com', 'aws:SecureTransport': false }, false],
]);

table('ARN operators', [
  ['ArnEquals, same ARN', { ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/lab' } }, { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/lab' }, true],
  ['ArnLike, wildcard region and trail', { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:111122223333:trail/*' } }, { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/lab' }, true],
  ['ArnLike, wrong account', { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:111122223333:trail/*' } }, { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:444455556666:trail/lab' }, false],
  ['ArnNotEquals', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Breakglass' } }, {}, true],
  ['ArnNotLike, caller matches', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/*' } }, {}, false],
  ['ArnLike on a value that is not an ARN', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, { 'aws:SourceArn': 'not-an-arn' }, false],
]);

table('Numeric operators', [
  ['NumericEquals', { NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': 10 }, true],
  ['NumericEquals compares numbers, not text', { NumericEquals: { 's3:max-keys': '10.0' } }, { 's3:max-keys': '10' }, true],
  ['NumericNotEquals', { NumericNotEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': 11 }, true],
  ['NumericLessThan', { NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '9' }, true],
  ['NumericLessThan, equal', { NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, false],
  ['NumericLessThanEquals', { NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, true],
  ['NumericGreaterThan', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': 7200 }, true],
  ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': 3599 }, false],
  ['a non-numeric request value never matches', { NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' }, false],
]);

table('Date operators (ISO 8601 and epoch seconds; the clock is 2026-03-01T12:00:00Z)', [
  ['DateLessThan with aws:CurrentTime', { DateLessThan: { 'aws:CurrentTime': '2026-12-31T00:00:00Z' } }, {}, true],
  ['DateGreaterThan with aws:CurrentTime', { DateGreaterThan: { 'aws:CurrentTime': '2026-12-31T00:00:00Z' } }, {}, false],
  ['DateGreaterThanEquals with an epoch policy value', { DateGreaterThanEquals: { 'aws:CurrentTime': '1772366400' } }, {}, true],
  ['DateLessThanEquals, same instant', { DateLessThanEquals: { 'aws:CurrentTime': '2026-03-01T12:00:00Z' } }, {}, true],
  ['DateEquals with aws:EpochTime', { DateEquals: { 'aws:EpochTime': '2026-03-01T12:00:00Z' } }, {}, true],
  ['DateNotEquals', { DateNotEquals: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } }, { 'aws:TokenIssueTime': new Date('2026-03-01T11:00:00Z') }, true],
  ['an unparseable date never matches', { DateLessThan: { 'aws:CurrentTime': 'next tuesday' } }, {}, false],
  ['a date that is not ISO 8601 never matches', { DateLessThan: { 'aws:CurrentTime': 'December 31, 2030' } }, {}, false],
  ['a date-only ISO value is midnight UTC', { DateGreaterThan: { 'aws:CurrentTime': '2026-03-01' } }, {}, true],
]);

table('Bool, BinaryEquals', [
  ['Bool true', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': true }, true],
  ['Bool with a JSON boolean policy value', { Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' }, true],
  ['Bool mismatch', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': false }, false],
  ['BinaryEquals compares the decoded bytes', { BinaryEquals: { 'custom:blob': 'QmluYXJ5VmFsdWU=' } }, { 'custom:blob': 'QmluYXJ5VmFsdWU=' }, true],
  ['BinaryEquals, different bytes', { BinaryEquals: { 'custom:blob': 'QmluYXJ5VmFsdWU=' } }, { 'custom:blob': 'T3RoZXI=' }, false],
]);

table('IP address operators (IPv4 and IPv6 CIDR)', [
  ['IpAddress inside an IPv4 range', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.7' }, true],
  ['IpAddress outside an IPv4 range', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '198.51.100.7' }, false],
  ['IpAddress with a bare address means that one host', { IpAddress: { 'aws:SourceIp': '127.0.0.1' } }, { 'aws:SourceIp': '127.0.0.1' }, true],
  ['IpAddress inside an IPv6 range', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db8:1234::1' }, true],
  ['IpAddress outside an IPv6 range', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db9::1' }, false],
  ['IpAddress, any of several ranges', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } }, { 'aws:SourceIp': '10.1.2.3' }, true],
  ['NotIpAddress outside the range', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '198.51.100.7' }, true],
  ['a request value that is not an IP never matches', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': 'localhost' }, false],
]);

describe('keys absent from the request', () => {
  const absent: Case[] = [
    ['StringEquals → false', { StringEquals: { [VIA]: 's3.us-east-1.amazonaws.com' } }, {}, false],
    ['StringNotEquals (negated) → true', { StringNotEquals: { [VIA]: 's3.us-east-1.amazonaws.com' } }, {}, true],
    ['StringNotLike (negated) → true', { StringNotLike: { [VIA]: 's3.*' } }, {}, true],
    ['NotIpAddress (negated) → true', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, {}, true],
    ['Bool → false', { Bool: { 'aws:SecureTransport': 'true' } }, {}, false],
    ['StringEqualsIfExists → true', { StringEqualsIfExists: { [VIA]: 's3.us-east-1.amazonaws.com' } }, {}, true],
    ['NumericLessThanIfExists → true', { NumericLessThanIfExists: { 's3:max-keys': '10' } }, {}, true],
    ['Null true → true', { Null: { [VIA]: 'true' } }, {}, true],
    ['Null false → false', { Null: { [VIA]: 'false' } }, {}, false],
    ['ForAllValues:StringEquals → true (empty set)', { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['aws:s3:arn'] } }, {}, true],
    ['ForAnyValue:StringEquals → false (empty set)', { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['aws:s3:arn'] } }, {}, false],
    ['an empty multi-valued key counts as absent', { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['aws:s3:arn'] } }, { 'kms:EncryptionContextKeys': [] }, false],
  ];
  for (const [name, condition, context, holds] of absent) test(name, () => assert.equal(conditionHolds(condition, context), holds));

  test('IfExists still compares a key that is present', () => {
    assert.equal(conditionHolds({ StringEqualsIfExists: { [VIA]: 's3.us-east-1.amazonaws.com' } }, { [VIA]: 'ec2.us-east-1.amazonaws.com' }), false);
  });

  test('Null false holds when the key is present', () => {
    assert.equal(conditionHolds({ Null: { [VIA]: false } }, { [VIA]: 's3.us-east-1.amazonaws.com' }), true);
  });

  test('a Deny guarded by NotIpAddress applies to a request that has no source IP', () => {
    const policies = [
      named('P', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
    ];
    assert.equal(decide({ principal: user(A, 'alice'), action: 'kms:Decrypt', mode: 'none', identity: policies }).effect, 'ExplicitDeny');
  });
});

describe('set operators on multi-valued keys (kms:EncryptionContextKeys)', () => {
  const keys = 'kms:EncryptionContextKeys';
  const cases: Case[] = [
    ['ForAllValues: every request value is listed', { 'ForAllValues:StringEquals': { [keys]: ['Department', 'Project'] } }, { [keys]: ['Project'] }, true],
    ['ForAllValues: one request value is not listed', { 'ForAllValues:StringEquals': { [keys]: ['Department', 'Project'] } }, { [keys]: ['Project', 'Stage'] }, false],
    ['ForAnyValue: one request value is listed', { 'ForAnyValue:StringEquals': { [keys]: 'AppName' } }, { [keys]: ['AppName', 'Project'] }, true],
    ['ForAnyValue: none is listed', { 'ForAnyValue:StringEquals': { [keys]: 'AppName' } }, { [keys]: ['Project'] }, false],
    ['ForAnyValue compares case-sensitively with StringEquals', { 'ForAnyValue:StringEquals': { [keys]: 'AppName' } }, { [keys]: ['appname'] }, false],
    ['ForAnyValue:StringLike', { 'ForAnyValue:StringLike': { [keys]: 'aws:*' } }, { [keys]: ['aws:s3:arn'] }, true],
    ['ForAllValues:StringNotEquals: no request value is forbidden', { 'ForAllValues:StringNotEquals': { [keys]: ['Secret'] } }, { [keys]: ['Project', 'Stage'] }, true],
    ['ForAnyValue:StringNotEquals: some request value is not listed', { 'ForAnyValue:StringNotEquals': { [keys]: ['Project'] } }, { [keys]: ['Project', 'Stage'] }, true],
    ['without a set operator, a positive operator holds if any value matches', { StringEquals: { [keys]: 'Stage' } }, { [keys]: ['Project', 'Stage'] }, true],
    ['without a set operator, a negated operator holds if no value matches', { StringNotEquals: { [keys]: 'Stage' } }, { [keys]: ['Project', 'Stage'] }, false],
  ];
  for (const [name, condition, context, holds] of cases) test(`${name} → ${holds}`, () => assert.equal(conditionHolds(condition, context), holds));
});

describe('kms:EncryptionContext:<context-key>', () => {
  test('matches the S3 object ARN in the encryption context', () => {
    const ctx = { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::lab-bucket/report.csv' };
    assert.equal(conditionHolds({ StringEquals: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::lab-bucket/report.csv' } }, ctx), true);
    assert.equal(conditionHolds({ StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::other-bucket/*' } }, ctx), false);
  });

  test('the context key name is not case-sensitive (KMS developer guide: "the condition key … is not case sensitive")', () => {
    assert.equal(conditionHolds({ StringEquals: { 'kms:EncryptionContext:Appname': 'ExampleApp' } }, { 'kms:EncryptionContext:AppName': 'ExampleApp' }), true);
  });

  test('the value is compared as the operator says', () => {
    assert.equal(conditionHolds({ StringEquals: { 'kms:EncryptionContext:AppName': 'exampleapp' } }, { 'kms:EncryptionContext:AppName': 'ExampleApp' }), false);
    assert.equal(conditionHolds({ StringEqualsIgnoreCase: { 'kms:EncryptionContext:AppName': 'exampleapp' } }, { 'kms:EncryptionContext:AppName': 'ExampleApp' }), true);
  });
});

describe('malformed conditions', () => {
  test('an unknown operator makes the statement not apply', () => {
    assert.equal(conditionHolds({ StringEqual: { [VIA]: 'x' } }, { [VIA]: 'x' }), false);
  });

  test('operator names are read case-insensitively', () => {
    assert.equal(conditionHolds({ stringequals: { [VIA]: 'x' } }, { [VIA]: 'x' }), true);
  });

  test('an invalid CIDR never matches, so its negation holds', () => {
    assert.equal(conditionHolds({ IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }, { 'aws:SourceIp': '10.0.0.1' }), false);
    assert.equal(conditionHolds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }, { 'aws:SourceIp': '10.0.0.1' }), true);
  });
});

describe('a session\'s conditions see the session', () => {
  test('aws:PrincipalArn of a session is its role ARN', () => {
    const s = session(A, 'Ops', 'night-shift', '/team/');
    assert.equal(conditionHolds({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/team/Ops' } }, {}, s), true);
    assert.equal(conditionHolds({ ArnEquals: { 'aws:PrincipalArn': s.arn } }, {}, s), false);
  });
});

table('Numeric values are decimal', [
  ['hexadecimal is not a number', { NumericEquals: { 's3:max-keys': '16' } }, { 's3:max-keys': '0x10' }, false],
  ['an empty string is not zero', { NumericEquals: { 's3:max-keys': '0' } }, { 's3:max-keys': '' }, false],
  ['exponent notation is a number', { NumericEquals: { 's3:max-keys': '1e3' } }, { 's3:max-keys': '1000' }, true],
]);
