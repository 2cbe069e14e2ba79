import type { BundleMetadata, ScenarioRecord } from '../bundle/types.js';

/** Facts shared by summary.md and report.html, in the order a reader wants them. */
export function facts(m: BundleMetadata): [string, string][] {
  const run = m.run ?? { id: '?' };
  const tool = m.tool;
  const signing = m.signing as { algorithm?: string; signer?: { type: string; keyArn?: string }; publicKeySha256?: string } | undefined;
  const rows: [string, string | undefined][] = [
    ['Run', run.id],
    ['Target', `${run.target ?? '?'}${run.endpoint ? ` (${run.endpoint})` : ''}`],
    ['Account', run.account],
    ['Region', run.region],
    ['Caller', run.callerArn],
    ['Started', run.startedAt],
    ['Finished', run.finishedAt],
    ['Scenarios selected by', run.tags ? `--tags ${run.tags}` : 'all of the lab'],
    ['kms-lab', tool ? `${tool.version}${tool.gitCommit ? `, commit ${tool.gitCommit}${tool.gitDirty ? ' (with uncommitted changes)' : ''}` : ''}` : undefined],
    ['Cucumber', tool?.cucumber],
    ['Node.js', tool?.node],
    ['Signed with', signing ? `${signing.algorithm}, ${signing.signer?.type === 'kms' ? `KMS key ${signing.signer.keyArn}` : 'a local Ed25519 key (public half in manifest.pub.pem)'}` : undefined],
    ['Signing key SHA-256', signing?.publicKeySha256],
    ['Account ids', run.redaction?.accountIds ? 'masked (ACCOUNT-1 is the caller\'s account)' : 'shown'],
  ];
  return rows.filter((r): r is [string, string] => typeof r[1] === 'string' && r[1] !== '');
}

export function verdictText(m: BundleMetadata): string {
  const r = m.results;
  if (!r) return 'UNKNOWN';
  return r.verdict === 'passed' ? 'PASSED' : r.verdict === 'failed' ? 'FAILED' : 'INCOMPLETE';
}

export function countsLine(m: BundleMetadata): string {
  const r = m.results;
  if (!r) return 'no results recorded';
  return `${r.scenarios} scenario${r.scenarios === 1 ? '' : 's'}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
}

export function verdictExplanation(m: BundleMetadata): string {
  const r = m.results;
  if (!r) return '';
  if (r.verdict === 'passed') return 'Every selected scenario ran and passed.';
  if (r.verdict === 'failed') return `${r.failed} scenario${r.failed === 1 ? '' : 's'} failed: see the failures below, each with the step that failed and its evidence.`;
  return r.passed === 0 ? 'No scenario passed.' : `${r.skipped} scenario${r.skipped === 1 ? ' was' : 's were'} skipped, so this run does not evidence everything it selected; the reasons are below.`;
}

/** Skipped scenarios grouped by reason. */
export function skippedByReason(items: readonly ScenarioRecord[]): Map<string, ScenarioRecord[]> {
  const out = new Map<string, ScenarioRecord[]>();
  for (const s of items) {
    if (s.status !== 'skipped') continue;
    const reason = s.skipReason ?? 'no reason recorded (a step before it was skipped, or a dry run)';
    out.set(reason, [...(out.get(reason) ?? []), s]);
  }
  return out;
}

export const VERIFY_STEPS = [
  'kms-lab verify <this directory>   recomputes the SHA-256 and size of every file against manifest.json, names every file changed, added or removed, and checks the signature over manifest.json with manifest.pub.pem',
  'kms-lab verify <this directory> --kms [--region R] [--profile P]   takes the public key from KMS GetPublicKey of the signing key instead (credentials needed; --kms-key-id ARN when account ids are masked)',
  'kms-lab verify <this directory> --public-key trusted.pem   checks against a public key you kept from elsewhere (e.g. the fingerprint printed by the run)',
];
