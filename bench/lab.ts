import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from './lib/procs.js';
import { log, median } from './lib/stats.js';

/**
 * 4. The lab: `kms-lab run` on the embedded target, cold (a new process each time), whole process wall time,
 * median of N; with Cucumber's own "executing steps" time and the process's peak RSS (VmHWM).
 */
export interface LabRun { wallMs: number; stepsMs?: number; scenarios?: string; peakRssBytes?: number; exitCode: number }
export interface LabResult { runs: LabRun[]; medianWallMs: number; medianStepsMs?: number; command: string }

function once(): Promise<LabRun> {
  const reports = mkdtempSync(join(tmpdir(), 'kms-lab-bench-lab-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/kms-lab.mjs', 'run', '--report-dir', reports], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let peak = 0;
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch { /* exited */ }
  }, 50);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(poll);
      const wallMs = performance.now() - t0;
      rmSync(reports, { recursive: true, force: true });
      const steps = /executing steps: (\d+)m(\d+\.\d+)s/.exec(out);
      const scenarios = /^(\d+ scenarios \([^)]*\))/m.exec(out)?.[1];
      resolve({ wallMs, stepsMs: steps ? (Number(steps[1]) * 60 + Number(steps[2])) * 1000 : undefined, scenarios, peakRssBytes: peak || undefined, exitCode: code ?? 1 });
    });
  });
}

export async function lab(opts: { runs: number }): Promise<LabResult> {
  const runs: LabRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    log(`lab: kms-lab run ${i + 1}/${opts.runs}`);
    runs.push(await once());
  }
  const steps = runs.map((r) => r.stepsMs).filter((x): x is number => x !== undefined);
  return { runs, medianWallMs: median(runs.map((r) => r.wallMs)), medianStepsMs: steps.length ? median(steps) : undefined, command: 'node bin/kms-lab.mjs run (target embedded)' };
}
