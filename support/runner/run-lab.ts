import type { Writable } from 'node:stream';
import { loadConfiguration, loadSources, runCucumber } from '@cucumber/cucumber/api';
import { createKmsSigningKey, kmsSigner, localSigner, type Signer } from '../bundle/index.js';
import { makeClients } from '../clients.js';
import { labParameters, newRunId, type LabParameters, type TargetName } from '../parameters.js';
import { assertAllowedAccount, awsConnection, callerIdentity, provisioningPlan, type CallerIdentity } from '../targets/aws.js';
import { targetFor } from '../targets/index.js';
import type { Connection, RunningTarget } from '../targets/types.js';
import { writeRunBundle } from './bundle.js';
import { RunCollector } from './collect.js';
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
  /** Sign the evidence bundle with this KMS key (alias/…, key id or ARN); else with a local Ed25519 key. */
  signWith?: string;
  /** Create the --sign-with alias as an ECC_NIST_P256 signing key when it does not exist (it is kept). */
  createSigningKey?: boolean;
  /** A local Ed25519 private key (PKCS#8 PEM text) to sign with instead of a fresh one. */
  signingKeyPem?: string;
  /** Mask account ids in every file of the bundle. */
  redactAccountIds?: boolean;
  /** embedded only: run with this chaos profile's faults on (support/chaos.ts), seeded by chaosSeed. */
  chaos?: string;
  chaosSeed?: number;
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
  /** The sealed bundle, unless writing it failed (then exitCode is 1 and the reason was printed). */
  bundle?: { manifestSha256: string; publicKeySha256: string; algorithm: string; evidenceFiles: number; keyArn?: string };
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
    chaos: opts.chaos,
    chaosSeed: opts.chaosSeed,
  }, {});
  assertChaosAllowed(params);

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
  let who: CallerIdentity | undefined;
  if (params.target === 'aws') {
    who = await assertAllowedAccount(params);
    const plan = await loadSources(runConfiguration.sources, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr });
    say(provisioningPlan(params, who, plan.plan.length));
  }

  let shared: RunningTarget | undefined;
  if (params.target !== 'aws' && !params.endpoint) {
    shared = await targetFor(params.target).start({ params, log: note });
    params.endpoint = shared.connection.endpoint;
  }

  const paths = await prepareReportDir(opts.reportDir, params.runId);
  params.resourceLog = resourceLogPath(paths.dir);
  const tally = new Tally();
  const collector = new RunCollector();
  const startedAt = new Date().toISOString();
  let success = false;
  let bundle: RunLabResult['bundle'];
  try {
    // The caller and the bundle's signer are settled before any scenario runs: a wrong --sign-with fails now.
    const conn = await connectionFor(params, shared, note);
    who ??= await callerIdentity(conn).catch(() => undefined);
    const signing = await signerFor(opts, conn, params.runId);
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
    }, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr }, (m) => {
      tally.add(m);
      collector.add(m);
    });
    success = result.success;
    // Sealed while the target still runs: a KMS signature needs it.
    try {
      const written = await writeRunBundle({
        dir: paths.dir,
        collector,
        cwd: io.cwd,
        signer: signing.signer,
        redactAccountIds: Boolean(opts.redactAccountIds),
        context: {
          runId: params.runId, target: params.target, endpoint: params.endpoint, region: params.region,
          account: who?.account, callerArn: who?.arn, tags: opts.tags, startedAt, finishedAt: new Date().toISOString(),
        },
      });
      bundle = {
        manifestSha256: written.manifestSha256,
        publicKeySha256: written.signature.publicKeySha256,
        algorithm: written.signature.algorithm,
        evidenceFiles: written.evidenceFiles,
        ...(written.signature.signer.type === 'kms' ? { keyArn: written.signature.signer.keyArn } : {}),
      };
    } catch (e) {
      note(`kms-lab: the evidence bundle in ${paths.dir} could not be written: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      signing.close();
    }
  } finally {
    await shared?.stop();
  }

  const latest = await pointLatestAt(opts.reportDir, params.runId);
  const summary = tally.summary();
  for (const line of skipReport(summary)) say(line);
  say(`Reports: ${paths.dir}/ (cucumber.html, cucumber.xml, cucumber.ndjson); ${latest} -> ${params.runId}`);
  if (bundle) {
    say(`Evidence bundle: ${paths.dir}/ (report.html, summary.md, ${bundle.evidenceFiles} files in evidence/, manifest.json signed ${bundle.algorithm} by ${bundle.keyArn ? `KMS key ${bundle.keyArn}` : 'a local Ed25519 key'}; public key SHA-256 ${bundle.publicKeySha256}). Check it with: kms-lab verify ${paths.dir}`);
  }
  say(summaryLine(summary));
  return { exitCode: success && summary.failed === 0 && bundle ? 0 : 1, runId: params.runId, reportDir: paths.dir, summary, bundle };
}

/** How the harness itself reaches the target (the provisioner's connection): for the caller's identity and KMS signing. */
async function connectionFor(params: LabParameters, shared: RunningTarget | undefined, log: (line: string) => void): Promise<Connection> {
  if (shared) return shared.connection;
  if (params.target === 'aws') return awsConnection(params);
  // Attached to a running endpoint: starting the target only attaches (stop leaves the endpoint running).
  const attached = await targetFor(params.target).start({ params, log });
  await attached.stop();
  return attached.connection;
}

async function signerFor(opts: RunLabOptions, conn: Connection, runId: string): Promise<{ signer: Signer; close(): void }> {
  if (!opts.signWith) return { signer: localSigner(opts.signingKeyPem), close: () => {} };
  const clients = makeClients(conn);
  try {
    let keyId = opts.signWith;
    if (opts.createSigningKey) {
      // Deliberately not tagged kms-lab:run-id: cleanup must never schedule the key that verifies old bundles for deletion.
      const made = await createKmsSigningKey({ kms: clients.kms, alias: opts.signWith, tags: { 'kms-lab:purpose': 'evidence-bundle-signing', 'kms-lab:created-by-run': runId } });
      keyId = made.keyArn;
    }
    const signer = await kmsSigner({ kms: clients.kms, keyId, region: conn.region });
    return { signer, close: () => clients.destroy() };
  } catch (e) {
    clients.destroy();
    throw e;
  }
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

/** Set where the log is written before any scenario runs; `kms-lab cleanup --run-id` reads it. */
function resourceLogPath(dir: string): string {
  return `${dir}/created-resources.ndjson`;
}

function assertChaosAllowed(params: LabParameters): void {
  if (!params.chaos) return;
  if (params.target !== 'embedded') throw new Error(`--chaos injects faults into the embedded emulator; it cannot run against --target ${params.target}. Drop --chaos, or use --target embedded.`);
  if (params.endpoint) throw new Error('--chaos starts its own embedded emulator with the faults on; drop --endpoint (to inject faults into a running emulator, PUT /_emulator/faults).');
}
