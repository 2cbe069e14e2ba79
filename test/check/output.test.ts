import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { progressFor } from '../../support/check/progress.js';
import { gradesCsv, summarize, type ClassReport, type StudentReport } from '../../support/check/report.js';

class Sink extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

test('progress: a bar redrawn in place on a terminal, one quiet line per student otherwise', () => {
  const tty = new Sink(true);
  const bar = progressFor(tty, () => 0);
  bar.start(2);
  bar.done('alice (111122223333): 100/100', false);
  bar.done('bob (444455556666): error — AccessDenied', true);
  bar.finish();
  assert.ok(!tty.text.includes('alice'), 'a terminal shows the bar, not the lines');
  assert.match(tty.text, /\r\x1b\[K\[█+\] 2\/2 students · 1 error · 0 s\n$/);
  assert.equal(tty.text.split('\n').length, 2, 'one line, redrawn');

  const log = new Sink(false);
  const lines = progressFor(log);
  lines.start(2);
  lines.done('alice (111122223333): 100/100', false);
  lines.done('bob (444455556666): error — AccessDenied', true);
  lines.finish();
  assert.equal(log.text, '[1/2] alice (111122223333): 100/100\n[2/2] bob (444455556666): error — AccessDenied\n');
});

test('grades.csv: a student name that looks like a formula cannot run in a spreadsheet', () => {
  const student = (name: string): StudentReport => ({
    student: name, accountId: '111122223333', roleArn: 'arn:aws:iam::111122223333:role/r', region: 'us-east-1', line: 2, extra: {},
    status: 'checked', score: 10, maxScore: 10, undecided: 0, evidenceFiles: {}, dir: 'students/x', calls: 1, startedAt: '', finishedAt: '',
    checks: { key: { id: 'key', verdict: 'pass', earned: 10, reason: 'ok', evidence: [] } },
  });
  const checks = [{ id: 'key', title: 'key', points: 10, uri: 'k.feature' }];
  const students = [student('=HYPERLINK("http://x","y")'), student('Smith, Ann')];
  const report = { checks, maxScore: 10, students, summary: summarize(checks, students) } as unknown as ClassReport;
  assert.deepEqual(gradesCsv(report).trimEnd().split('\n').slice(1), [
    `"'=HYPERLINK(""http://x"",""y"")",111122223333,checked,10,10,0,pass,`,
    '"Smith, Ann",111122223333,checked,10,10,0,pass,',
  ]);
});
