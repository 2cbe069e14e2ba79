import type { BundleMetadata, ScenarioRecord } from '../bundle/types.js';
import { countsLine, facts, skippedByReason, verdictExplanation, verdictText, VERIFY_STEPS } from './common.js';
import { esc, jsonHtml } from './json-html.js';

/**
 * report.html: one self-contained page (inline CSS and a few lines of inline JS, no external asset, a CSP that
 * forbids fetching anything), readable printed. Rendered only from the bundle's metadata and evidence files, and
 * deterministic: `kms-lab report <dir>` re-renders the same bytes from the same bundle.
 */

const CSS = `
:root { --ok:#1a7f37; --bad:#cf222e; --skip:#9a6700; --muted:#57606a; --line:#d0d7de; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color:#1f2328; margin:0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; } h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0; }
.verdict { border-radius: 8px; padding: 16px 20px; margin: 16px 0; color: #fff; }
.verdict strong { font-size: 28px; letter-spacing: .04em; margin-right: 12px; }
.verdict.passed { background: var(--ok); } .verdict.failed { background: var(--bad); } .verdict.incomplete { background: var(--skip); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; } table.facts th { width: 220px; } td.num { text-align: right; }
.chip { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; color:#fff; white-space: nowrap; }
.chip.passed, .chip.satisfied { background: var(--ok); } .chip.failed { background: var(--bad); } .chip.skipped, .chip.not-evidenced { background: var(--skip); }
.muted { color: var(--muted); } code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 6px 0; }
pre.error { border-color: var(--bad); background: #fff0f0; }
section.scenario { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; page-break-inside: auto; }
section.scenario.failed { border-left: 6px solid var(--bad); } section.scenario.passed { border-left: 6px solid var(--ok); } section.scenario.skipped { border-left: 6px solid var(--skip); }
ol.steps { padding-left: 22px; margin: 8px 0; } ol.steps li { margin: 4px 0; }
.st { font-weight: 600; } .st.PASSED { color: var(--ok); } .st.FAILED, .st.UNDEFINED, .st.AMBIGUOUS { color: var(--bad); } .st.SKIPPED, .st.PENDING { color: var(--skip); }
details.evidence { margin: 4px 0 4px 4px; border-left: 3px solid var(--line); padding-left: 8px; } details.evidence > summary { cursor: pointer; color: #0550ae; }
.j-k { color: #0550ae; } .j-s { color: #0a3069; } .j-n { color: #953800; } .j-l { color: #8250df; } .hl { background: #fff8c5; font-weight: 600; }
table.record td:first-child, table.policy th { white-space: nowrap; }
table.policy, table.record { table-layout: auto; } td code { word-break: break-all; }
.toolbar { float: right; } .toolbar button { font: inherit; font-size: 13px; }
nav.toc a { margin-right: 14px; }
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; } .toolbar, nav.toc { display: none; }
  .verdict { color: #000; border: 3px solid #000; } .chip { color: #000; border: 1px solid #000; background: none !important; }
  pre { white-space: pre-wrap; border-color: #999; background: none; } section.scenario { break-inside: avoid-page; }
  a { color: inherit; text-decoration: none; }
}`;

// Printing opens every evidence block (a closed <details> would print as its summary line only).
const JS = `
document.addEventListener('DOMContentLoaded', function () {
  var all = function (open) { document.querySelectorAll('details').forEach(function (d) { d.open = open; }); };
  var e = document.getElementById('expand-all'); if (e) e.addEventListener('click', function () { all(true); });
  var c = document.getElementById('collapse-all'); if (c) c.addEventListener('click', function () { all(false); });
  window.addEventListener('beforeprint', function () { all(true); });
});`;

const chip = (status: string) => `<span class="chip ${esc(status.replace(/\s+/g, '-'))}">${esc(status)}</span>`;
const anchor = (s: { index: number }) => `scenario-${s.index}`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** CloudTrail records anywhere in a piece of evidence (eventName, eventSource, eventTime, userIdentity: not an expectation). */
function findRecords(v: unknown, depth = 0, out: Obj[] = []): Obj[] {
  if (depth > 5 || !v || typeof v !== 'object') return out;
  if (Array.isArray(v)) { for (const x of v) findRecords(x, depth + 1, out); return out; }
  if (typeof (v as Obj).eventName === 'string' && typeof (v as Obj).eventSource === 'string' && typeof (v as Obj).eventTime === 'string' && isObj((v as Obj).userIdentity)) { out.push(v as Obj); return out; }
  for (const x of Object.values(v)) findRecords(x, depth + 1, out);
  return out;
}

/** Policy documents anywhere in a piece of evidence: objects with a Statement array, or JSON strings of one. */
function findPolicies(v: unknown, depth = 0, out: { where: string; policy: Obj; fromString?: boolean }[] = [], where = ''): { where: string; policy: Obj; fromString?: boolean }[] {
  if (depth > 5) return out;
  if (typeof v === 'string' && v.includes('"Statement"')) {
    try {
      const p = JSON.parse(v) as unknown;
      if (isObj(p) && Array.isArray(p.Statement)) out.push({ where, policy: p, fromString: true });
    } catch { /* not a policy */ }
    return out;
  }
  if (!v || typeof v !== 'object') return out;
  if (Array.isArray(v)) { v.forEach((x) => findPolicies(x, depth + 1, out, where)); return out; }
  if (Array.isArray((v as Obj).Statement)) { out.push({ where, policy: v as Obj }); return out; }
  for (const [k, x] of Object.entries(v)) findPolicies(x, depth + 1, out, where ? `${where}.${k}` : k);
  return out;
}

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function recordTable(r: Obj): string {
  const ui = isObj(r.userIdentity) ? r.userIdentity : {};
  const res = Array.isArray(r.resources) ? r.resources.map((x) => (isObj(x) ? show(x.ARN ?? x.arn) : '')).filter(Boolean).join(', ') : '';
  const rows: [string, unknown][] = [
    ['event', `${show(r.eventSource)} ${show(r.eventName)}`], ['time', r.eventTime], ['who', ui.arn ?? ui.type], ['invoked by', ui.invokedBy],
    ['from', r.sourceIPAddress], ['error', r.errorCode ? `${show(r.errorCode)}${r.errorMessage ? `: ${show(r.errorMessage)}` : ''}` : undefined],
    ['resources', res || undefined], ['event id', r.eventID], ['read only', r.readOnly], ['category', r.eventCategory],
  ];
  return `<table class="record">${rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `<tr><td>${esc(k)}</td><td><code>${esc(show(v))}</code></td></tr>`).join('')}</table>`;
}

function policyTable(p: Obj): string {
  const st = (p.Statement as unknown[]).filter(isObj);
  const rows = st.map((s) => `<tr><td>${esc(show(s.Sid))}</td><td>${esc(show(s.Effect))}</td><td><code>${esc(show(s.Principal ?? s.NotPrincipal))}</code></td><td><code>${esc(show(s.Action ?? s.NotAction))}</code></td><td><code>${esc(show(s.Resource))}</code></td><td><code>${esc(show(s.Condition))}</code></td></tr>`).join('');
  return `<table class="policy"><tr><th>Sid</th><th>Effect</th><th>Principal</th><th>Action</th><th>Resource</th><th>Condition</th></tr>${rows}</table>`;
}

function evidenceBlock(path: string, text: string | undefined, open: boolean): string {
  if (text === undefined) return `<details class="evidence"><summary><code>${esc(path)}</code> <span class="muted">(not in this bundle)</span></summary></details>`;
  let body: string;
  let title = path.split('/').pop() ?? path;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isObj(parsed)) {
    const label = typeof parsed.label === 'string' ? parsed.label : undefined;
    if (label) title = label;
    const parts: string[] = [];
    const records = findRecords(parsed.data ?? parsed);
    for (const r of records) parts.push(`<div class="muted">CloudTrail record</div>${recordTable(r)}`);
    // A policy held as a JSON string (GetKeyPolicy, GetBucketPolicy) is shown parsed too; an object one is in the JSON below.
    for (const { where, policy, fromString } of findPolicies(parsed.data ?? parsed)) parts.push(`<div class="muted">Policy${where ? ` (${esc(where)})` : ''}</div>${policyTable(policy)}${fromString ? `<pre>${jsonHtml(policy)}</pre>` : ''}`);
    parts.push(`<pre class="json">${jsonHtml(parsed)}</pre>`);
    body = parts.join('');
  } else {
    body = `<pre>${esc(text)}</pre>`;
  }
  return `<details class="evidence"${open ? ' open' : ''}><summary>${esc(title)} <span class="muted"><code>${esc(path)}</code></span></summary>${body}</details>`;
}

function scenarioSection(s: ScenarioRecord, evidence: ReadonlyMap<string, string>): string {
  const open = s.status === 'failed';
  const steps = (s.steps ?? []).map((st) => {
    const ev = st.evidence.map((p) => evidenceBlock(p, evidence.get(p), open && st.status === 'FAILED')).join('');
    const err = st.error ? `<pre class="error">${esc(st.error)}</pre>` : '';
    return `<li><span class="st ${esc(st.status)}">${esc(st.status.toLowerCase())}</span> <strong>${esc(st.keyword)}</strong> ${esc(st.text)}${err}${ev}</li>`;
  }).join('');
  const listed = new Set((s.steps ?? []).flatMap((st) => st.evidence));
  const loose = s.evidence.filter((p) => !listed.has(p)).map((p) => evidenceBlock(p, evidence.get(p), false)).join('');
  return `<section class="scenario ${esc(s.status)}" id="${anchor(s)}">
<h3>#${s.index} ${esc(s.name)} ${chip(s.status)}</h3>
<div class="muted">${esc(s.uri)} · ${esc(s.tags.join(' '))}${s.controls.length ? ` · controls: ${esc(s.controls.join(', '))}` : ''}${s.startedAt ? ` · ${esc(s.startedAt)}` : ''}</div>
${s.skipReason ? `<p><strong>Skipped:</strong> ${esc(s.skipReason)}</p>` : ''}
<ol class="steps">${steps}</ol>${loose}
</section>`;
}

export function renderReport(m: BundleMetadata, evidence: ReadonlyMap<string, string>): string {
  const items = m.results?.items ?? [];
  const verdict = m.results?.verdict ?? 'incomplete';
  const factRows = facts(m).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');

  const controls = (m.controls ?? []).map((c) => {
    const sc = c.scenarios.length ? c.scenarios.map((s) => `<a href="#scenario-${s.index}">#${s.index}</a> ${chip(s.status)}`).join(' ') : `<span class="muted">${esc(c.note ?? '—')}</span>`;
    return `<tr class="control" data-status="${esc(c.status)}"><td><strong>${esc(c.id)}</strong><div class="muted">${esc(c.framework)}</div></td><td>${esc(c.title)}</td><td>${chip(c.status)}</td><td>${esc(c.scope ?? '—')}</td><td>${sc}</td></tr>`;
  }).join('');

  const scenarioRows = items.map((s) => `<tr><td class="num">${s.index}</td><td>${chip(s.status)}</td><td><a href="#${anchor(s)}">${esc(s.name)}</a></td><td>${esc(s.uri)}</td><td>${esc(s.controls.join(', ') || '—')}</td><td class="num">${s.evidence.length}</td></tr>`).join('');

  const skipped = [...skippedByReason(items)].map(([reason, ss]) => `<li>${esc(reason)}<ul>${ss.map((s) => `<li><a href="#${anchor(s)}">#${s.index} ${esc(s.name)}</a> <span class="muted">${esc(s.uri)}</span></li>`).join('')}</ul></li>`).join('');

  const ct = m.cloudTrail;
  const ctRows: string[] = [];
  for (const t of ct?.trails ?? []) ctRows.push(`<tr><td>trail</td><td><code>${esc(t.arn ?? t.name ?? '?')}</code></td><td>delivers to <code>s3://${esc(t.bucket ?? '?')}</code>; log file validation ${t.logFileValidation ? 'on' : 'off or not read'}${t.multiRegion ? '; multi-region' : ''}${t.kmsKeyId ? `; SSE-KMS ${esc(t.kmsKeyId)}` : ''}</td></tr>`);
  for (const f of ct?.logFiles ?? []) ctRows.push(`<tr><td>log file</td><td><code>${esc(f.s3)}</code></td><td>${f.digestSha256 ? `SHA-256 <code>${esc(f.digestSha256)}</code> per digest <code>${esc(f.digestFile ?? '?')}</code>: signature ${f.digestSignatureValid ? 'valid' : '<strong>NOT valid</strong>'}, hash ${f.digestHashValid ? 'matches' : '<strong>does NOT match</strong>'}` : 'records read from it (no digest checked in that scenario)'}</td></tr>`);
  for (const d of ct?.digestFiles ?? []) ctRows.push(`<tr><td>digest file</td><td><code>${esc(d.s3)}</code></td><td>public key fingerprint <code>${esc(d.publicKeyFingerprint ?? '?')}</code>; signature ${d.signatureValid ? 'valid' : '<strong>NOT valid</strong>'}</td></tr>`);
  for (const e of ct?.lookupEvents ?? []) ctRows.push(`<tr><td>LookupEvents</td><td><code>${esc(e.eventName ?? '?')}</code> ${esc(e.eventId ?? '')}</td><td>${esc(e.eventTime ?? '')} <span class="muted">(${esc(e.scenario ?? '')})</span></td></tr>`);

  const verifySteps = VERIFY_STEPS.map((v) => {
    const [cmd, ...why] = v.split('   ');
    return `<li><code>${esc(cmd)}</code> — ${esc(why.join(' '))}</li>`;
  }).join('');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>kms-lab evidence — run ${esc(m.run?.id ?? '?')} — ${esc(verdictText(m))}</title>
<style>${CSS}</style>
<script>${JS}</script>
</head>
<body>
<main>
<div class="toolbar"><button id="expand-all" type="button">Expand all evidence</button> <button id="collapse-all" type="button">Collapse all</button></div>
<h1>kms-lab evidence — run ${esc(m.run?.id ?? '?')}</h1>
<nav class="toc"><a href="#controls">By control</a><a href="#scenarios">By scenario</a>${skipped ? '<a href="#skipped">Skipped</a>' : ''}<a href="#cloudtrail">CloudTrail</a><a href="#verify">How to verify</a></nav>
<div class="verdict ${esc(verdict)}" id="verdict"><strong>${esc(verdictText(m))}</strong>${esc(countsLine(m))}. ${esc(verdictExplanation(m))}</div>
<table class="facts">${factRows}</table>

<h2 id="controls">Results by control</h2>
<p>Scenarios are tagged with recommendations of the <strong>CIS Amazon Web Services Foundations Benchmark v3.0.0</strong> (<code>@cis:&lt;id&gt;</code>) and AWS Config managed rules (<code>@config:&lt;rule&gt;</code>). A lab scenario evidences a control on the resources the lab itself creates; a compliance check (<code>features/checks/compliance-*.feature</code>) reads the configuration of the whole account. <em>Satisfied</em>: at least one scenario about it passed and none failed; <em>not evidenced</em>: no scenario about it ran.</p>
<table class="controls"><tr><th>Control</th><th>Title</th><th>Result</th><th>Evidence about</th><th>Scenarios</th></tr>${controls}</table>

<h2 id="scenarios">Results by scenario</h2>
<table class="scenarios"><tr><th>#</th><th>Result</th><th>Scenario</th><th>Feature</th><th>Controls</th><th>Evidence</th></tr>${scenarioRows}</table>
${items.map((s) => scenarioSection(s, evidence)).join('\n')}

${skipped ? `<h2 id="skipped">Skipped scenarios, with the reasons</h2><ul class="skipped">${skipped}</ul>` : ''}

<h2 id="cloudtrail">CloudTrail the audit relied on</h2>
${ctRows.length ? `<table class="cloudtrail"><tr><th>What</th><th>Which</th><th>Checked</th></tr>${ctRows.join('')}</table>` : '<p class="muted">No CloudTrail trail, log file or event was part of this run.</p>'}

<h2 id="verify">How to verify this bundle</h2>
<p>This page is one file of an evidence bundle: the directory that holds it also holds <code>manifest.json</code> (every file with its SHA-256 and size, and the run's metadata), <code>manifest.sig.json</code> (the signature over the manifest) and <code>manifest.pub.pem</code> (the public key). Nothing in the bundle can change without the signature or a hash saying so.</p>
<ul>${verifySteps}</ul>
<p>Exit code 0 means every file is as it was signed and the signature holds; otherwise the command names each file that was changed, added or removed.</p>
</main>
</body>
</html>
`;
}
