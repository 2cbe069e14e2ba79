import type { BundleMetadata } from '../bundle/types.js';
import { countsLine, facts, skippedByReason, verdictExplanation, verdictText, VERIFY_STEPS } from './common.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** summary.md: the run at a glance, for a terminal, a pull request or a ticket. Deterministic for a given bundle. */
export function renderSummary(m: BundleMetadata): string {
  const out: string[] = [];
  const items = m.results?.items ?? [];
  out.push(`# kms-lab evidence — run ${m.run?.id ?? '?'}`, '');
  out.push(`**Verdict: ${verdictText(m)}** — ${countsLine(m)}. ${verdictExplanation(m)}`, '');
  out.push('| | |', '|---|---|');
  for (const [k, v] of facts(m)) out.push(`| ${cell(k)} | ${cell(v)} |`);
  out.push('');

  out.push('## Results by control', '');
  out.push('CIS Amazon Web Services Foundations Benchmark v3.0.0 recommendations and AWS Config managed rules that scenarios are tagged with (`@cis:<id>`, `@config:<rule>`). A lab scenario evidences a control on the resources the lab creates; a compliance check (features/checks/compliance-*.feature) reads the whole account.', '');
  out.push('| Control | Title | Result | Evidence about | Scenarios |', '|---|---|---|---|---|');
  for (const c of m.controls ?? []) {
    const sc = c.scenarios.length ? c.scenarios.map((s) => `#${s.index} ${s.status}`).join(', ') : c.note ?? '—';
    out.push(`| ${cell(c.id)} | ${cell(c.title)} | ${c.status} | ${c.scope ?? '—'} | ${cell(sc)} |`);
  }
  out.push('');

  out.push('## Results by scenario', '');
  out.push('| # | Result | Scenario | Feature | Controls | Evidence files |', '|---|---|---|---|---|---|');
  for (const s of items) out.push(`| ${s.index} | ${s.status} | ${cell(s.name)} | ${cell(s.uri)} | ${cell(s.controls.join(', ') || '—')} | ${s.evidence.length} |`);
  out.push('');

  const failed = items.filter((s) => s.status === 'failed');
  if (failed.length) {
    out.push('## Failures', '');
    for (const s of failed) {
      const step = s.steps?.find((st) => st.status === 'FAILED' || st.status === 'UNDEFINED' || st.status === 'AMBIGUOUS');
      out.push(`- **#${s.index} ${s.name}** (${s.uri})${step ? ` — at "${step.keyword} ${step.text}" (${step.status})` : ''}`);
      if (s.error) out.push('', '  ```', ...s.error.split('\n').slice(0, 12).map((l) => `  ${l}`), '  ```');
    }
    out.push('');
  }

  const skipped = skippedByReason(items);
  if (skipped.size) {
    out.push('## Skipped scenarios', '');
    for (const [reason, ss] of skipped) {
      out.push(`- ${reason}`);
      for (const s of ss) out.push(`  - #${s.index} ${s.name} (${s.uri})`);
    }
    out.push('');
  }

  const ct = m.cloudTrail;
  if (ct && (ct.trails.length || ct.logFiles.length || ct.lookupEvents.length)) {
    out.push('## CloudTrail the audit relied on', '');
    for (const t of ct.trails) out.push(`- trail ${t.arn ?? t.name} → s3://${t.bucket ?? '?'} (log file validation ${t.logFileValidation ? 'on' : 'off/unknown'})`);
    for (const f of ct.logFiles) out.push(`- log file ${f.s3}${f.digestSha256 ? ` — SHA-256 ${f.digestSha256} per digest ${f.digestFile} (signature ${f.digestSignatureValid ? 'valid' : 'NOT valid'}, hash ${f.digestHashValid ? 'matches' : 'does NOT match'})` : ''}`);
    for (const e of ct.lookupEvents) out.push(`- LookupEvents ${e.eventName ?? '?'} ${e.eventId ?? ''} at ${e.eventTime ?? '?'}`);
    out.push('');
  }

  out.push('## How to verify this bundle', '');
  out.push('manifest.json lists every file of this directory with its SHA-256 and size; manifest.sig.json is the signature over it; manifest.pub.pem is the public key.', '');
  for (const v of VERIFY_STEPS) {
    const [cmd, ...why] = v.split('   ');
    out.push(`- \`${cmd}\` — ${why.join(' ')}`);
  }
  out.push('', 'Exit code 0 means every file is as it was signed and the signature holds; anything else names what differs.', '');
  return `${out.join('\n')}\n`;
}
