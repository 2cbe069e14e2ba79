import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRoster, parseShard, RosterError, shardOf, singleAccount } from '../../support/check/roster.js';

const ROLE = (acct: string) => `arn:aws:iam::${acct}:role/kms-lab-instructor-audit`;

describe('class roster', () => {
  test('reads the header, optional columns, quotes, CRLF, a BOM and extra columns; the region defaults', () => {
    const text = '\ufeffStudent,Account_ID,role_arn,external_id,region,email\r\n'
      + `alice,111122223333,${ROLE('111122223333')},7f3c-alice,eu-west-1,a@example.edu\r\n`
      + `"Bob, Jr.",444455556666,${ROLE('444455556666')},,,"b""b@example.edu"\r\n`
      + '\r\n# a comment line\r\n';
    const r = parseRoster(text, 'class.csv', 'us-east-2');
    assert.deepEqual(r, [
      { student: 'alice', accountId: '111122223333', roleArn: ROLE('111122223333'), externalId: '7f3c-alice', region: 'eu-west-1', line: 2, extra: { email: 'a@example.edu' } },
      { student: 'Bob, Jr.', accountId: '444455556666', roleArn: ROLE('444455556666'), region: 'us-east-2', line: 3, extra: { email: 'b"b@example.edu' } },
    ]);
  });

  test('a bad roster is refused with every problem, each naming its line', () => {
    const text = [
      'student,account_id,role_arn,external_id,region',
      `alice,111122223333,${ROLE('111122223333')},ok-id,us-east-1`,
      `bob,12345678901,${ROLE('12345678901')},,`,
      `carol,444455556666,${ROLE('999999999999')},,`,
      `alice,777788889999,${ROLE('777788889999')},,`,
      `dave,222233334444,arn:aws:iam::222233334444:user/dave,x,mars-1`,
      'erin,555566667777',
    ].join('\n');
    assert.throws(() => parseRoster(text, 'class.csv'), (e: unknown) => {
      assert.ok(e instanceof RosterError);
      assert.match(e.message, /^The roster class\.csv has 8 problems:/);
      assert.deepEqual(e.problems, [
        'line 3: account_id "12345678901" is not a 12-digit AWS account id (a spreadsheet may have dropped its leading zeros)',
        `line 3: role_arn "${ROLE('12345678901')}" is not an IAM role ARN such as arn:aws:iam::111122223333:role/kms-lab-instructor-audit`,
        'line 4: role_arn is in account 999999999999, but account_id is 444455556666',
        'line 5: student "alice" is also on line 2; student names must be unique',
        'line 6: role_arn "arn:aws:iam::222233334444:user/dave" is not an IAM role ARN such as arn:aws:iam::111122223333:role/kms-lab-instructor-audit',
        'line 6: external_id must be 2-1224 characters of letters, digits and _+=,.@:/- (got "x")',
        'line 6: region "mars-1" is not an AWS region name such as us-east-1',
        'line 7: 2 fields, but the header has 5 (a comma inside a value needs "quotes")',
      ]);
      return true;
    });
  });

  test('a roster without its header says the first line must be the header', () => {
    assert.throws(() => parseRoster(`alice,111122223333,${ROLE('111122223333')}\n`, 'class.csv'),
      /line 1: the first line must be the header student,account_id,role_arn,external_id,region \(it looks like a student's line\)/);
    assert.throws(() => parseRoster('name,account,role\n', 'class.csv'), /line 1: the header lacks the columns student, account_id, role_arn/);
    assert.throws(() => parseRoster('student,account_id,role_arn\n', 'class.csv'), /it has a header but no students/);
  });

  test('--shard i/n: the n shards cover the roster exactly once, in sizes that differ by at most one', () => {
    const roster = Array.from({ length: 30 }, (_, i) => `s${i}`);
    for (let n = 1; n <= 8; n++) {
      const shards = Array.from({ length: n }, (_, i) => shardOf(roster, parseShard(`${i + 1}/${n}`)));
      assert.deepEqual(shards.flat().sort(), [...roster].sort(), `${n} shards`);
      assert.equal(new Set(shards.flat()).size, roster.length, `${n} shards overlap`);
      const sizes = shards.map((s) => s.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${n} shards: sizes ${sizes.join(',')}`);
    }
    assert.throws(() => parseShard('0/3'), /must be i\/n with 1 ≤ i ≤ n/);
    assert.throws(() => parseShard('4/3'), /must be i\/n/);
  });

  test('--account-role makes a roster of one, named after the account unless --student names it', () => {
    assert.deepEqual(singleAccount(ROLE('111122223333'), { region: 'us-east-1', externalId: 'abc' }),
      { student: '111122223333', accountId: '111122223333', roleArn: ROLE('111122223333'), externalId: 'abc', region: 'us-east-1', line: 0, extra: {} });
    assert.throws(() => singleAccount('arn:aws:iam::111122223333:user/x', { region: 'us-east-1' }), /--account-role .* is not an IAM role ARN/);
  });
});
