import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { auditRolePolicy, auditRoleTrustPolicy } from '../../emulator/fixtures/seed-class.js';
import { REPO } from '../../support/check/runner.js';

test('docs/instructor.md shows students exactly the role the simulated class has (IAM JSON and CloudFormation)', async () => {
  const doc = await readFile(join(REPO, 'docs', 'instructor.md'), 'utf8');
  const block = (marker: string) => {
    const m = new RegExp(`<!-- policy:${marker} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(doc);
    assert.ok(m, `docs/instructor.md has no JSON block after <!-- policy:${marker} -->`);
    return JSON.parse(m[1]!) as unknown;
  };
  assert.deepEqual(block('trust'), auditRoleTrustPolicy('INSTRUCTOR_ACCOUNT_ID', 'EXTERNAL_ID'));
  assert.deepEqual(block('permissions'), auditRolePolicy('TRAIL_BUCKET'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  for (const s of auditRolePolicy('TRAIL_BUCKET').Statement) {
    assert.ok(yaml.includes(`Sid: ${s.Sid}`), `the CloudFormation template lacks ${s.Sid}`);
    for (const a of [s.Action].flat()) assert.ok(yaml.includes(a), `the CloudFormation template lacks ${a}`);
  }
  assert.ok(yaml.includes("Resource: !Sub 'arn:aws:s3:::${TrailBucketName}/*AWSLogs/*'"));
});
