import assert from 'node:assert/strict';
import { readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { emulatorCredentialsEnv, explain, parseSummary, runKmsLab, tempReportDir } from './lab-process.js';

describe('kms-lab run', () => {
  it('--help documents every option and the targets', async () => {
    const p = await runKmsLab(['run', '--help']);
    assert.equal(p.code, 0, explain(p));
    for (const opt of ['--target', '--endpoint', '--tags', '--parallel', '--region', '--profile', '--allow-account', '--report-dir']) assert.ok(p.stdout.includes(opt), `${opt} missing from --help`);
    assert.match(p.stdout, /embedded.*moto.*localstack.*aws/s);
  });

  it('refuses an unknown target, saying which exist', async () => {
    const p = await runKmsLab(['run', '--target', 'gcp']);
    assert.notEqual(p.code, 0);
    assert.match(p.stderr, /Allowed choices are embedded, localstack, moto, aws/);
  });

  it('runs the whole lab on the embedded emulator and leaves the reports', async () => {
    const dir = await tempReportDir();
    const p = await runKmsLab(['run', '--report-dir', dir]);
    const summary = parseSummary(p.lines.at(-1));
    assert.ok(summary, `the last line is the summary:\n${explain(p)}`);
    assert.equal(p.code, 0, explain(p));
    assert.equal(summary.failed, 0);
    assert.equal(summary.skipped, 0, 'the embedded emulator has every capability');
    assert.ok(summary.passed >= 30, `${summary.passed} scenarios passed`);
    const runId = /^kms-lab run (\S+):/m.exec(p.stdout)?.[1];
    assert.ok(runId, 'the run id is printed');
    assert.equal(await readlink(join(dir, 'latest')), runId);
    for (const f of ['cucumber.html', 'cucumber.xml', 'cucumber.ndjson']) assert.ok((await stat(join(dir, runId, f))).size > 0, `${f} written`);
    const junit = await readFile(join(dir, 'latest', 'cucumber.xml'), 'utf8');
    assert.match(junit, /<testsuite[^>]*name="kms-lab"/);
    assert.match(junit, /tests="\d+"/);
    // Evidence is JSON, and carries no secret: the emulator's bootstrap secret and any session token.
    const messages = await readFile(join(dir, runId, 'cucumber.ndjson'), 'utf8');
    assert.match(messages, /"mediaType":"application\/json"/);
    assert.doesNotMatch(messages, /"SecretAccessKey"\s*:\s*"[^<]/);
    assert.doesNotMatch(messages, /"SessionToken"\s*:\s*"[^<]/);
    assert.match(p.stdout, new RegExp(`Reports: ${dir}/${runId}/`));
  });

  it('reports a scenario the target cannot run as skipped, with the reason, never as passed', async () => {
    const dir = await tempReportDir();
    const env = { ...emulatorCredentialsEnv(), KMS_LAB_CAPABILITIES: '-cloudtrail.digest' };
    const p = await runKmsLab(['run', '--report-dir', dir, '--tags', '@requires:cloudtrail.digest'], env);
    assert.equal(p.code, 0, explain(p));
    assert.deepEqual(parseSummary(p.lines.at(-1)), { scenarios: 1, passed: 0, failed: 0, skipped: 1 });
    assert.match(p.stdout, /Skipped on target "embedded": it lacks cloudtrail\.digest \(CloudTrail delivers signed digest files/);
    assert.match(p.stdout, /05-audit\.feature: The log file holding the upload is covered by a signed digest/);
    const messages = await readFile(join(dir, 'latest', 'cucumber.ndjson'), 'utf8');
    assert.match(messages, /Skipped on target \\"embedded\\"/, 'the reason is in the messages report too');
  });
});

describe('kms-lab run against the emulator as if it were another target (no AWS account or Docker here)', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emulator.stop();
  });

  it('--target aws refuses to provision without --allow-account, naming the caller\'s account', async () => {
    const p = await runKmsLab(['run', '--target', 'aws', '--endpoint', emulator.url, '--report-dir', await tempReportDir()]);
    assert.equal(p.code, 1, explain(p));
    assert.match(p.stderr, /Refusing to provision in AWS account 000000000000 \(credentials of arn:aws:iam::000000000000:root\): pass --allow-account 000000000000/);
    assert.doesNotMatch(p.stdout, /kms-lab run \S+: target/, 'nothing ran');
  });

  it('--target aws refuses when --allow-account is another account', async () => {
    const p = await runKmsLab(['run', '--target', 'aws', '--endpoint', emulator.url, '--allow-account', '111122223333', '--report-dir', await tempReportDir()]);
    assert.equal(p.code, 1, explain(p));
    assert.match(p.stderr, /--allow-account is 111122223333 but the credentials \(arn:aws:iam::000000000000:root\) are for account 000000000000/);
  });

  it('--target aws with the right account prints what it will create, then runs through the standard credential chain', async () => {
    const p = await runKmsLab(['run', '--target', 'aws', '--endpoint', emulator.url, '--allow-account', '000000000000', '--tags', '@kms and not @s3', '--report-dir', await tempReportDir()]);
    assert.equal(p.code, 0, explain(p));
    const plan = p.stdout.indexOf('kms-lab will provision in AWS account 000000000000');
    assert.ok(plan >= 0 && plan < p.stdout.indexOf('kms-lab run '), 'the plan comes before the run');
    assert.match(p.stdout, /every resource is tagged kms-lab:run-id=/);
    const s = parseSummary(p.lines.at(-1));
    assert.ok(s && s.failed === 0 && s.skipped === 0 && s.passed > 0, explain(p));
  });

  it('--target localstack --endpoint treats an endpoint without LocalStack Pro as Community: enforcement scenarios skipped', async () => {
    const p = await runKmsLab(['run', '--target', 'localstack', '--endpoint', emulator.url, '--tags', '@kms', '--report-dir', await tempReportDir()]);
    assert.equal(p.code, 0, explain(p));
    const s = parseSummary(p.lines.at(-1));
    assert.ok(s && s.failed === 0 && s.skipped > 0 && s.passed > 0, explain(p));
    assert.match(p.stdout, /Skipped on target "localstack": it lacks kms\.keyPolicyEnforcement \(LocalStack Community stores key policies but does not evaluate them\)/);
  });
});
