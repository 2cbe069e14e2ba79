import { readFile } from 'node:fs/promises';

/**
 * The class roster: a CSV file with a header line naming at least student, account_id and role_arn
 * (external_id and region are optional; other columns are kept and ignored). One student per line.
 *
 *   student,account_id,role_arn,external_id,region
 *   alice,111122223333,arn:aws:iam::111122223333:role/kms-lab-instructor-audit,7f3c-alice,eu-west-1
 *
 * Every problem is reported at once, each naming its line, so a roster is fixed in one go.
 */
export interface RosterEntry {
  /** How the instructor names the student (unique in the roster). */
  student: string;
  accountId: string;
  roleArn: string;
  externalId?: string;
  region: string;
  /** The line of the roster file the student is on (1 = the header). */
  line: number;
  /** Other columns of the roster, as written. */
  extra: Record<string, string>;
}

export const REQUIRED_COLUMNS = ['student', 'account_id', 'role_arn'] as const;
export const OPTIONAL_COLUMNS = ['external_id', 'region'] as const;

export class RosterError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`The roster ${source} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'RosterError';
  }
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/([\w+=,.@/-]{1,512})$/;
/** STS: ExternalId is 2-1224 characters of [\w+=,.@:\/-]. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

interface Row { line: number; fields: string[] }

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF. */
export function parseCsv(text: string): { rows: Row[]; problems: string[] } {
  const rows: Row[] = [];
  const problems: string[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let endOfRecord = false;
    while (i < text.length && !endOfRecord) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (c === '"') { quoted = false; i++; continue; }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && field.trim() === '') { quoted = true; field = ''; i++; continue; }
      if (c === ',') { fields.push(field); field = ''; i++; continue; }
      if (c === '\r' && text[i + 1] === '\n') { i++; continue; }
      if (c === '\n' || c === '\r') { endOfRecord = true; line++; i++; continue; }
      field += c;
      i++;
    }
    if (quoted) {
      problems.push(`line ${startLine}: a quoted field is not closed (a " is missing)`);
      break;
    }
    fields.push(field);
    if (fields.length === 1 && fields[0]!.trim() === '') continue; // blank line
    if (fields[0]!.trim().startsWith('#')) continue; // comment line
    rows.push({ line: startLine, fields: fields.map((f) => f.trim()) });
  }
  return { rows, problems };
}

/** Parses and validates a roster; throws RosterError naming every bad line. */
export function parseRoster(text: string, source = 'roster', defaultRegion = 'us-east-1'): RosterEntry[] {
  const { rows, problems } = parseCsv(text);
  if (problems.length > 0) throw new RosterError(source, problems);
  const header = rows.shift();
  const expected = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(',');
  if (!header) throw new RosterError(source, [`the file is empty; the first line must be the header ${expected}`]);
  const names = header.fields.map((f) => f.toLowerCase().replace(/[\s-]+/g, '_'));
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    const looksLikeData = header.fields.some((f) => /^\d{12}$/.test(f) || f.startsWith('arn:'));
    throw new RosterError(source, [looksLikeData
      ? `line ${header.line}: the first line must be the header ${expected} (it looks like a student's line)`
      : `line ${header.line}: the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; it must name ${REQUIRED_COLUMNS.join(', ')} (and optionally ${OPTIONAL_COLUMNS.join(', ')})`]);
  }
  const dup = names.find((n, i) => n !== '' && names.indexOf(n) !== i);
  if (dup) throw new RosterError(source, [`line ${header.line}: the header names the column ${dup} twice`]);
  const col = (n: string) => names.indexOf(n);

  const out: RosterEntry[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const at = `line ${row.line}`;
    const bad = (what: string) => problems.push(`${at}: ${what}`);
    if (row.fields.length !== names.length) {
      bad(`${row.fields.length} field${row.fields.length === 1 ? '' : 's'}, but the header has ${names.length} (a comma inside a value needs "quotes")`);
      continue;
    }
    const get = (n: string) => (col(n) >= 0 ? row.fields[col(n)]! : '');
    const student = get('student');
    const accountId = get('account_id');
    const roleArn = get('role_arn');
    const externalId = get('external_id');
    const region = get('region');
    const before = problems.length;
    if (!student) bad('student is empty');
    else if (seen.has(student)) bad(`student "${student}" is also on line ${seen.get(student)}; student names must be unique`);
    if (!/^\d{12}$/.test(accountId)) {
      const hint = /^\d{1,11}$/.test(accountId) ? ' (a spreadsheet may have dropped its leading zeros)' : '';
      bad(`account_id "${accountId}" is not a 12-digit AWS account id${hint}`);
    }
    const m = ROLE_ARN.exec(roleArn);
    if (!m) bad(`role_arn "${roleArn}" is not an IAM role ARN such as arn:aws:iam::111122223333:role/kms-lab-instructor-audit`);
    else if (/^\d{12}$/.test(accountId) && m[2] !== accountId) bad(`role_arn is in account ${m[2]}, but account_id is ${accountId}`);
    if (externalId && !EXTERNAL_ID.test(externalId)) bad(`external_id must be 2-1224 characters of letters, digits and _+=,.@:/- (got "${externalId}")`);
    if (region && !REGION.test(region)) bad(`region "${region}" is not an AWS region name such as us-east-1`);
    if (student && !seen.has(student)) seen.set(student, row.line);
    if (problems.length > before) continue;
    const extra: Record<string, string> = {};
    names.forEach((n, i) => {
      if (!(REQUIRED_COLUMNS as readonly string[]).includes(n) && !(OPTIONAL_COLUMNS as readonly string[]).includes(n)) extra[n || `column_${i + 1}`] = row.fields[i]!;
    });
    out.push({ student, accountId, roleArn, ...(externalId ? { externalId } : {}), region: region || defaultRegion, line: row.line, extra });
  }
  if (problems.length > 0) throw new RosterError(source, problems);
  if (out.length === 0) throw new RosterError(source, [`it has a header but no students (line ${header.line} is the last line)`]);
  return out;
}

export async function readRoster(path: string, defaultRegion?: string): Promise<RosterEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the roster ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseRoster(text, path, defaultRegion);
}

/** `--account-role ARN`: a roster of one. */
export function singleAccount(roleArn: string, opts: { student?: string; externalId?: string; region: string }): RosterEntry {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw new Error(`--account-role "${roleArn}" is not an IAM role ARN such as arn:aws:iam::111122223333:role/kms-lab-instructor-audit`);
  if (opts.externalId !== undefined && !EXTERNAL_ID.test(opts.externalId)) throw new Error('--external-id must be 2-1224 characters of letters, digits and _+=,.@:/-');
  return { student: opts.student ?? m[2]!, accountId: m[2]!, roleArn, ...(opts.externalId ? { externalId: opts.externalId } : {}), region: opts.region, line: 0, extra: {} };
}

export interface Shard { index: number; count: number }

/** "2/5" → the second of five shards. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard "${value}" must be i/n with 1 ≤ i ≤ n, e.g. 1/4`);
  return { index, count };
}

/** Shard i of n takes every n-th student starting at the i-th: the shards 1/n … n/n cover the roster exactly once. */
export function shardOf<T>(entries: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...entries];
  return entries.filter((_, i) => i % shard.count === shard.index - 1);
}

/** A roster written back, e.g. by the class fixture. */
export function rosterCsv(entries: readonly Pick<RosterEntry, 'student' | 'accountId' | 'roleArn' | 'externalId' | 'region'>[]): string {
  const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [`${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(',')}`,
    ...entries.map((e) => [e.student, e.accountId, e.roleArn, e.externalId ?? '', e.region].map(q).join(','))].join('\n') + '\n';
}
