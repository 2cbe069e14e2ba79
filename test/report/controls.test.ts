import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrailCommand, CloudTrailClient, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DisableKeyRotationCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import type { ControlRecord } from '../../support/bundle/types.js';
import { controlsOf, CONTROLS } from '../../support/controls/index.js';
import { cloudTrailBucketPolicy } from '../../support/lab/trail.js';
import { explain, parseSummary, REPO, runKmsLab, tempReportDir } from '../cli/lab-process.js';

describe('control tags', () => {
  it('every @cis: and @config: tag in features/ names a control of the catalog', async () => {
    const tags = new Set<string>();
    for (const e of await readdir(join(REPO, 'features'), { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.feature')) continue;
      const text = await readFile(join(e.parentPath ?? e.path, e.name), 'utf8');
      for (const m of text.matchAll(/@(?:cis|config):\S+/g)) tags.add(m[0]);
    }
    assert.ok(tags.size >= CONTROLS.length - 1, `${tags.size} control tags in the features`);
    assert.equal(controlsOf([...tags]).length, tags.size);
  });

  it('an unknown control tag is an error that lists the known ones', () => {
    assert.throws(() => controlsOf(['@cis:9.99']), /Unknown control tag @cis:9\.99; support\/controls\/catalog\.ts knows @cis:3\.1, @cis:3\.2/);
  });
});

/**
 * The read-only compliance checks (features/checks/compliance-*.feature) against an account configured as CIS
 * v3.0.0 section 3 asks: a multi-region trail with validation, SSE-KMS and S3 data events of every bucket, a
 * rotating key, a bucket encrypted with it by default.
 */
describe('kms-lab run --compliance', () => {
  let emulator: RunningEmulator;
  let keyId: string;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    const conn = { region: 'us-east-1', endpoint: emulator.url, credentials };
    const kms = new KMSClient(conn);
    const s3 = new S3Client({ ...conn, forcePathStyle: true });
    const ct = new CloudTrailClient(conn);
    try {
      const key = (await kms.send(new CreateKeyCommand({ Description: 'compliant account key' }))).KeyMetadata!;
      keyId = key.KeyId!;
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
      const bucket = { logical: 'org-trail-logs', name: 'org-trail-logs-000000000000', arn: 'arn:aws:s3:::org-trail-logs-000000000000' };
      await s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
      await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket.name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.Arn } }] } }));
      const trailArn = 'arn:aws:cloudtrail:us-east-1:000000000000:trail/org-trail';
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket.name, Policy: JSON.stringify(cloudTrailBucketPolicy(bucket, '000000000000', trailArn)) }));
      await ct.send(new CreateTrailCommand({ Name: 'org-trail', S3BucketName: bucket.name, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true, KmsKeyId: key.Arn }));
      await ct.send(new PutEventSelectorsCommand({ TrailName: 'org-trail', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }));
      await ct.send(new StartLoggingCommand({ Name: 'org-trail' }));
    } finally {
      kms.destroy();
      s3.destroy();
      ct.destroy();
    }
  });

  after(async () => {
    await emulator?.stop();
  });

  async function complianceRun() {
    const root = await tempReportDir('kms-lab-compliance-');
    const p = await runKmsLab(['run', '--endpoint', emulator.url, '--compliance', '--tags', '@compliance', '--report-dir', root]);
    const meta = JSON.parse(await readFile(join(root, 'latest', 'manifest.json'), 'utf8').catch(() => '{}')).metadata;
    return { p, controls: (meta?.controls ?? []) as ControlRecord[] };
  }

  it('passes every check on a compliant account, and the bundle shows the controls satisfied about the account', async () => {
    const { p, controls } = await complianceRun();
    assert.equal(p.code, 0, explain(p));
    assert.deepEqual(parseSummary(p.lines.at(-1)), { scenarios: 6, passed: 6, failed: 0, skipped: 0 });
    for (const id of ['CIS 3.1', 'CIS 3.2', 'CIS 3.5', 'CIS 3.6', 'CIS 3.8', 'CIS 3.9', 'AWS Config s3-default-encryption-kms', 'AWS Config cmk-backing-key-rotation-enabled']) {
      const c = controls.find((x) => x.id === id);
      assert.equal(c?.status, 'satisfied', `${id}: ${JSON.stringify(c)}`);
      assert.equal(c?.scope, 'account');
    }
  });

  it('fails CIS 3.6 on a key without rotation, naming the key', async () => {
    const kms = new KMSClient({ region: 'us-east-1', endpoint: emulator.url, credentials });
    await kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    kms.destroy();
    const { p, controls } = await complianceRun();
    assert.equal(p.code, 1, explain(p));
    assert.equal(controls.find((c) => c.id === 'CIS 3.6')?.status, 'failed');
    assert.equal(controls.find((c) => c.id === 'CIS 3.5')?.status, 'satisfied');
    assert.match(p.stdout, new RegExp(`arn:aws:kms:us-east-1:000000000000:key/${keyId} does not rotate automatically`));
  });
});
