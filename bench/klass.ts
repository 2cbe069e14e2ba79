import { timedCli } from './lib/cli-run.js';
import { log, median } from './lib/stats.js';

/**
 * 5. A class: `kms-lab check --target embedded --seed-class N` (a simulated class on the emulator, in the same
 * process), whole-process wall time and peak RSS (VmHWM, polled), median of runs.
 */
export interface ClassRun { wallMs: number; peakRssBytes?: number; summary?: string; exitCode: number }
export interface ClassResult { students: number; runs: ClassRun[]; medianWallMs: number; maxPeakRssBytes?: number; command: string }

async function once(students: number): Promise<ClassRun> {
  const { wallMs, peakRssBytes, output, exitCode } = await timedCli('kms-lab-bench-class-',
    (out) => ['check', '--target', 'embedded', '--seed-class', String(students), '--out', out]);
  return { wallMs, peakRssBytes, summary: /^\d+ students: .*$/m.exec(output)?.[0], exitCode };
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
