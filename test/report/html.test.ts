import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { verifyBundle } from '../../support/bundle/index.js';
import { rerenderReport } from '../../support/report/rerender.js';
import { emulatorCredentialsEnv, explain, REPO, runKmsLab, tempReportDir } from '../cli/lab-process.js';

const CHROMIUM = '/usr/bin/chromium';
/** Kept after the test (reports/ is git-ignored): the run, and the screenshots of its report page. */
const ROOT = join(REPO, 'reports', 'test-report-html');

let bundle: string;
let runId: string;

before(async () => {
  await rm(ROOT, { recursive: true, force: true });
  // A skipped scenario (with its reason) next to passing ones: the page must show both.
  const env = { ...emulatorCredentialsEnv(), KMS_LAB_CAPABILITIES: '-cloudtrail.digest' };
  const p = await runKmsLab(['run', '--tags', '@cloudtrail', '--report-dir', ROOT], env);
  runId = /^kms-lab run (\S+):/m.exec(p.stdout)?.[1] ?? '';
  assert.ok(runId && p.code === 0, explain(p));
  bundle = join(ROOT, runId);
});

/** playwright-core and Debian's Chromium, or the reason the browser test cannot run here. */
async function browser(): Promise<{ chromium: typeof import('playwright-core').chromium } | { skip: string }> {
  if (!existsSync(CHROMIUM)) return { skip: `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)` };
  try {
    const { chromium } = await import('playwright-core');
    return { chromium };
  } catch (e) {
    return { skip: `playwright-core cannot be loaded: ${(e as Error).message}` };
  }
}

describe('report.html', () => {
  const profiles: string[] = [];
  after(async () => {
    for (const d of profiles) await rm(d, { recursive: true, force: true });
  });

  it('renders in Chromium, offline, with the verdict, the results by control, the skipped scenario\'s reason and the evidence', async (t) => {
    const b = await browser();
    if ('skip' in b) {
      process.stdout.write(`# skipped: ${b.skip}\n`);
      t.skip(b.skip);
      return;
    }
    const profile = await mkdtemp(join(tmpdir(), 'kms-lab-chromium-'));
    profiles.push(profile);
    const context = await b.chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await context.newPage();
      const fetched: string[] = [];
      // Self-contained: anything but the file itself would be an external asset.
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        fetched.push(url);
        return route.abort();
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(join(bundle, 'report.html')).href);

      const shots = join(ROOT, `${runId}-screenshots`);
      await mkdir(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report.png') });
      t.diagnostic(`screenshots in ${shots}`);

      assert.match(await page.locator('#verdict').innerText(), /^INCOMPLETE\s*6 scenarios: 5 passed, 0 failed, 1 skipped\./);
      const control = (id: string) => page.locator('table.controls tr.control', { has: page.locator(`td strong:text-is("${id}")`) });
      assert.equal(await control('CIS 3.2').getAttribute('data-status'), 'satisfied');
      assert.equal(await control('CIS 3.9').getAttribute('data-status'), 'satisfied');
      assert.equal(await control('CIS 3.5').getAttribute('data-status'), 'not evidenced');
      assert.match(await control('AWS Config cloudtrail-s3-dataevents-enabled').innerText(), /satisfied/);

      assert.match(await page.locator('#skipped + ul').innerText(), /Skipped on target "embedded": it lacks cloudtrail\.digest[\s\S]*The log file holding the upload is covered by a signed digest/);

      // A CloudTrail record, pretty-printed and summarized: who called kms:GenerateDataKey, through S3.
      const scenario = page.locator('section.scenario', { hasText: 'The upload is a kms:GenerateDataKey by the uploader' });
      const evidence = scenario.locator('details.evidence', { hasText: 'CloudTrail: kms:GenerateDataKey by administrator' });
      await evidence.locator('summary').click();
      const record = evidence.locator('table.record');
      await record.waitFor({ state: 'visible' });
      assert.match(await record.innerText(), /event\s+kms\.amazonaws\.com GenerateDataKey[\s\S]*invoked by\s+s3\.amazonaws\.com/);
      assert.ok(await evidence.locator('pre.json .j-k.hl', { hasText: '"eventName"' }).count() > 0, 'key fields highlighted');
      await evidence.screenshot({ path: join(shots, 'cloudtrail-record.png') });

      // A policy, shown as a table of its statements.
      const policy = page.locator('table.policy', { hasText: 'AWSCloudTrailWrite20150319' }).first();
      assert.match(await policy.textContent() ?? '', /cloudtrail\.amazonaws\.com[\s\S]*s3:PutObject/);

      assert.match(await page.locator('#verify ~ ul').first().innerText(), /kms-lab verify <this directory>/);

      // Printed: toolbar gone, every evidence block open.
      await page.emulateMedia({ media: 'print' });
      await page.evaluate('window.dispatchEvent(new Event("beforeprint"))');
      assert.equal(await page.locator('.toolbar').isVisible(), false);
      assert.equal(await page.locator('details:not([open])').count(), 0);
      await page.screenshot({ path: join(shots, 'report-print.png') });

      assert.deepEqual(fetched, [], 'no external request');
      assert.deepEqual(errors, [], 'no script error');
    } finally {
      await context.close();
    }
  });

  it('kms-lab report re-renders the same bytes from an untouched bundle, which still verifies', async () => {
    const before = await readFile(join(bundle, 'report.html'));
    const p = await runKmsLab(['report', bundle]);
    assert.equal(p.code, 0, explain(p));
    assert.match(p.stdout, /identical to the signed copy: the bundle still verifies/);
    assert.ok(before.equals(await readFile(join(bundle, 'report.html'))));
    assert.equal((await verifyBundle(bundle)).ok, true);
  });

  it('kms-lab report will not overwrite the signed report.html with a different rendering unless --force', async () => {
    const dir = join(await tempReportDir('kms-lab-rerender-'), 'bundle');
    await cp(bundle, dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const evidence = manifest.metadata.results.items.find((s: { evidence: string[] }) => s.evidence.length > 0).evidence[0] as string;
    await writeFile(join(dir, evidence), '{"label": "edited after the run"}\n');
    const signed = await readFile(join(dir, 'report.html'));
    const refused = await rerenderReport(dir);
    assert.deepEqual({ written: refused.written, differsFromSigned: refused.differsFromSigned }, { written: false, differsFromSigned: true });
    assert.ok(signed.equals(await readFile(join(dir, 'report.html'))), 'the signed page is untouched');
    const forced = await rerenderReport(dir, { force: true });
    assert.equal(forced.written, true);
    const r = await verifyBundle(dir);
    assert.deepEqual(r.files.changed.sort(), [evidence, 'report.html'].sort());
  });
});
