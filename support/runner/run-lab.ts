import type { Writable } from 'node:stream';
import { loadConfiguration, loadSources, runCucumber } from '@cucumber/cucumber/api';
import { labParameters, newRunId, type LabParameters, type TargetName } from '../parameters.js';
import { assertAllowedAccount, provisioningPlan } from '../targets/aws.js';
import { targetFor } from '../targets/index.js';
import type { RunningTarget } from '../targets/types.js';
import { pointLatestAt, prepareReportDir } from './reports.js';
import { summaryLine, Tally, type Summary } from './tally.js';

export interface RunLabOptions {
  target: TargetName;
  endpoint?: string;
  tags?: string;
  parallel: number;
  region?: string;
  profile?: string;
  allowAccount?: string;
  reportDir: string;
  /** Feature paths; the lab's by default. */
  paths?: string[];
}

export interface RunLabIo {
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface RunLabResult {
  exitCode: number;
  runId: string;
  reportDir: string;
  summary: Summary;
}

/**
 * `kms-lab run`: one target for the whole run (local ones started here, once, and shared by every --parallel
 * worker through the endpoint in worldParameters), Cucumber through its JS API, reports under
 * <report-dir>/<run-id>/ with <report-dir>/latest pointing at them, and a one-line summary at the end.
 */
export async function runLab(opts: RunLabOptions, io: RunLabIo): Promise<RunLabResult> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  // Known and planned for (toolchain.md §2): the SDK's Node 20 notice would otherwise interrupt the progress line.
  io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const note = (line: string) => io.stderr.write(`${line}\n`);
  const params: LabParameters = labParameters({
    target: opts.target,
    endpoint: opts.endpoint,
    region: opts.region,
    profile: opts.profile,
    allowAccount: opts.allowAccount,
    runId: newRunId(),
  }, {});

  const { runConfiguration } = await loadConfiguration({
    profiles: ['lab'],
    provided: {
      ...(opts.tags ? { tags: opts.tags } : {}),
      parallel: opts.parallel,
    },
  }, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr });

  // Replaces the profile's feature paths (provided ones would be added to them).
  if (opts.paths) runConfiguration.sources.paths = opts.paths;

  // Real AWS: refuse before anything exists, and say what will be created.
  if (params.target === 'aws') {
    const who = await assertAllowedAccount(params);
    const plan = await loadSources(runConfiguration.sources, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr });
    say(provisioningPlan(params, who, plan.plan.length));
  }

  let shared: RunningTarget | undefined;
  if (params.target !== 'aws' && !params.endpoint) {
    shared = await targetFor(params.target).start({ params, log: note });
    params.endpoint = shared.connection.endpoint;
  }

  const paths = await prepareReportDir(opts.reportDir, params.runId);
  const tally = new Tally();
  let success = false;
  try {
    say(`kms-lab run ${params.runId}: target ${params.target}${params.endpoint ? ` at ${params.endpoint}` : ''}, region ${params.region}`);
    const result = await runCucumber({
      ...runConfiguration,
      runtime: { ...runConfiguration.runtime, worldParameters: { ...runConfiguration.runtime.worldParameters, ...definedOnly(params) } },
      formats: {
        ...runConfiguration.formats,
        stdout: 'progress',
        files: { [paths.html]: 'html', [paths.junit]: 'junit', [paths.messages]: 'message' },
        options: { ...runConfiguration.formats.options, junit: { suiteName: 'kms-lab' } },
        publish: false,
      },
    }, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr }, (m) => tally.add(m));
    success = result.success;
  } finally {
    await shared?.stop();
  }

  const latest = await pointLatestAt(opts.reportDir, params.runId);
  const summary = tally.summary();
  for (const line of skipReport(summary)) say(line);
  say(`Reports: ${paths.dir}/ (cucumber.html, cucumber.xml, cucumber.ndjson); ${latest} -> ${params.runId}`);
  say(summaryLine(summary));
  return { exitCode: success && summary.failed === 0 ? 0 : 1, runId: params.runId, reportDir: paths.dir, summary };
}

/** Skipped scenarios grouped by reason: one reason usually covers many scenarios. */
export function skipReport(summary: Summary): string[] {
  const byReason = new Map<string, string[]>();
  for (const r of summary.results) {
    if (r.status !== 'skipped') continue;
    const reason = r.skipReason ?? 'no reason recorded (a dry run, or a step before it was skipped)';
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${r.uri}: ${r.name}`]);
  }
  const lines: string[] = [];
  for (const [reason, scenarios] of byReason) {
    lines.push(`${reason} (${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'})`);
    for (const s of scenarios) lines.push(`    - ${s}`);
  }
  return lines;
}

/** worldParameters must be JSON: no undefined values. */
function definedOnly(p: LabParameters): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v as string | number;
  return out;
}
