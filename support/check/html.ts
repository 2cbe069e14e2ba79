import type { ClassReport, StudentReport } from './report.js';
import { SYMBOL, WORD } from './verdict.js';

/**
 * matrix.html: students × checks, one self-contained page (no external assets, works offline and printed).
 * Each cell is ✓ ✗ or ?; hovering shows the reason, clicking opens it with the evidence (inline, shortened, and
 * a link to the evidence file in the student's bundle). Rows and cells carry data-* attributes for scripts.
 */
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const MAX_INLINE = 1800;

function evidenceHtml(s: StudentReport, checkId: string): string {
  const result = s.checks[checkId];
  if (!result || result.evidence.length === 0) return '';
  const files = s.evidenceFiles[checkId] ?? [];
  const items = result.evidence.map((e, i) => {
    let json = JSON.stringify(e.data, null, 2) ?? 'null';
    if (json.length > MAX_INLINE) json = `${json.slice(0, MAX_INLINE)}\n… (${json.length - MAX_INLINE} more characters in the file)`;
    const file = files[i];
    const name = file ? `<a href="${esc(file.path)}">${esc(e.label)}</a>` : esc(e.label);
    return `<li>${name}<pre>${esc(json)}</pre></li>`;
  });
  return `<ul class="evidence">${items.join('')}</ul>`;
}

function row(r: ClassReport, s: StudentReport): string {
  const head = `<th scope="row" class="student"><span class="name">${esc(s.student)}</span><span class="acct">${esc(s.accountId)}</span></th>`;
  const score = s.status === 'error' && (Object.keys(s.checks).length === 0 || s.undecided === r.checks.length)
    ? '<td class="score" data-score="">—</td>'
    : `<td class="score" data-score="${s.score}">${s.score}<span class="max">/${r.maxScore}</span>${s.undecided ? `<span class="undecided" title="checks that cannot tell">${s.undecided}?</span>` : ''}</td>`;
  let cells: string;
  if (Object.keys(s.checks).length === 0) {
    cells = `<td class="cell error" colspan="${r.checks.length}" data-verdict="error"><details><summary>error</summary><div class="reason">${esc(s.error ?? '')}</div></details><span class="error-text">${esc(s.error ?? '')}</span></td>`;
  } else {
    cells = r.checks.map((c, i) => {
      const res = s.checks[c.id];
      if (!res) return `<td class="cell none" data-check="${esc(c.id)}" data-verdict="none">·</td>`;
      const reason = `${WORD[res.verdict]}: ${res.reason}`;
      return `<td class="cell ${res.verdict}" data-check="${esc(c.id)}" data-verdict="${res.verdict}" title="${esc(reason)}"><details><summary aria-label="${esc(`${c.title}: ${WORD[res.verdict]}`)}">${SYMBOL[res.verdict]}</summary>`
        + `<div class="pop${i >= r.checks.length / 2 ? ' right' : ''}"><div class="reason"><b>${esc(c.title)}</b> — ${esc(WORD[res.verdict])} (${res.earned}/${c.points})<br>${esc(res.reason)}</div>${evidenceHtml(s, c.id)}</div></details></td>`;
    }).join('');
  }
  const status = s.status === 'error' ? `<div class="status-error" title="${esc(s.error ?? '')}">error</div>` : '';
  return `<tr data-student="${esc(s.student)}" data-account="${esc(s.accountId)}" data-status="${s.status}">${head}${score}${cells}<td class="links"><a href="${esc(s.dir)}/result.json">result</a> · <a href="${esc(s.dir)}/manifest.json">bundle</a>${status}</td></tr>`;
}

export function matrixHtml(r: ClassReport): string {
  const s = r.summary;
  const headers = r.checks.map((c) => `<th scope="col" class="check" data-check="${esc(c.id)}" title="${esc(`${c.title} (${c.uri})`)}"><span class="id">${esc(c.id)}</span><span class="title">${esc(c.title)}</span><span class="points">${c.points} pts</span></th>`).join('');
  const totals = r.checks.map((c) => {
    const b = s.byCheck[c.id]!;
    return `<td class="total" data-check="${esc(c.id)}">✓ ${b.pass} · ✗ ${b.fail} · ? ${b['cannot-tell']}</td>`;
  }).join('');
  const meta = [
    ['run', r.runId], ['checked', `${r.startedAt} – ${r.finishedAt}`], ['target', `${r.target}${r.endpoint ? ` (${r.endpoint})` : ''}`],
    ['as', r.operator.arn], ['roster', `${r.roster ?? '—'}${r.shard ? ` (shard ${r.shard.index}/${r.shard.count})` : ''}`],
    ...(r.evidenceKey ? [['evidence key', `${r.evidenceKey.algorithm}, public key SHA-256 ${r.evidenceKey.publicKeySha256}`]] : []),
  ].map(([k, v]) => `<dt>${esc(k!)}</dt><dd>${esc(v!)}</dd>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kms-lab check — class matrix (${s.students} students)</title>
<style>
:root { --pass: #1a7f37; --fail: #cf222e; --unknown: #9a6700; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.summary { margin: .25rem 0 1rem; font-size: 1rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; color: var(--muted); margin: 0 0 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; word-break: break-all; }
.legend span { margin-right: 1.2rem; }
table { border-collapse: collapse; margin-top: .75rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top; }
thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 2; }
th.check { max-width: 9rem; font-weight: 600; text-align: center; }
th.check .id { display: block; font-family: ui-monospace, monospace; font-size: .8rem; }
th.check .title { display: block; font-weight: 400; font-size: .75rem; color: var(--muted); }
th.check .points { display: block; font-size: .75rem; }
th.student { text-align: left; white-space: nowrap; }
th.student .acct { display: block; font: .75rem ui-monospace, monospace; color: var(--muted); }
td.score { text-align: right; font-weight: 600; white-space: nowrap; }
td.score .max { color: var(--muted); font-weight: 400; }
td.score .undecided { display: block; color: var(--unknown); font-size: .75rem; font-weight: 400; }
td.cell { text-align: center; font-size: 1.15rem; position: relative; min-width: 3.2rem; }
td.cell.pass { background: #dafbe1; color: var(--pass); }
td.cell.fail { background: #ffebe9; color: var(--fail); }
td.cell.cannot-tell { background: #fff8c5; color: var(--unknown); }
td.cell.error { background: #ffebe9; color: var(--fail); text-align: left; font-size: .85rem; }
td.cell.error details { display: none; }
details summary { cursor: pointer; list-style: none; }
details summary::-webkit-details-marker { display: none; }
.pop { position: absolute; z-index: 5; left: 0; top: 100%; width: 30rem; max-width: 80vw; text-align: left; font-size: .8rem; color: #1f2328;
  background: #fff; border: 1px solid var(--line); box-shadow: 0 4px 14px rgba(0,0,0,.15); padding: .5rem .6rem; }
.pop.right { left: auto; right: 0; }
.pop .reason { margin-bottom: .4rem; white-space: pre-wrap; }
ul.evidence { margin: 0; padding-left: 1rem; }
ul.evidence pre { max-height: 14rem; overflow: auto; background: #f6f8fa; padding: .3rem; font-size: .72rem; margin: .2rem 0 .4rem; }
td.links { font-size: .75rem; white-space: nowrap; }
.status-error { color: var(--fail); font-weight: 600; }
tfoot td.total { font-size: .75rem; text-align: center; color: var(--muted); white-space: nowrap; }
@media print { .pop { position: static; box-shadow: none; width: auto; } thead th { position: static; } }
</style>
</head>
<body>
<h1>KMS lab — class matrix</h1>
<p class="summary" id="summary">${s.students} students: ${s.checked} checked, ${s.complete} with every check, mean score ${s.meanScore}/${r.maxScore}, ${s.errors} error${s.errors === 1 ? '' : 's'}.</p>
<dl class="meta">${meta}</dl>
<p class="legend"><span>✓ the account shows it</span><span>✗ it shows otherwise</span><span>? cannot tell (the reason says why; never counted as a pass)</span><span>Click a cell for the reason and the evidence.</span></p>
<table id="matrix">
<thead><tr><th scope="col">student</th><th scope="col">score</th>${headers}<th scope="col">evidence</th></tr></thead>
<tbody>
${r.students.map((st) => row(r, st)).join('\n')}
</tbody>
<tfoot><tr><th scope="row">class</th><td class="score">${s.meanScore}</td>${totals}<td></td></tr></tfoot>
</table>
<script>
// One open cell at a time; Escape closes it.
document.addEventListener('toggle', (e) => {
  if (e.target.open) for (const d of document.querySelectorAll('td.cell details[open]')) if (d !== e.target) d.open = false;
}, true);
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') for (const d of document.querySelectorAll('details[open]')) d.open = false; });
</script>
</body>
</html>
`;
}
