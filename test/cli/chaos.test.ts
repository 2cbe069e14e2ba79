import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { runLab, type RunLabOptions } from '../../support/runner/run-lab.js';
import { REPO, runKmsLab, tempReportDir } from './lab-process.js';

const FAILING_FIXTURE = join(REPO, 'test', 'fixtures', 'chaos', 'fails.feature');
const ONCE = join(REPO, 'test', 'fixtures', 'chaos', 'run-lab-once.ts');
// Feature 4 (4 scenarios): KMS, S3 with SSE-KMS, IAM, STS and the anonymous public URL, in ~25 s under chaos.
const SUBSET = '@s3 and not @kms';

interface Once { exitCode: number; summary: { scenarios: number; passed: number; failed: number; skipped: number }; verdicts: Record<string, string>; stderr: string }

/** runLab in a child process: Cucumber defines the steps once per process, so every run needs its own. */
async function run(opts: Partial<RunLabOptions>): Promise<Once> {
  const reportDir = join(await tempReportDir('kms-lab-chaos-'), 'reports');
  const p = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ONCE, JSON.stringify({ target: 'embedded', parallel: 0, reportDir, ...opts })], { cwd: REPO, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const last = p.stdout.trimEnd().split('\n').at(-1) ?? '';
  if (p.code !== 0 || !last.startsWith('{')) throw new Error(`runLab ${JSON.stringify(opts)} exited ${p.code}:\n${p.stderr.slice(-3000)}`);
  return { ...(JSON.parse(last) as Omit<Once, 'stderr'>), stderr: p.stderr };
}

describe('kms-lab run --chaos', () => {
  it('reaches the same verdicts with 20 % throttling and 5 % server errors as without faults', async () => {
    const [calm, chaos] = await Promise.all([run({ tags: SUBSET }), run({ tags: SUBSET, chaos: 'default', chaosSeed: 42 })]);
    assert.ok(calm.summary.scenarios > 0, 'the subset selected no scenario');
    assert.deepEqual(chaos.verdicts, calm.verdicts, chaos.stderr.slice(-3000));
    assert.equal(chaos.exitCode, calm.exitCode);
    // The faults really happened.
    const fired = /chaos \(seed 42\): (\d+) of (\d+) requests failed on purpose/.exec(chaos.stderr);
    assert.ok(fired && Number(fired[1]) > 0, `no injected fault reported:\n${chaos.stderr.slice(-1500)}`);
  });

  it('a scenario that must fail still fails under chaos, over several seeds (no false pass)', async () => {
    const runs = await Promise.all([1, 2, 3].map((seed) => run({ paths: [FAILING_FIXTURE], tags: '@chaos-fixture', chaos: 'default', chaosSeed: seed })));
    runs.forEach((r, i) => {
      assert.equal(r.exitCode, 1, `seed ${i + 1}`);
      assert.deepEqual(r.summary, { scenarios: 1, passed: 0, failed: 1, skipped: 0 }, `seed ${i + 1}`);
    });
  });

  it('is refused on targets other than embedded, before anything starts', async () => {
    const io = { stdout: process.stdout, stderr: process.stderr, cwd: REPO, env: process.env };
    await assert.rejects(runLab({ target: 'aws', parallel: 0, reportDir: 'unused', chaos: 'default' }, io), /--chaos injects faults into the embedded emulator; it cannot run against --target aws/);
    await assert.rejects(runLab({ target: 'embedded', parallel: 0, reportDir: 'unused', endpoint: 'http://127.0.0.1:9', chaos: 'default' }, io), /--chaos starts its own embedded emulator/);
  });

  it('rejects an unknown profile and --chaos-seed without --chaos on the command line', async () => {
    const p = await runKmsLab(['run', '--chaos', 'tornado']);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /--chaos.*must be one of default, throttling, errors, slow/);
    const q = await runKmsLab(['run', '--chaos-seed', '3', '--report-dir', await tempReportDir()]);
    assert.equal(q.code, 1);
    assert.match(q.stderr, /--chaos-seed needs --chaos/);
  });
});
