import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { discover, parseResourceLog } from '../../support/cleanup/index.js';
import { runCleanup } from '../../support/cleanup/run.js';
import { makeClients } from '../../support/clients.js';
import { leftovers, type ResourceLogEntry } from '../../support/resources.js';
import { BIN, emulatorCredentialsEnv, REPO, tempReportDir } from '../cli/lab-process.js';

const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Waits until `dir`/<run>/created-resources.ndjson records a KMS key, then kills the run without warning. */
async function crashRunOnceItCreatedAKey(endpoint: string, reportDir: string): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'run', '--endpoint', endpoint, '--tags', '@kms and not @s3', '--report-dir', reportDir], { cwd: REPO, env: emulatorCredentialsEnv(), stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (Date.now() > deadline) throw new Error('the run created no KMS key within 60 s');
      const runs = existsSync(reportDir) ? readdirSync(reportDir).filter((d) => d !== 'latest') : [];
      const log = runs[0] ? join(reportDir, runs[0], 'created-resources.ndjson') : undefined;
      if (log && existsSync(log) && readFileSync(log, 'utf8').includes('"kind":"KMS key"')) return runs[0]!;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('close', r)));
  }
}

describe('an interrupted run leaves a record that kms-lab cleanup --run-id finishes from', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emulator.stop();
  });

  it('a run killed mid-scenario (SIGKILL) recorded what it created, and cleanup removes exactly that', async () => {
    const reportDir = await tempReportDir('kms-lab-crash-');
    const runId = await crashRunOnceItCreatedAKey(emulator.url, reportDir);
    const recordPath = join(reportDir, runId, 'created-resources.ndjson');
    const open = leftovers(parseResourceLog(readFileSync(recordPath, 'utf8')));
    assert.ok(open.some((r) => r.kind === 'KMS key') && open.some((r) => r.kind === 'IAM role'), JSON.stringify(open));
    const conn = { endpoint: emulator.url, region: 'us-east-1', forcePathStyle: true, credentials: ROOT };
    const out = await runCleanup({ selector: { runId }, conn, yes: true, recordPath }, () => {});
    assert.deepEqual(out.failed, []);
    for (const r of open) assert.ok(out.removed.some((x) => x.startsWith(r.kind) && x.includes(r.id)), `${r.kind} ${r.id} was recorded but not removed: ${out.removed.join(', ')}`);
    const clients = makeClients(conn);
    try {
      assert.deepEqual((await discover(clients, { runId })).found, []);
    } finally {
      clients.destroy();
    }
  });
});

describe('the record of created resources', () => {
  const e = (event: ResourceLogEntry['event'], kind: string, id: string): ResourceLogEntry => ({ event, kind, id, runId: 'r', region: 'us-east-1', at: '' });
  it('what was created and not removed is what is left over', () => {
    assert.deepEqual(leftovers([e('created', 'S3 bucket', 'b'), e('created', 'KMS key', 'k'), e('removed', 'S3 bucket', 'b')]).map((x) => x.id), ['k']);
  });
  it('a last line torn by a kill is skipped, not fatal', () => {
    assert.deepEqual(parseResourceLog(`${JSON.stringify(e('created', 'KMS key', 'k'))}\n{"event":"crea`).map((x) => x.id), ['k']);
  });
});
