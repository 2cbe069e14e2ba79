/**
 * The controls scenarios are tagged with, and where their ids come from.
 *
 * Tags: `@cis:<id>` = a recommendation of the CIS Amazon Web Services Foundations Benchmark v3.0.0 (the version
 * AWS Security Hub CSPM also implements as "CIS AWS Foundations Benchmark v3.0.0"); `@config:<rule-name>` = an
 * AWS Config managed rule. A scenario with such a tag produces evidence about that control; the mapping note says
 * how far that evidence reaches (a lab scenario proves a control on the lab's own resources, a compliance check
 * under features/checks/ reads the whole account's configuration).
 *
 * Sources (ids and titles checked against them):
 *  - CIS AWS Foundations Benchmark v3.0.0, section 3 "Logging" — titles as in turbot/steampipe-mod-aws-compliance
 *    cis_v300/section_3.sp (3.1–3.9) and the benchmark's own PDF, https://www.cisecurity.org/benchmark/amazon_web_services
 *  - AWS Security Hub CSPM, "CIS AWS Foundations Benchmark" (supports v5.0.0, v3.0.0, v1.4.0, v1.2.0),
 *    https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
 *  - AWS Config managed rules, https://docs.aws.amazon.com/config/latest/developerguide/<rule-name>.html
 */

export const CIS_BENCHMARK = {
  name: 'CIS Amazon Web Services Foundations Benchmark',
  version: 'v3.0.0',
  source: 'https://www.cisecurity.org/benchmark/amazon_web_services',
} as const;

export interface ControlDefinition {
  /** The tag suffix: '3.2' for @cis:3.2, 'cloudtrail-enabled' for @config:cloudtrail-enabled. */
  id: string;
  framework: 'cis' | 'config';
  title: string;
  source: string;
  level?: 1 | 2;
}

const cis = (id: string, title: string, level: 1 | 2): ControlDefinition => ({
  id, framework: 'cis', title, level, source: `${CIS_BENCHMARK.name} ${CIS_BENCHMARK.version}, recommendation ${id} (Level ${level})`,
});
const config = (id: string, title: string): ControlDefinition => ({
  id, framework: 'config', title, source: `https://docs.aws.amazon.com/config/latest/developerguide/${id}.html`,
});

export const CONTROLS: readonly ControlDefinition[] = [
  cis('3.1', 'Ensure CloudTrail is enabled in all regions', 1),
  cis('3.2', 'Ensure CloudTrail log file validation is enabled', 2),
  cis('3.5', 'Ensure CloudTrail logs are encrypted at rest using KMS CMKs', 2),
  cis('3.6', 'Ensure rotation for customer-created symmetric CMKs is enabled', 2),
  cis('3.8', 'Ensure that Object-level logging for write events is enabled for S3 bucket', 2),
  cis('3.9', 'Ensure that Object-level logging for read events is enabled for S3 bucket', 2),
  config('cloudtrail-enabled', 'At least one CloudTrail trail is enabled (logging)'),
  config('multi-region-cloudtrail-enabled', 'At least one multi-region CloudTrail trail, not excluding management events'),
  config('cloud-trail-log-file-validation-enabled', 'CloudTrail creates a signed digest file with its logs'),
  config('cloud-trail-encryption-enabled', 'CloudTrail encrypts its logs with SSE-KMS (KmsKeyId is set)'),
  config('cmk-backing-key-rotation-enabled', 'Automatic key rotation is enabled for each customer managed KMS key'),
  config('cloudtrail-s3-dataevents-enabled', 'At least one trail logs S3 data events for all S3 buckets'),
  config('s3-default-encryption-kms', 'S3 buckets are encrypted with AWS KMS by default'),
  config('s3-bucket-public-read-prohibited', 'S3 buckets do not allow public read access'),
];

const TAG = /^@(cis|config):(.+)$/;

export function controlKey(def: Pick<ControlDefinition, 'framework' | 'id'>): string {
  return def.framework === 'cis' ? `CIS ${def.id}` : `AWS Config ${def.id}`;
}

export function findControl(framework: string, id: string): ControlDefinition | undefined {
  return CONTROLS.find((c) => c.framework === framework && c.id === id);
}

/** The controls a scenario's tags name. An unknown control tag is an error in the feature, like an unknown capability. */
export function controlsOf(tags: readonly (string | { name: string })[]): ControlDefinition[] {
  const out: ControlDefinition[] = [];
  for (const t of tags) {
    const name = typeof t === 'string' ? t : t.name;
    const m = TAG.exec(name);
    if (!m) continue;
    const def = findControl(m[1], m[2]);
    if (!def) {
      const known = CONTROLS.filter((c) => c.framework === m[1]).map((c) => `@${c.framework}:${c.id}`).join(', ');
      throw new Error(`Unknown control tag ${name}; support/controls/catalog.ts knows ${known}.`);
    }
    if (!out.includes(def)) out.push(def);
  }
  return out;
}

export function isControlTag(name: string): boolean {
  return TAG.test(name);
}
