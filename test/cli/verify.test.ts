import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { formatVerifyReport, listFiles, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, verifyBundle } from '../../support/bundle/index.js';
import { explain, parseSummary, runKmsLab, tempReportDir, type LabProcess } from './lab-process.js';

/** One lab run (the CloudTrail features: trails, log files, digests, policies) shared by every test in this file. */
let bundle: string;
let run: LabProcess;

before(async () => {
  const root = await tempReportDir('kms-lab-verify-');
  run = await runKmsLab(['run', '--tags', '@cloudtrail', '--report-dir', root]);
  const runId = /^kms-lab run (\S+):/m.exec(run.stdout)?.[1];
  assert.ok(runId && run.code === 0, explain(run));
  bundle = join(root, runId);
});

async function copyOfBundle(): Promise<string> {
  const dir = join(await tempReportDir('kms-lab-verify-copy-'), 'bundle');
  await cp(bundle, dir, { recursive: true });
  return dir;
}

describe('kms-lab verify', () => {
  it('accepts the bundle a lab run leaves, and says so with exit code 0', async () => {
    assert.deepEqual(parseSummary(run.lines.at(-1)), { scenarios: 6, passed: 6, failed: 0, skipped: 0 });
    assert.match(run.stdout, /Evidence bundle: .*manifest\.json signed Ed25519 by a local Ed25519 key; public key SHA-256 [0-9a-f]{64}/);
    const p = await runKmsLab(['verify', bundle]);
    assert.equal(p.code, 0, explain(p));
    assert.match(p.stdout, /^OK: \d+ files match manifest\.json, and its signature holds\.$/m);
  });

  it('the bundle holds Cucumber\'s reports, report.html, summary.md and one evidence file per attachment', async () => {
    const files = await listFiles(bundle, false);
    for (const f of ['cucumber.html', 'cucumber.xml', 'cucumber.ndjson', 'report.html', 'summary.md', MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE]) assert.ok(files.includes(f), `${f} is in the bundle`);
    const messages = await readFile(join(bundle, 'cucumber.ndjson'), 'utf8');
    const attachments = messages.split('\n').filter((l) => l.startsWith('{"attachment"')).length;
    assert.equal(files.filter((f) => f.startsWith('evidence/')).length, attachments);
  });

  it('summary.md gives the verdict and groups the results by control, CIS v3.0.0 ids and AWS Config rules', async () => {
    const md = await readFile(join(bundle, 'summary.md'), 'utf8');
    assert.match(md, /^\*\*Verdict: PASSED\*\* — 6 scenarios: 6 passed, 0 failed, 0 skipped\./m);
    assert.match(md, /CIS Amazon Web Services Foundations Benchmark v3\.0\.0/);
    assert.match(md, /^\| CIS 3\.2 \| Ensure CloudTrail log file validation is enabled \| satisfied \| lab resources \| #\d+ passed/m);
    assert.match(md, /^\| AWS Config cloudtrail-s3-dataevents-enabled \| .* \| satisfied \| lab resources \|/m);
    assert.match(md, /^\| CIS 3\.6 \| .* \| not evidenced \| — \| no scenario of this run is about it \|$/m);
  });

  it('the manifest records the run: version, commit, target, account, caller, times, cucumber, results and CloudTrail relied on', async () => {
    const m = JSON.parse(await readFile(join(bundle, MANIFEST_FILE), 'utf8'));
    const meta = m.metadata;
    assert.equal(meta.tool.name, 'kms-lab');
    assert.match(meta.tool.gitCommit ?? 'no git here', /^[0-9a-f]{40}$|^no git here$/);
    assert.equal(meta.tool.cucumber, '12.9.0');
    assert.equal(meta.run.target, 'embedded');
    assert.equal(meta.run.account, '000000000000');
    assert.equal(meta.run.callerArn, 'arn:aws:iam::000000000000:root');
    assert.ok(Date.parse(meta.run.startedAt) <= Date.parse(meta.run.finishedAt));
    assert.equal(meta.results.items.length, 6);
    assert.ok(meta.cloudTrail.trails.length > 0, 'the trails are listed');
    const digested = meta.cloudTrail.logFiles.find((f: { digestSha256?: string }) => f.digestSha256);
    assert.ok(digested, 'a log file with the SHA-256 its CloudTrail digest gives');
    assert.match(digested.s3, /^s3:\/\/.+\/AWSLogs\/000000000000\/CloudTrail\//);
    assert.equal(digested.digestSignatureValid, true);
  });

  it('rejects the bundle after any one byte of any file is flipped, naming that file', async (t) => {
    const files = await listFiles(bundle, false);
    assert.ok(files.length > 20, `${files.length} files`);
    for (const f of files) {
      await t.test(f, async () => {
        const path = join(bundle, f);
        const original = await readFile(path);
        try {
          for (const at of new Set([0, Math.floor(original.length / 2), original.length - 1])) {
            const flipped = Buffer.from(original);
            flipped[at] ^= 0x01;
            await writeFile(path, flipped);
            const r = await verifyBundle(bundle);
            assert.equal(r.ok, false, `byte ${at} of ${f} flipped, yet the bundle verifies`);
            assert.ok(r.files.changed.includes(f), `byte ${at} of ${f} flipped: changed = ${JSON.stringify(r.files.changed)}`);
          }
        } finally {
          await writeFile(path, original);
        }
      });
    }
    assert.equal((await verifyBundle(bundle)).ok, true, 'every file restored');
  });

  it('rejects a bundle with a file added, naming it, with exit code 1', async () => {
    const dir = await copyOfBundle();
    await writeFile(join(dir, 'evidence', 'extra.json'), '{}\n');
    const p = await runKmsLab(['verify', dir]);
    assert.equal(p.code, 1, explain(p));
    assert.match(p.stdout, /^added: {3}evidence\/extra\.json$/m);
    assert.match(p.stdout, /^FAILED: 0 changed, 1 added, 0 removed; signature OK\.$/m);
  });

  // The CLI prints formatVerifyReport's lines as they are (tested above); the library is checked in-process.
  it('rejects a bundle with a file removed, naming it', async () => {
    const dir = await copyOfBundle();
    const victim = (await listFiles(dir)).find((f) => f.startsWith('evidence/'))!;
    await rm(join(dir, victim));
    const r = await verifyBundle(dir);
    assert.equal(r.ok, false);
    assert.deepEqual(r.files.removed, [victim]);
    assert.ok(formatVerifyReport(r).includes(`removed: ${victim}`));
  });

  it('rejects a bundle whose manifest.json is gone', async () => {
    const dir = await copyOfBundle();
    await rm(join(dir, MANIFEST_FILE));
    const r = await verifyBundle(dir);
    assert.equal(r.ok, false);
    assert.ok(formatVerifyReport(r).includes('removed: manifest.json'));
  });
});
