import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from './lib/procs.js';
import { log, median } from './lib/stats.js';

/**
 * 5. A class: `kms-lab check --target embedded --seed-class N` (a simulated class on the emulator, in the same
 * process), whole-process wall time and peak RSS (VmHWM, polled), median of runs.
 */
export interface ClassRun { wallMs: number; peakRssBytes?: number; summary?: string; exitCode: number }
export interface ClassResult { students: number; runs: ClassRun[]; medianWallMs: number; maxPeakRssBytes?: number; command: string }

function once(students: number): Promise<ClassRun> {
  const out = mkdtempSync(join(tmpdir(), 'kms-lab-bench-class-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/kms-lab.mjs', 'check', '--target', 'embedded', '--seed-class', String(students), '--out', out], {
    cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let peak = 0;
  child.stdout.on('data', (d: Buffer) => (text += d));
  child.stderr.on('data', (d: Buffer) => (text += d));
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
      rmSync(out, { recursive: true, force: true });
      resolve({ wallMs, peakRssBytes: peak || undefined, summary: /^\d+ students: .*$/m.exec(text)?.[0], exitCode: code ?? 1 });
    });
  });
}

export async function klass(opts: { students: number; runs: number }): Promise<ClassResult> {
  const runs: ClassRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    log(`class: kms-lab check of ${opts.students} simulated students, run ${i + 1}/${opts.runs}`);
    runs.push(await once(opts.students));
  }
  const peaks = runs.map((r) => r.peakRssBytes).filter((x): x is number => x !== undefined);
  return {
    students: opts.students,
    runs,
    medianWallMs: median(runs.map((r) => r.wallMs)),
    maxPeakRssBytes: peaks.length ? Math.max(...peaks) : undefined,
    command: `node bin/kms-lab.mjs check --target embedded --seed-class ${opts.students}`,
  };
}
