import type { CheckDefinition } from './checks.js';
import type { CheckResult } from './collect.js';
import { WORD, type Verdict } from './verdict.js';

/** One student's row of the class matrix. */
export interface StudentReport {
  student: string;
  accountId: string;
  roleArn: string;
  region: string;
  /** The roster line (0 for --account-role). */
  line: number;
  extra: Record<string, string>;
  /** 'error': the student could not be checked (role not assumable, every check refused …): see `error`. */
  status: 'checked' | 'error';
  error?: string;
  sessionArn?: string;
  score: number;
  maxScore: number;
  /** Checks that ended "cannot tell". */
  undecided: number;
  checks: Record<string, CheckResult>;
  /** Evidence files per check, relative to the output directory. */
  evidenceFiles: Record<string, { label: string; path: string }[]>;
  /** The student's evidence bundle, relative to the output directory. */
  dir: string;
  bundle?: { manifestSha256: string; publicKeySha256: string };
  calls: number;
  startedAt: string;
  finishedAt: string;
}

export interface ClassReport {
  tool: { name: 'kms-lab check'; version: string };
  runId: string;
  startedAt: string;
  finishedAt: string;
  target: string;
  endpoint?: string;
  operator: { arn: string; accountId: string };
  roster?: string;
  shard?: { index: number; count: number };
  features: string[];
  checks: CheckDefinition[];
  maxScore: number;
  students: StudentReport[];
  summary: ClassSummary;
  /** The key every student's evidence bundle is signed with: keep its fingerprint to prove the bundles are these. */
  evidenceKey?: { algorithm: string; publicKeySha256: string };
  /** The embedded target's seeded class: each student's simulated state. */
  fixture?: Record<string, string>;
}

export interface ClassSummary {
  students: number;
  checked: number;
  errors: number;
  complete: number;
  meanScore: number;
  byCheck: Record<string, Record<Verdict, number>>;
}

export function summarize(checks: CheckDefinition[], students: StudentReport[]): ClassSummary {
  const byCheck: ClassSummary['byCheck'] = {};
  for (const c of checks) byCheck[c.id] = { pass: 0, fail: 0, 'cannot-tell': 0 };
  for (const s of students) for (const [id, r] of Object.entries(s.checks)) byCheck[id] && byCheck[id][r.verdict]++;
  const checked = students.filter((s) => s.status === 'checked');
  const max = checks.reduce((a, c) => a + c.points, 0);
  return {
    students: students.length,
    checked: checked.length,
    errors: students.length - checked.length,
    complete: checked.filter((s) => s.score === max).length,
    meanScore: checked.length === 0 ? 0 : Math.round((checked.reduce((a, s) => a + s.score, 0) / checked.length) * 10) / 10,
    byCheck,
  };
}

/** results.json: the report without the evidence itself (the files hold it). */
export function reportJson(r: ClassReport): string {
  const students = r.students.map((s) => ({
    ...s,
    checks: Object.fromEntries(Object.entries(s.checks).map(([id, c]) => [id, {
      verdict: c.verdict, earned: c.earned, reason: c.reason, ...(c.step ? { step: c.step } : {}), evidence: s.evidenceFiles[id] ?? [],
    }])),
    evidenceFiles: undefined,
  }));
  return `${JSON.stringify({ ...r, students }, null, 2)}\n`;
}

/** A spreadsheet must not run a cell as a formula (CSV injection): such cells get a leading quote. */
function cell(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * grades.csv, for a gradebook import: one line per student; score and max_score are numbers; each check's
 * column says pass, fail or cannot tell (empty for a student who could not be checked).
 */
export function gradesCsv(r: ClassReport): string {
  const header = ['student', 'account_id', 'status', 'score', 'max_score', 'cannot_tell', ...r.checks.map((c) => c.id), 'error'];
  const lines = r.students.map((s) => [
    s.student, s.accountId, s.status, s.status === 'error' && (Object.keys(s.checks).length === 0 || s.undecided === r.checks.length) ? '' : s.score, r.maxScore, s.undecided,
    ...r.checks.map((c) => (s.checks[c.id] ? WORD[s.checks[c.id]!.verdict] : '')),
    s.error ?? '',
  ].map(cell).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** The last lines `kms-lab check` prints. */
export function summaryLines(r: ClassReport, outDir: string): string[] {
  const s = r.summary;
  const lines = [`Checks: ${r.checks.map((c) => `${c.id} (${c.points})`).join(', ')} — ${r.maxScore} points`];
  for (const c of r.checks) {
    const b = s.byCheck[c.id]!;
    lines.push(`  ${c.id.padEnd(16)} ✓ ${String(b.pass).padStart(3)}  ✗ ${String(b.fail).padStart(3)}  ? ${String(b['cannot-tell']).padStart(3)}   ${c.title}`);
  }
  for (const st of r.students.filter((x) => x.status === 'error')) lines.push(`  error: ${st.student} (${st.accountId}): ${st.error}`);
  lines.push(`Matrix: ${outDir}/matrix.html · gradebook: ${outDir}/grades.csv · data: ${outDir}/results.json · evidence: ${outDir}/students/`);
  if (r.evidenceKey) lines.push(`Evidence bundles signed (${r.evidenceKey.algorithm}) with a key made for this run, public key SHA-256 ${r.evidenceKey.publicKeySha256} (kms-lab verify ${outDir}/students/<student>)`);
  lines.push(`${s.students} students: ${s.checked} checked (${s.complete} with every check, mean score ${s.meanScore}/${r.maxScore}), ${s.errors} error${s.errors === 1 ? '' : 's'}`);
  return lines;
}
