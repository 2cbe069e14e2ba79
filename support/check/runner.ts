import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { loadConfiguration, loadSupport, runCucumber } from '@cucumber/cucumber/api';
import pLimit from 'p-limit';
import { VERSION } from '../../emulator/core/version.js';
import { evidencePath, localSigner, slug, writeBundle, writeEvidence, type EvidenceFile, type Signer } from '../bundle/index.js';
import { RateLimiter } from '../cloudtrail/limiter.js';
import { newRunId } from '../parameters.js';
import type { CheckDefinition } from './checks.js';
import { assumeStudentRole, describeAwsError, makeCheckClients, whoIsOperator, type Operator } from './clients.js';
import { CheckCollector, type CheckResult } from './collect.js';
import { newStudentContext, registerContext, unregisterContext } from './context.js';
import type { CallLogEntry } from './guard.js';
import { matrixHtml } from './html.js';
import { progressFor } from './progress.js';
import { gradesCsv, reportJson, summarize, summaryLines, type ClassReport, type StudentReport } from './report.js';
import { readRoster, shardOf, singleAccount, type RosterEntry, type Shard } from './roster.js';
import { startCheckTarget, type CheckTarget, type CheckTargetName } from './target.js';
import { WORD } from './verdict.js';

/** LookupEvents requests started per second per account and Region (AWS's limit is 2). */
export const LOOKUP_EVENTS_PER_SECOND = 1.8;

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_FEATURES = [join(REPO, 'features', 'checks')];
/** Only the check World, its hooks and its steps: the lab's World and hooks (which provision actors) are not loaded. */
const SUPPORT = ['support/tsx-register.mjs', 'support/check/world.ts', 'support/check/hooks.ts', 'steps/checks*.steps.ts'];

export interface CheckRunOptions {
  roster?: string;
  accountRole?: string;
  externalId?: string;
  student?: string;
  concurrency: number;
  shard?: Shard;
  features?: string[];
  out: string;
  target: CheckTargetName;
  endpoint?: string;
  region: string;
  profile?: string;
  /** embedded without an endpoint: students to seed (default 30). */
  seedClass?: number;
  /** How far back CloudTrail is read (LookupEvents keeps 90 days). */
  lookbackDays?: number;
  maxLogFiles?: number;
  runId?: string;
}

export interface CheckRunIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export interface CheckRunResult {
  exitCode: number;
  outDir: string;
  report: ClassReport;
}

const nullStream = () => new Writable({ write: (_c, _e, done) => done() });

type Config = Awaited<ReturnType<typeof loadConfiguration>>['runConfiguration'];
type Library = Awaited<ReturnType<typeof loadSupport>>;

/**
 * The check support code, loaded once per process: its modules register step definitions when imported, and
 * an ES module is imported only once, so a second load would find no steps.
 */
let support: Promise<{ config: Config; library: Library }> | undefined;
function checkSupport(env: NodeJS.ProcessEnv): Promise<{ config: Config; library: Library }> {
  support ??= (async () => {
    const { runConfiguration } = await loadConfiguration(
      { file: false, provided: { paths: [], import: SUPPORT, format: [], formatOptions: {} } },
      { cwd: REPO, env, stdout: nullStream(), stderr: nullStream() },
    );
    const library = await loadSupport(runConfiguration, { cwd: REPO, env, stdout: nullStream(), stderr: nullStream() });
    return { config: runConfiguration, library };
  })();
  support.catch(() => { support = undefined; });
  return support;
}

function runConfig(config: Config, library: Library, features: string[], worldParameters: Record<string, string>, files: Record<string, string>, dryRun = false) {
  return {
    ...config,
    sources: { ...config.sources, paths: features },
    support: library,
    runtime: { ...config.runtime, dryRun, parallel: 0, retry: 0, worldParameters },
    formats: { stdout: './support/check/quiet-formatter.mjs', files, publish: false as const, options: {} },
  };
}

/** The graded checks of the feature files (a dry run: nothing is called). */
export async function discoverChecks(features: string[], env: NodeJS.ProcessEnv, stderr: Writable): Promise<CheckDefinition[]> {
  const { config, library } = await checkSupport(env);
  const collector = new CheckCollector();
  const errors: string[] = [];
  const capture = new Writable({ write: (c, _e, done) => { errors.push(String(c)); done(); } });
  await runCucumber(runConfig(config, library, features, {}, {}, true), { cwd: REPO, env, stdout: nullStream(), stderr: capture }, (m) => collector.add(m));
  const text = errors.join('').trim();
  if (/parse error/i.test(text)) throw new Error(`The check features do not parse:\n${text}`);
  if (text) stderr.write(`${text}\n`);
  const checks = collector.definitions();
  if (checks.length === 0) throw new Error(`No graded checks in ${features.join(', ')}: a check is a scenario tagged @check:<id> and @points:<n>.`);
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) throw new Error(`Two scenarios are tagged @check:${c.id} (${checks.filter((x) => x.id === c.id).map((x) => `${x.uri}: ${x.title}`).join('; ')}); check ids must be unique.`);
    ids.add(c.id);
  }
  return checks;
}

interface Run {
  runId: string;
  out: string;
  target: CheckTarget;
  operator: Operator;
  sessionName: string;
  features: string[];
  checks: CheckDefinition[];
  maxScore: number;
  config: Config;
  library: Library;
  env: NodeJS.ProcessEnv;
  signer: Signer;
  limiters: Map<string, RateLimiter>;
  lookbackDays: number;
  maxLogFiles: number;
}

/** `kms-lab check`: every student of the roster (or one --account-role), checked read-only, graded, with evidence. */
export async function runCheck(opts: CheckRunOptions, io: CheckRunIo): Promise<CheckRunResult> {
  io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const note = (line: string) => io.stderr.write(`${line}\n`);
  const runId = opts.runId ?? newRunId();
  const out = resolve(opts.out);

  // Everything the operator typed is checked before anything starts.
  if (opts.roster && opts.accountRole) throw new Error('Give either --roster or --account-role, not both.');
  let entries: RosterEntry[] | undefined;
  if (opts.roster) entries = await readRoster(opts.roster, opts.region);
  else if (opts.accountRole) entries = [singleAccount(opts.accountRole, { student: opts.student, externalId: opts.externalId, region: opts.region })];
  else if (opts.target !== 'embedded' || opts.endpoint) {
    throw new Error('Name the students: --roster roster.csv (header student,account_id,role_arn[,external_id][,region]) or --account-role ARN for one account.');
  }
  if (!(opts.concurrency >= 1)) throw new Error('--concurrency must be at least 1.');
  if (opts.seedClass !== undefined && (opts.target !== 'embedded' || opts.endpoint || opts.roster || opts.accountRole)) {
    throw new Error('--seed-class starts an emulator with a simulated class: use it with --target embedded, without --endpoint, --roster or --account-role.');
  }
  const given = (opts.features ?? DEFAULT_FEATURES).map((p) => resolve(p));
  const checks = await discoverChecks(given, io.env, io.stderr);
  // Each student runs only the files that hold graded checks (features/checks also holds other read-only
  // features, e.g. the compliance ones, which `kms-lab check` does not grade).
  const features = [...new Set(checks.map((c) => resolve(REPO, c.uri)))];
  const { config, library } = await checkSupport(io.env);

  const target = await startCheckTarget({ target: opts.target, endpoint: opts.endpoint, region: opts.region, profile: opts.profile, seedClass: opts.seedClass }, note);
  let operator: Operator | undefined;
  try {
    operator = await whoIsOperator(target.operator);
    await mkdir(out, { recursive: true });
    if (!entries) {
      entries = target.seededRoster!.entries;
      await writeFile(join(out, 'roster.csv'), target.seededRoster!.csv);
    }
    const students = shardOf(entries, opts.shard);
    const startedAt = new Date();
    const run: Run = {
      runId, out, target, operator, features, checks, config, library, env: io.env,
      sessionName: `kms-lab-check-${runId}`.slice(0, 64),
      maxScore: checks.reduce((a, c) => a + c.points, 0),
      signer: localSigner(),
      limiters: new Map(),
      lookbackDays: opts.lookbackDays ?? 90,
      maxLogFiles: opts.maxLogFiles ?? 1000,
    };
    say(`kms-lab check ${runId}: ${students.length} of ${entries.length} student(s)${opts.shard ? ` (shard ${opts.shard.index}/${opts.shard.count})` : ''}, ${checks.length} checks (${run.maxScore} points), ${target.description}, as ${operator.arn}`);

    const progress = progressFor(io.stdout);
    progress.start(students.length);
    const limit = pLimit(opts.concurrency);
    const reports = await Promise.all(students.map((entry) => limit(async () => {
      const r = await checkStudent(run, entry);
      progress.done(studentLine(r), r.status === 'error');
      return r;
    })));
    progress.finish();

    const report: ClassReport = {
      tool: { name: 'kms-lab check', version: VERSION },
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      target: target.name,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      operator: { arn: operator.arn, accountId: operator.accountId },
      ...(opts.roster ? { roster: opts.roster } : opts.accountRole ? { roster: `--account-role ${opts.accountRole}` } : { roster: join(out, 'roster.csv') }),
      ...(opts.shard ? { shard: opts.shard } : {}),
      features,
      checks,
      maxScore: run.maxScore,
      students: reports,
      summary: summarize(checks, reports),
      ...(reports.find((x) => x.bundle) ? { evidenceKey: { algorithm: run.signer.algorithm, publicKeySha256: reports.find((x) => x.bundle)!.bundle!.publicKeySha256 } } : {}),
      ...(target.seededRoster && !opts.roster ? { fixture: target.seededRoster.states } : {}),
    };
    await writeFile(join(out, 'matrix.html'), matrixHtml(report));
    await writeFile(join(out, 'grades.csv'), gradesCsv(report));
    await writeFile(join(out, 'results.json'), reportJson(report));
    for (const line of summaryLines(report, out)) say(line);
    const nothing = reports.length > 0 && reports.every((r) => r.status === 'error');
    if (nothing) note('kms-lab: no student could be checked: is the instructor role set up in their accounts (docs/instructor.md), and are these the right credentials?');
    return { exitCode: nothing ? 2 : 0, outDir: out, report };
  } finally {
    operator?.sts.destroy();
    await target.stop();
  }
}

function studentLine(r: StudentReport): string {
  const who = `${r.student} (${r.accountId})`;
  if (r.status === 'error') return `${who}: error — ${r.error}`;
  return `${who}: ${r.score}/${r.maxScore}${r.undecided ? `, ${r.undecided} cannot tell` : ''}`;
}

function limiterFor(run: Run, accountId: string, region: string): RateLimiter {
  const key = `${accountId}/${region}`;
  let l = run.limiters.get(key);
  // AWS allows 2 LookupEvents per second per account and Region; starting at most 1.8 a second leaves room
  // for the requests' own jitter on the way, so AWS never sees more than 2 in any second.
  if (!l) run.limiters.set(key, (l = new RateLimiter(LOOKUP_EVENTS_PER_SECOND)));
  return l;
}

function assumeError(run: Run, entry: RosterEntry, e: unknown): string {
  const code = (e as { name?: string; Code?: string })?.Code ?? (e as { name?: string })?.name ?? '';
  const base = `the role ${entry.roleArn} cannot be assumed: ${describeAwsError(e)}`;
  if (/AccessDenied/.test(code)) {
    return `${base}. Its trust policy must let account ${run.operator.accountId} call sts:AssumeRole${entry.externalId ? ' with the roster\'s external_id as sts:ExternalId' : ''} (docs/instructor.md), and the role must exist.`;
  }
  return base;
}

async function checkStudent(run: Run, entry: RosterEntry): Promise<StudentReport> {
  const startedAt = new Date();
  const dirRel = `students/${slug(entry.student, 40)}-${entry.accountId}`;
  const dir = join(run.out, dirRel);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const calls: CallLogEntry[] = [];
  const row: StudentReport = {
    student: entry.student, accountId: entry.accountId, roleArn: entry.roleArn, region: entry.region, line: entry.line, extra: entry.extra,
    status: 'checked', score: 0, maxScore: run.maxScore, undecided: 0, checks: {}, evidenceFiles: {}, dir: dirRel, calls: 0,
    startedAt: startedAt.toISOString(), finishedAt: '',
  };

  let assumed;
  try {
    assumed = await assumeStudentRole(run.operator, entry, run.sessionName);
  } catch (e) {
    return finish(run, entry, row, dir, calls, `${assumeError(run, entry, e)}`);
  }
  row.sessionArn = assumed.sessionArn;
  const clients = makeCheckClients(run.target.connectionFor(entry.region), assumed.credentials, (c) => calls.push(c));
  let contextId: string | undefined;
  try {
    const me = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (me.Account !== entry.accountId) {
      return await finish(run, entry, row, dir, calls, `the role ${entry.roleArn} gave a session in account ${me.Account}, not the roster's ${entry.accountId}`);
    }
    row.sessionArn = me.Arn ?? assumed.sessionArn;
    const ctx = newStudentContext({
      entry, clients, sessionArn: row.sessionArn, limiter: limiterFor(run, entry.accountId, entry.region), startedAt,
      since: new Date(startedAt.getTime() - run.lookbackDays * 86_400_000), maxLogFiles: run.maxLogFiles,
    });
    contextId = registerContext(ctx);
    const collector = new CheckCollector();
    await runCucumber(
      runConfig(run.config, run.library, run.features, { contextId }, { [join(dir, 'cucumber.ndjson')]: 'message' }),
      { cwd: REPO, env: run.env, stdout: nullStream(), stderr: nullStream() },
      (m) => collector.add(m),
    );
    const results = collector.results();
    for (const c of run.checks) {
      row.checks[c.id] = results.get(c.id) ?? { id: c.id, verdict: 'cannot-tell', earned: 0, reason: 'the check did not run', evidence: [] };
    }
  } catch (e) {
    return await finish(run, entry, row, dir, calls, `the check could not run: ${describeAwsError(e)}`);
  } finally {
    if (contextId) unregisterContext(contextId);
    clients.destroy();
  }
  return finish(run, entry, row, dir, calls);
}

/** Scores the row, writes the student's evidence bundle (evidence, result, calls, signed manifest). */
async function finish(run: Run, entry: RosterEntry, row: StudentReport, dir: string, calls: CallLogEntry[], error?: string): Promise<StudentReport> {
  const results = Object.values(row.checks);
  row.score = results.reduce((a, r) => a + r.earned, 0);
  row.undecided = results.filter((r) => r.verdict === 'cannot-tell').length;
  if (error) {
    row.status = 'error';
    row.error = error;
  } else if (results.length > 0 && row.undecided === results.length) {
    // Nothing could be decided: the same cause (usually the role's permissions) for the whole student.
    row.status = 'error';
    row.error = `no check could decide anything; the first reason: ${results[0]!.reason}`;
  }
  row.calls = calls.length;

  const files: EvidenceFile[] = [];
  run.checks.forEach((c, i) => {
    const r = row.checks[c.id];
    if (!r) return;
    const used = new Set<string>();
    row.evidenceFiles[c.id] = r.evidence.map((e) => {
      let path = evidencePath(i + 1, c.id, e.stepIndex, e.step, e.label);
      for (let n = 2; used.has(path); n++) path = evidencePath(i + 1, c.id, e.stepIndex, e.step, `${e.label} ${n}`);
      used.add(path);
      files.push({ path, content: `${JSON.stringify({ check: c.id, step: e.step, label: e.label, at: e.at, data: e.data }, null, 2)}\n` });
      return { label: e.label, path: `${row.dir}/${path}` };
    });
  });
  row.finishedAt = new Date().toISOString();
  try {
    await writeEvidence(dir, files);
    await writeFile(join(dir, 'calls.json'), `${JSON.stringify(calls, null, 2)}\n`);
    await writeFile(join(dir, 'result.json'), studentJson(run, row));
    const written = await writeBundle(dir, {
      signer: run.signer,
      metadata: {
        kind: 'kms-lab check',
        tool: { name: 'kms-lab', version: VERSION, node: process.version },
        run: {
          id: run.runId, target: run.target.name, ...(run.target.endpoint ? { endpoint: run.target.endpoint } : {}), account: entry.accountId,
          region: entry.region, callerArn: row.sessionArn ?? run.operator.arn, startedAt: row.startedAt, finishedAt: row.finishedAt,
        },
        student: { name: entry.student, accountId: entry.accountId, roleArn: entry.roleArn, rosterLine: entry.line },
        results: bundleResults(run, row),
      },
    });
    row.bundle = { manifestSha256: written.manifestSha256, publicKeySha256: written.signature.publicKeySha256 };
  } catch (e) {
    // The grade stands; the evidence could not be written (disk full, permissions): say so in the row.
    row.error = `${row.error ? `${row.error}; ` : ''}the evidence bundle could not be written: ${(e as Error).message}`;
  }
  return row;
}

function studentJson(run: Run, row: StudentReport): string {
  const checks = Object.fromEntries(run.checks.filter((c) => row.checks[c.id]).map((c) => {
    const r: CheckResult = row.checks[c.id]!;
    return [c.id, { title: c.title, points: c.points, verdict: r.verdict, earned: r.earned, reason: r.reason, ...(r.step ? { step: r.step } : {}),
      evidence: (row.evidenceFiles[c.id] ?? []).map((f) => f.path.slice(row.dir.length + 1)) }];
  }));
  const { evidenceFiles: _files, checks: _checks, bundle: _bundle, ...rest } = row;
  return `${JSON.stringify({ ...rest, checks }, null, 2)}\n`;
}

function bundleResults(run: Run, row: StudentReport) {
  const items = run.checks.filter((c) => row.checks[c.id]).map((c, index) => {
    const r = row.checks[c.id]!;
    const status = r.verdict === 'pass' ? 'passed' as const : r.verdict === 'fail' ? 'failed' as const : 'skipped' as const;
    return {
      index: index + 1, name: c.title, uri: c.uri, status, detail: WORD[r.verdict],
      ...(r.verdict === 'fail' ? { error: r.reason } : r.verdict === 'cannot-tell' ? { skipReason: r.reason } : {}),
      tags: [`@check:${c.id}`, `@points:${c.points}`], controls: [],
      evidence: (row.evidenceFiles[c.id] ?? []).map((f) => f.path.slice(row.dir.length + 1)),
    };
  });
  const count = (s: string) => items.filter((i) => i.status === s).length;
  const verdict = row.status === 'error' || count('skipped') > 0 ? (count('failed') > 0 ? 'failed' as const : 'incomplete' as const) : count('failed') > 0 ? 'failed' as const : 'passed' as const;
  return { verdict, scenarios: items.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), items };
}
