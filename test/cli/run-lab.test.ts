import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { runLab } from '../../support/runner/run-lab.js';
import { REPO, tempReportDir } from './lab-process.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

it('a failing scenario makes the run exit 1, and the summary and reports say so', async () => {
  const dir = await tempReportDir('kms-lab-fail-');
  const feature = join(dir, 'fails.feature');
  // Uses the lab's own steps; the key id does not exist, so "it succeeds" must fail.
  await writeFile(feature, [
    'Feature: a learner\'s mistake',
    '  Scenario: encrypting with a key id that does not exist',
    '    When "administrator" encrypts "hello" with the key id "1234abcd-12ab-34cd-56ef-1234567890ab"',
    '    Then it succeeds',
    '',
  ].join('\n'));
  const stdout = new Capture();
  const stderr = new Capture();
  const result = await runLab(
    { target: 'embedded', parallel: 0, reportDir: join(dir, 'reports'), paths: [feature] },
    { stdout, stderr, cwd: REPO, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  assert.equal(result.exitCode, 1);
  assert.deepEqual({ ...result.summary, results: undefined }, { scenarios: 1, passed: 0, failed: 1, skipped: 0, results: undefined });
  const lines = stdout.text.trimEnd().split('\n');
  assert.equal(lines.at(-1), '1 scenarios: 0 passed, 1 failed, 0 skipped');
  assert.match(stdout.text, /Expected success, but kms:Encrypt by "administrator" \(arn:aws:sts::000000000000:assumed-role\/[^)]+\) on "1234abcd-12ab-34cd-56ef-1234567890ab" .* was refused with NotFoundException/);
  assert.match(await readFile(join(result.reportDir, 'cucumber.xml'), 'utf8'), /failures="1"/);
});
