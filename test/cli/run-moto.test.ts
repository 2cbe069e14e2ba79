import assert from 'node:assert/strict';
import { it } from 'node:test';
import { motoUnavailable } from '../../support/targets/moto.js';
import { explain, parseSummary, runKmsLab, tempReportDir } from './lab-process.js';

it('kms-lab run --target moto: what moto cannot do is skipped with the reason, the rest passes', async (t) => {
  const reason = motoUnavailable();
  if (reason) {
    process.stdout.write(`# skipping the moto run: ${reason}\n`);
    return t.skip(reason);
  }
  const p = await runKmsLab(['run', '--target', 'moto', '--report-dir', await tempReportDir()]);
  const s = parseSummary(p.lines.at(-1));
  assert.ok(s, explain(p));
  assert.equal(p.code, 0, explain(p));
  assert.equal(s.failed, 0, explain(p));
  assert.ok(s.passed > 0, 'the resource-only scenarios pass on moto');
  assert.ok(s.skipped > 0, 'the enforcement and CloudTrail scenarios are skipped');
  assert.match(p.stderr, /moto server \(pid \d+\) listening on http:\/\/127\.0\.0\.1:\d+/);
  for (const cap of ['kms.keyPolicyEnforcement', 'cloudtrail.lookupEvents', 'cloudtrail.logDelivery', 's3.sseKmsEnforcement']) {
    assert.match(p.stdout, new RegExp(`Skipped on target "moto": it lacks [^\\n]*${cap.replace('.', '\\.')}`), `a skip names ${cap}`);
  }
});
