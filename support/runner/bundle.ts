import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VERSION } from '../../emulator/core/version.js';
import { evidencePath, publicKeyFingerprint, writeBundle, writeEvidence, type EvidenceFile } from '../bundle/index.js';
import { BUNDLE_FILES, type BundleMetadata, type CloudTrailRecordSet, type ScenarioRecord, type Signer, type WrittenBundle } from '../bundle/types.js';
import { controlResults, controlsOf } from '../controls/index.js';
import { AccountMasker, redact, scrubText } from '../evidence.js';
import { renderReport } from '../report/html.js';
import { renderSummary } from '../report/summary.js';
import type { CollectedScenario } from './collect.js';
import type { RunCollector } from './collect.js';
import { isSkipReason } from './tally.js';

/** Text files other parts of the run leave in its directory (cucumber.*, created-resources.ndjson): scrubbed and masked too. */
const TEXT_FILE = /\.(html|xml|ndjson|json|md|txt|csv|log)$/;
export const SUMMARY_FILE = 'summary.md';
export const REPORT_FILE = 'report.html';

export interface RunContext {
  runId: string;
  target: string;
  endpoint?: string;
  region: string;
  account?: string;
  callerArn?: string;
  tags?: string;
  startedAt: string;
  finishedAt: string;
}

export interface RunBundleOptions {
  dir: string;
  collector: RunCollector;
  context: RunContext;
  signer: Signer;
  redactAccountIds: boolean;
  cwd: string;
}

const RANK: Record<string, number> = { UNKNOWN: 0, NOT_RUN: 0, PASSED: 1, SKIPPED: 2, PENDING: 3, UNDEFINED: 4, AMBIGUOUS: 5, FAILED: 6 };

/** kms-lab's git commit, when it runs from a clone (and whether the work tree had changes). */
export function gitCommit(cwd: string): { gitCommit?: string; gitDirty?: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return /^[0-9a-f]{40}$/.test(commit) ? { gitCommit: commit, gitDirty: dirty } : {};
  } catch {
    return {};
  }
}

function worst(s: CollectedScenario): string {
  let w = 'UNKNOWN';
  for (const st of s.steps) if ((RANK[st.status] ?? 0) >= (RANK[w] ?? 0)) w = st.status;
  return s.steps.length === 0 ? 'NOT_RUN' : w;
}

interface JsonEvidence { label?: string; at?: string; data?: unknown }

function parseEvidence(body: string): JsonEvidence | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonEvidence) : { data: v };
  } catch {
    return undefined;
  }
}

/** One file per attachment, named by scenario and step; contents redacted once more on the way out. */
function evidenceFiles(scenarios: CollectedScenario[]): { files: EvidenceFile[]; records: ScenarioRecord[]; parsed: Map<string, JsonEvidence> } {
  const files: EvidenceFile[] = [];
  const parsed = new Map<string, JsonEvidence>();
  const records: ScenarioRecord[] = [];
  for (const s of scenarios) {
    const detail = worst(s);
    const status: ScenarioRecord['status'] = detail === 'PASSED' ? 'passed' : detail === 'SKIPPED' ? 'skipped' : 'failed';
    const record: ScenarioRecord = {
      index: s.index, name: s.name, uri: s.uri, status, detail, tags: s.tags,
      controls: controlsOf(s.tags).map((c) => (c.framework === 'cis' ? `CIS ${c.id}` : `AWS Config ${c.id}`)),
      evidence: [], startedAt: s.startedAt, finishedAt: s.finishedAt, steps: [],
    };
    const used = new Set<string>();
    s.steps.forEach((step, i) => {
      const stepEvidence: string[] = [];
      for (const a of step.attachments) {
        let label: string;
        let content: string | Buffer;
        let ext: string;
        if (a.encoding === 'BASE64') {
          label = a.fileName ?? a.mediaType;
          content = Buffer.from(a.body, 'base64');
          ext = a.mediaType === 'image/png' ? 'png' : 'bin';
        } else if (a.mediaType === 'application/json') {
          const ev = parseEvidence(a.body);
          label = ev?.label ?? a.fileName ?? 'evidence';
          content = ev ? `${JSON.stringify(redact(ev), null, 2)}\n` : scrubText(a.body);
          ext = 'json';
        } else {
          label = isSkipReason(a.body) ? 'skip reason' : a.fileName ?? 'note';
          if (isSkipReason(a.body)) record.skipReason = scrubText(a.body);
          content = `${scrubText(a.body)}\n`;
          ext = 'txt';
        }
        let path = evidencePath(s.index, s.name, i + 1, `${step.keyword} ${step.text}`, label, ext);
        for (let n = 2; used.has(path); n++) path = evidencePath(s.index, s.name, i + 1, `${step.keyword} ${step.text}`, `${label} ${n}`, ext);
        used.add(path);
        files.push({ path, content });
        if (ext === 'json' && typeof content === 'string') {
          const ev = parseEvidence(content);
          if (ev) parsed.set(path, ev);
        }
        stepEvidence.push(path);
        record.evidence.push(path);
      }
      // Hooks that passed and left nothing say nothing: kept out of the record.
      if (step.kind === 'hook' && stepEvidence.length === 0 && (step.status === 'PASSED' || step.status === 'SKIPPED')) return;
      record.steps!.push({ keyword: step.keyword, text: step.text, status: step.status, evidence: stepEvidence, ...(step.error ? { error: scrubText(step.error) } : {}) });
      if (step.error && !record.error && step.status === 'FAILED') record.error = scrubText(step.error);
    });
    records.push(record);
  }
  return { files, records, parsed };
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The trails, log files, digests and LookupEvents answers the audit relied on, from the evidence itself. */
export function cloudTrailRelied(records: ScenarioRecord[], parsed: Map<string, JsonEvidence>): CloudTrailRecordSet {
  const out: CloudTrailRecordSet = { trails: [], logFiles: [], digestFiles: [], lookupEvents: [] };
  for (const r of records) {
    let bucket: string | undefined;
    for (const path of r.evidence) {
      const ev = parsed.get(path);
      if (!ev) continue;
      const data = obj(ev.data);
      const label = ev.label ?? '';
      if (label === 'cloudtrail:CreateTrail answered') {
        const res = obj(data.result);
        bucket = str(obj(res.bucket).name) ?? bucket;
        if (!out.trails.some((t) => t.arn === str(res.arn))) out.trails.push({ name: str(res.name), arn: str(res.arn), bucket, scenario: r.name });
      } else if (label.startsWith('trail ')) {
        const t = obj(data.trail);
        const arn = str(t.TrailARN);
        bucket = str(t.S3BucketName) ?? bucket;
        const known = out.trails.find((x) => x.arn === arn);
        const facts = { logFileValidation: t.LogFileValidationEnabled === true, multiRegion: t.IsMultiRegionTrail === true, ...(str(t.KmsKeyId) ? { kmsKeyId: str(t.KmsKeyId) } : {}) };
        if (known) Object.assign(known, facts);
        else out.trails.push({ name: str(t.Name), arn, bucket: str(t.S3BucketName), scenario: r.name, ...facts });
      } else if (label.startsWith('CloudTrail log file:')) {
        const key = str(data.logFile);
        if (key) out.logFiles.push({ s3: bucket ? `s3://${bucket}/${key}` : key, scenario: r.name });
      } else if (label.startsWith('CloudTrail: ')) {
        const rec = obj(data.found);
        out.lookupEvents.push({ eventId: str(rec.eventID), eventName: str(rec.eventName), eventTime: str(rec.eventTime), scenario: r.name });
      } else if (label === 'CloudTrail digest verification') {
        const key = str(data.logFile);
        const digest = str(data.digest);
        const s3 = (k: string) => (bucket ? `s3://${bucket}/${k}` : k);
        if (digest) out.digestFiles.push({ s3: s3(digest), publicKeyFingerprint: str(data.publicKeyFingerprint), signatureValid: data.signatureValid === true });
        if (key) {
          const entry = out.logFiles.find((f) => f.s3 === s3(key)) ?? (out.logFiles.push({ s3: s3(key), scenario: r.name }), out.logFiles.at(-1)!);
          Object.assign(entry, { digestFile: digest ? s3(digest) : undefined, digestSha256: str(data.logFileSha256), digestSignatureValid: data.signatureValid === true, digestHashValid: data.logFileHashValid === true });
        }
      }
    }
  }
  return out;
}

/**
 * Turns a finished run's directory into an evidence bundle: evidence/ (one file per attachment), summary.md and
 * report.html, Cucumber's reports scrubbed, account ids masked when asked — then manifest.json, signed.
 */
export async function writeRunBundle(opts: RunBundleOptions): Promise<WrittenBundle & { evidenceFiles: number; masker?: AccountMasker }> {
  const { dir, collector, context } = opts;
  const { files, records, parsed } = evidenceFiles(collector.scenarios());
  const results = {
    scenarios: records.length,
    passed: records.filter((r) => r.status === 'passed').length,
    failed: records.filter((r) => r.status === 'failed').length,
    skipped: records.filter((r) => r.status === 'skipped').length,
  };
  const verdict: NonNullable<BundleMetadata['results']>['verdict'] = results.failed > 0 ? 'failed' : results.passed === 0 || results.skipped > 0 ? 'incomplete' : 'passed';
  let metadata: BundleMetadata = {
    kind: 'kms-lab run',
    tool: { name: 'kms-lab', version: VERSION, ...gitCommit(opts.cwd), node: process.version, ...(collector.cucumberVersion ? { cucumber: collector.cucumberVersion } : {}) },
    run: {
      id: context.runId,
      target: context.target,
      ...(context.endpoint ? { endpoint: context.endpoint } : {}),
      ...(context.account ? { account: context.account } : {}),
      region: context.region,
      ...(context.callerArn ? { callerArn: context.callerArn } : {}),
      startedAt: collector.startedAt ?? context.startedAt,
      finishedAt: collector.finishedAt ?? context.finishedAt,
      ...(context.tags ? { tags: context.tags } : {}),
      redaction: {
        accountIds: opts.redactAccountIds,
        note: 'Secret access keys, session tokens, signatures, Authorization and X-Amz-Security-Token values are removed; access key ids keep their last 4 characters.',
      },
    },
    results: { verdict, ...results, items: records },
    controls: controlResults(records, { includeUncovered: true }),
    cloudTrail: cloudTrailRelied(records, parsed),
  };

  // Every other text file the run left here (Cucumber's reports, the created-resources journal, …): scrubbed like
  // everything else, and account-masked with it.
  const others = new Map<string, string>();
  for (const f of await readdir(dir, { withFileTypes: true })) {
    if (!f.isFile() || !TEXT_FILE.test(f.name) || BUNDLE_FILES.includes(f.name) || f.name === SUMMARY_FILE || f.name === REPORT_FILE) continue;
    others.set(f.name, scrubText(await readFile(join(dir, f.name), 'utf8')));
  }

  let masker: AccountMasker | undefined;
  let signer = opts.signer;
  if (opts.redactAccountIds) {
    masker = new AccountMasker(context.account ? [context.account] : []);
    for (const f of files) if (typeof f.content === 'string') masker.learn(f.content);
    for (const text of others.values()) masker.learn(text);
    masker.learn(JSON.stringify(metadata));
    for (const f of files) if (typeof f.content === 'string') f.content = masker.mask(f.content);
    for (const [f, text] of others) others.set(f, masker.mask(text));
    metadata = JSON.parse(masker.mask(JSON.stringify(metadata))) as BundleMetadata;
    if (signer.description.type === 'kms') signer = { ...opts.signer, description: { ...signer.description, keyArn: masker.mask(signer.description.keyArn) } };
  }

  for (const [f, text] of others) await writeFile(join(dir, f), text);
  await writeEvidence(dir, files);
  const evidence = new Map<string, string>();
  for (const f of files) if (typeof f.content === 'string') evidence.set(f.path, f.content);
  metadata.signing = { algorithm: signer.algorithm, signer: signer.description, publicKeySha256: publicKeyFingerprint(signer.publicKeyPem) };
  await writeFile(join(dir, SUMMARY_FILE), renderSummary(metadata));
  await writeFile(join(dir, REPORT_FILE), renderReport(metadata, evidence));
  const written = await writeBundle(dir, { metadata, signer });
  return { ...written, evidenceFiles: files.length, masker };
}
