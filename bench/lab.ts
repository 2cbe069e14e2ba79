import { timedCli } from './lib/cli-run.js';
import { log, median } from './lib/stats.js';

/**
 * 4. The lab: `kms-lab run` on the embedded target, cold (a new process each time), whole process wall time,
 * median of N; with Cucumber's own "executing steps" time and the process's peak RSS (VmHWM).
 */
export interface LabRun { wallMs: number; stepsMs?: number; scenarios?: string; peakRssBytes?: number; exitCode: number }
export interface LabResult { runs: LabRun[]; medianWallMs: number; medianStepsMs?: number; command: string }

async function once(): Promise<LabRun> {
  const { wallMs, peakRssBytes, output, exitCode } = await timedCli('kms-lab-bench-lab-', (reports) => ['run', '--report-dir', reports]);
  const steps = /executing steps: (\d+)m(\d+\.\d+)s/.exec(output);
  const scenarios = /^(\d+ scenarios \([^)]*\))/m.exec(output)?.[1];
  return { wallMs, stepsMs: steps ? (Number(steps[1]) * 60 + Number(steps[2])) * 1000 : undefined, scenarios, peakRssBytes, exitCode };
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
