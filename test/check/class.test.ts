import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { CallRecord } from '../../emulator/core/call-record.js';
import { AUDIT_ROLE_NAME, CHECK_IDS, EXPECTED, INSTRUCTOR, seedClass, type SeededClass, type SeededStudent } from '../../emulator/fixtures/seed-class.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { verifyBundle } from '../../support/bundle/index.js';
import { RateLimiter } from '../../support/cloudtrail/limiter.js';
import type { CloudTrailRecord } from '../../support/cloudtrail/records.js';
import type { ClassReport } from '../../support/check/report.js';
import { rosterCsv } from '../../support/check/roster.js';
import { runCheck, type CheckRunResult } from '../../support/check/runner.js';
import { clearFaults, chaosRules, getFaults, setFaults } from '../helpers/faults.js';
import { freshEmulator } from '../helpers/emulator.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const CLASS_SIZE = 30;

describe('kms-lab check grades a seeded class of 30 students', () => {
  let running: RunningEmulator;
  let seeded: SeededClass;
  let dir: string;
  let result: CheckRunResult;
  let stdout: Capture;
  let checkStart: Date;
  const byName = new Map<string, SeededStudent>();

  /** Checks students of the seeded class through the running emulator, as `kms-lab check --target embedded --endpoint`. */
  async function check(students: readonly Pick<SeededStudent, 'student' | 'accountId' | 'roleArn' | 'externalId' | 'region'>[], name: string, extra: { shard?: { index: number; count: number }; concurrency?: number } = {}) {
    const roster = join(dir, `${name}.csv`);
    await writeFile(roster, rosterCsv(students));
    const out = new Capture();
    const r = await runCheck({
      roster, out: join(dir, name), target: 'embedded', endpoint: running.url, region: 'us-east-1', concurrency: extra.concurrency ?? 6, shard: extra.shard,
    }, { stdout: out, stderr: new Capture(), env: { ...process.env } });
    return { result: r, stdout: out.text };
  }

  const verdicts = (r: ClassReport) => Object.fromEntries(r.students.map((s) => [s.student, s.status === 'error' ? 'error' : Object.fromEntries(CHECK_IDS.map((id) => [id, s.checks[id]?.verdict]))]));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kms-lab-check-'));
    running = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    seeded = await seedClass(running, { students: CLASS_SIZE });
    for (const s of seeded.students) byName.set(s.student, s);
    // CloudTrail times are whole seconds: start the check on a fresh second, so that everything the accounts
    // record from then on is the checker's doing.
    await sleep(1000 - (Date.now() % 1000) + 20);
    checkStart = new Date(Math.floor(Date.now() / 1000) * 1000);
    const first = await check(seeded.students, 'class');
    result = first.result;
    stdout = { text: first.stdout } as Capture;
  });
  after(() => running.stop());

  test('the matrix equals the known truth, cell by cell', async () => {
    assert.equal(result.exitCode, 0);
    const json = JSON.parse(await readFile(join(result.outDir, 'results.json'), 'utf8')) as ClassReport;
    assert.deepEqual(json.checks.map((c) => c.id), [...CHECK_IDS]);
    assert.equal(json.students.length, CLASS_SIZE);
    const expected = Object.fromEntries(seeded.students.map((s) => [s.student, EXPECTED[s.state]]));
    assert.deepEqual(verdicts(json), expected);
    assert.deepEqual(verdicts(result.report), expected);
    // Scores are the points of the passed checks; "cannot tell" earns nothing.
    for (const s of json.students) {
      const want = json.checks.filter((c) => s.checks[c.id]?.verdict === 'pass').reduce((a, c) => a + c.points, 0);
      assert.equal(s.score, want, s.student);
    }
  });

  test('grades.csv gives the gradebook the same verdicts and scores', async () => {
    const lines = (await readFile(join(result.outDir, 'grades.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines[0], `student,account_id,status,score,max_score,cannot_tell,${CHECK_IDS.join(',')},error`);
    assert.equal(lines.length, CLASS_SIZE + 1);
    const word = { pass: 'pass', fail: 'fail', 'cannot-tell': 'cannot tell' } as const;
    for (const s of result.report.students) {
      const line = lines.find((l) => l.startsWith(`${s.student},`))!;
      if (s.status === 'error') {
        assert.match(line, new RegExp(`^${s.student},${s.accountId},error,,100,0,,,,,,,,,"the role .* cannot be assumed`));
      } else {
        assert.equal(line, `${s.student},${s.accountId},checked,${s.score},100,${s.undecided},${CHECK_IDS.map((id) => word[s.checks[id]!.verdict]).join(',')},`);
      }
    }
  });

  test('a student whose role cannot be assumed is an error row with the reason; the others are graded', () => {
    const refused = result.report.students.filter((s) => byName.get(s.student)!.state === 'role-not-assumable');
    assert.equal(refused.length, 3);
    for (const s of refused) {
      assert.equal(s.status, 'error');
      assert.deepEqual(s.checks, {});
      assert.match(s.error!, /^the role arn:aws:iam::\d{12}:role\/kms-lab-instructor-audit cannot be assumed: AccessDenied \(HTTP 403\): User: arn:aws:iam::100000000000:user\/instructor is not authorized to perform: sts:AssumeRole/);
      assert.match(s.error!, /trust policy must let account 100000000000 call sts:AssumeRole with the roster's external_id/);
    }
    assert.equal(result.report.summary.checked, CLASS_SIZE - 3);
    assert.match(stdout.text, /\n30 students: 27 checked \(9 with every check, mean score [\d.]+\/100\), 3 errors\n$/);
  });

  test('read-only: each student account\'s own CloudTrail shows only readOnly:true events from the checker\'s session', async () => {
    const instructorArn = seeded.instructor.userArn;
    const deliver = running.emulator.adminRoutes.get('POST /_emulator/cloudtrail/deliver')!;
    await deliver({});
    await Promise.all(seeded.students.map(async (st) => {
      const creds = st.root;
      const roleArn = `arn:aws:iam::${st.accountId}:role/${AUDIT_ROLE_NAME}`;
      // Event history (management events), as the student's root, within LookupEvents' 2 requests/s.
      const ct = new CloudTrailClient({ endpoint: running.url, region: st.region, credentials: creds });
      const limiter = new RateLimiter(2);
      const events: CloudTrailRecord[] = [];
      let token: string | undefined;
      do {
        const page = await limiter.schedule(() => ct.send(new LookupEventsCommand({ StartTime: checkStart, NextToken: token })));
        events.push(...(page.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!) as CloudTrailRecord));
        token = page.NextToken;
      } while (token);
      ct.destroy();
      const byChecker = events.filter((e) => e.userIdentity?.sessionContext?.sessionIssuer?.arn === roleArn);
      const others = events.filter((e) => !byChecker.includes(e));
      for (const e of byChecker) assert.equal(e.readOnly, true, `${st.student}: ${e.eventSource} ${e.eventName} by the checker is not read-only`);
      for (const e of others) {
        assert.ok(e.eventName === 'AssumeRole' && e.userIdentity?.arn === instructorArn, `${st.student}: an event not made by the checker: ${e.eventSource} ${e.eventName} by ${e.userIdentity?.arn}`);
      }
      if (st.state === 'role-not-assumable') {
        assert.equal(byChecker.length, 0);
        assert.ok(others.every((e) => e.errorCode === 'AccessDenied'));
        return;
      }
      // Every management call the checker made (its own call log) is there, and nothing else of its.
      const log = JSON.parse(await readFile(join(result.outDir, result.report.students.find((s) => s.student === st.student)!.dir, 'calls.json'), 'utf8')) as { operation: string; outcome: string }[];
      const management = log.filter((c) => c.outcome !== 'refused' && !/^s3:(HeadObject|GetObject|ListObjects(V2)?)$/.test(c.operation));
      assert.equal(byChecker.length, management.length, `${st.student}: CloudTrail shows ${byChecker.map((e) => e.eventName).join(', ')}; the checker called ${management.map((c) => c.operation).join(', ')}`);
      assert.ok(byChecker.length >= 5, `${st.student}: only ${byChecker.length} events by the checker`);
      assert.ok(byChecker.every((e) => e.userIdentity?.arn?.startsWith(`arn:aws:sts::${st.accountId}:assumed-role/${AUDIT_ROLE_NAME}/kms-lab-check-`)));

      // The trail's own log files (data events included), read as the student's root.
      if (!st.trailBucket) return;
      const s3 = new S3Client({ endpoint: running.url, region: st.region, credentials: creds, forcePathStyle: true });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: st.trailBucket, Prefix: `AWSLogs/${st.accountId}/CloudTrail/` }));
      const records: CloudTrailRecord[] = [];
      for (const o of listed.Contents ?? []) {
        const body = await (await s3.send(new GetObjectCommand({ Bucket: st.trailBucket, Key: o.Key! }))).Body!.transformToByteArray();
        records.push(...(JSON.parse(gunzipSync(body).toString('utf8')) as { Records: CloudTrailRecord[] }).Records);
      }
      s3.destroy();
      const logged = records.filter((r) => r.userIdentity?.sessionContext?.sessionIssuer?.arn === roleArn);
      for (const r of logged) assert.equal(r.readOnly, true, `${st.student}: logged ${r.eventSource} ${r.eventName} by the checker is not read-only`);
      assert.equal(logged.filter((r) => r.managementEvent).length, management.length, `${st.student}: the log files show ${logged.map((r) => r.eventName).join(', ')}`);
    }));
  });

  test('every student has a signed evidence bundle that verifies', async () => {
    for (const s of result.report.students) {
      const report = await verifyBundle(join(result.outDir, s.dir));
      assert.equal(report.ok, true, `${s.student}: ${[...report.problems, ...report.signature.problems].join('; ')}`);
      const files = report.manifest!.files.map((f) => f.path);
      assert.ok(files.includes('result.json') && files.includes('calls.json'), s.student);
      if (s.status === 'checked') assert.ok(files.some((f) => f.startsWith('evidence/008-public-refused/')), `${s.student}: ${files.join(', ')}`);
    }
  });

  test('LookupEvents stays within 2 requests per second per account, even when the roster lists an account four times', async () => {
    const lookups: CallRecord[] = [];
    const listen = (c: CallRecord) => {
      if (c.eventName === 'LookupEvents' && c.principal.role?.name === AUDIT_ROLE_NAME) lookups.push(c);
    };
    running.emulator.calls.on('call', listen);
    const st = seeded.students[0]!;
    const dup = [1, 2, 3, 4].map((n) => ({ ...st, student: `twin-${n}` }));
    const { result: r } = await check(dup, 'twins', { concurrency: 4 });
    running.emulator.calls.off('call', listen);
    assert.deepEqual(Object.values(verdicts(r.report)), dup.map(() => EXPECTED[st.state]));
    // AWS's own limit (the emulator's token bucket: 2 per second per account and Region) never refused one …
    assert.equal(lookups.length, 4);
    assert.deepEqual(lookups.filter((c) => c.error), [], 'no LookupEvents was throttled');
    // … because the checker never started three within a second (its call logs, as each request left).
    const started: number[] = [];
    for (const s of r.report.students) {
      const log = JSON.parse(await readFile(join(r.outDir, s.dir, 'calls.json'), 'utf8')) as { operation: string; at: string }[];
      started.push(...log.filter((c) => c.operation === 'cloudtrail:LookupEvents').map((c) => Date.parse(c.at)));
    }
    started.sort((a, b) => a - b);
    assert.equal(started.length, 4);
    for (let i = 0; i + 2 < started.length; i++) assert.ok(started[i + 2]! - started[i]! >= 1000, `3 LookupEvents started within ${started[i + 2]! - started[i]!} ms`);
  });

  test('--shard 1/3, 2/3 and 3/3 cover the roster exactly once, with the same verdicts', async () => {
    const nine = seeded.students.slice(0, 9);
    const parts = await Promise.all([1, 2, 3].map((index) => check(nine, `shard-${index}`, { shard: { index, count: 3 }, concurrency: 3 })));
    const names = parts.flatMap((p) => p.result.report.students.map((s) => s.student));
    assert.deepEqual([...names].sort(), nine.map((s) => s.student).sort());
    assert.equal(new Set(names).size, names.length);
    for (const p of parts) {
      assert.equal(p.result.report.students.length, 3);
      assert.match(p.stdout, /^kms-lab check \S+: 3 of 9 student\(s\) \(shard \d\/3\)/);
    }
    const full = verdicts(result.report);
    for (const p of parts) for (const [name, v] of Object.entries(verdicts(p.result.report))) assert.deepEqual(v, full[name], name);
  });

  test('throttling is retried with backoff: with 20 % of all requests throttled the verdicts do not change', async () => {
    const some = seeded.students.slice(0, 6);
    await setFaults(running, chaosRules(8, 0.2, 0));
    try {
      const { result: r } = await check(some, 'throttled');
      const fired = (await getFaults(running)).rules.reduce((a, rule) => a + rule.fired, 0);
      assert.ok(fired >= 5, `only ${fired} requests were throttled`);
      const full = verdicts(result.report);
      assert.deepEqual(verdicts(r.report), Object.fromEntries(some.map((s) => [s.student, full[s.student]])));
    } finally {
      await clearFaults(running);
    }
  });

  const chromium = '/usr/bin/chromium';
  test('the HTML matrix renders in Chromium: every cell shows its verdict, a click shows the reason', { skip: existsSync(chromium) ? false : `${chromium} is missing (apt-get install chromium); the HTML matrix is not rendered` }, async () => {
    const { chromium: browserType } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'kms-lab-chromium-'));
    const context = await browserType.launchPersistentContext(profile, {
      executablePath: chromium, headless: true, viewport: { width: 1500, height: 1000 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await context.newPage();
      await page.goto(`file://${join(result.outDir, 'matrix.html')}`);
      await page.screenshot({ path: join(result.outDir, 'matrix.png'), fullPage: true });
      assert.ok(existsSync(join(result.outDir, 'matrix.png')));
      const rows = await page.$$eval('#matrix tbody tr', (trs) => trs.map((tr) => ({
        student: tr.getAttribute('data-student'),
        status: tr.getAttribute('data-status'),
        score: tr.querySelector('td.score')?.textContent ?? '',
        cells: Object.fromEntries([...tr.querySelectorAll('td.cell[data-check]')].map((td) => [td.getAttribute('data-check'), [td.getAttribute('data-verdict'), td.querySelector('summary')?.textContent]])),
        error: tr.querySelector('td.cell.error .error-text')?.textContent ?? null,
      })));
      assert.equal(rows.length, CLASS_SIZE);
      const symbol = { pass: '✓', fail: '✗', 'cannot-tell': '?' } as const;
      for (const row of rows) {
        const st = byName.get(row.student!)!;
        const want = EXPECTED[st.state];
        if (want === 'error') {
          assert.equal(row.status, 'error');
          assert.match(row.error ?? '', /cannot be assumed: AccessDenied/);
          continue;
        }
        assert.deepEqual(row.cells, Object.fromEntries(CHECK_IDS.map((id) => [id, [want[id], symbol[want[id]]]])), row.student!);
        assert.match(row.score, /^\d+\/100/);
      }
      // The logs-unreadable student's "?" opens onto the reason and the evidence.
      const unreadable = seeded.students.find((s) => s.state === 'logs-unreadable')!;
      const cell = page.locator(`tr[data-student="${unreadable.student}"] td[data-check="public-refused"]`);
      await cell.locator('summary').click();
      const pop = cell.locator('.pop');
      assert.equal(await pop.isVisible(), true);
      assert.match(await pop.innerText(), /cannot tell \(0\/10\)[\s\S]*the trail's log files are not readable: s3:GetObject s3:\/\/kms-lab-class-\d+-trail\/AWSLogs\/.* was refused to the instructor role/);
      assert.match(await page.locator('#summary').innerText(), /^30 students: 27 checked, 9 with every check/);
    } finally {
      await context.close();
    }
  });
});
