import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../clients.js';

/**
 * Read-only posture checks of a whole account, for the compliance checks (features/checks/compliance-*.feature).
 * Only Describe/Get/List calls. Each returns what it looked at (the evidence) and what it found wrong; a check that
 * has nothing to judge (no trail at all for "every trail …") says so in `notApplicable` instead of passing.
 */
export interface PostureFinding<T> {
  looked: T[];
  problems: string[];
  notApplicable?: string;
}

const errText = (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`;

export interface TrailPosture {
  name?: string;
  arn?: string;
  homeRegion?: string;
  multiRegion: boolean;
  logFileValidation: boolean;
  kmsKeyId?: string;
  isLogging?: boolean;
  managementEvents?: 'All' | 'ReadOnly' | 'WriteOnly' | 'none';
  excludesManagementSources?: string[];
  s3DataEvents?: { read: boolean; write: boolean; allBuckets: boolean };
  error?: string;
}

/** Every trail visible in the region (shadow trails of multi-region trails included), with status and selectors. */
export async function readTrails(clients: AwsClients): Promise<TrailPosture[]> {
  const ct = clients.cloudtrail;
  const { trailList = [] } = await ct.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  const out: TrailPosture[] = [];
  for (const t of trailList) out.push(await readTrail(clients, t));
  return out;
}

async function readTrail(clients: AwsClients, t: Trail): Promise<TrailPosture> {
  const ref = t.TrailARN ?? t.Name ?? '';
  const p: TrailPosture = {
    name: t.Name, arn: t.TrailARN, homeRegion: t.HomeRegion, multiRegion: t.IsMultiRegionTrail === true,
    logFileValidation: t.LogFileValidationEnabled === true, ...(t.KmsKeyId ? { kmsKeyId: t.KmsKeyId } : {}),
  };
  try {
    p.isLogging = (await clients.cloudtrail.send(new GetTrailStatusCommand({ Name: ref }))).IsLogging === true;
    const sel = await clients.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: ref }));
    let mgmt: TrailPosture['managementEvents'] = 'none';
    const data = { read: false, write: false, allBuckets: false };
    for (const s of sel.EventSelectors ?? []) {
      if (s.IncludeManagementEvents) mgmt = mgmt === 'none' ? (s.ReadWriteType ?? 'All') : 'All';
      if (s.ExcludeManagementEventSources?.length) p.excludesManagementSources = s.ExcludeManagementEventSources;
      for (const d of s.DataResources ?? []) {
        if (d.Type !== 'AWS::S3::Object') continue;
        const all = (d.Values ?? []).some((v) => v === 'arn:aws:s3' || v === 'arn:aws:s3:::');
        if (!all) continue;
        data.allBuckets = true;
        if (s.ReadWriteType !== 'WriteOnly') data.read = true;
        if (s.ReadWriteType !== 'ReadOnly') data.write = true;
      }
    }
    for (const a of sel.AdvancedEventSelectors ?? []) {
      const f = (name: string) => a.FieldSelectors?.find((x) => x.Field === name);
      const category = f('eventCategory')?.Equals ?? [];
      if (category.includes('Management')) mgmt = 'All';
      if (!category.includes('Data') || !(f('resources.type')?.Equals ?? []).includes('AWS::S3::Object')) continue;
      if (f('resources.ARN')) continue; // limited to some buckets
      const ro = f('readOnly')?.Equals;
      data.allBuckets = true;
      if (!ro || ro.includes('true')) data.read = true;
      if (!ro || ro.includes('false')) data.write = true;
    }
    p.managementEvents = mgmt;
    p.s3DataEvents = data;
  } catch (e) {
    p.error = `could not read the status or event selectors of ${ref}: ${errText(e)}`;
  }
  return p;
}

/** CIS 3.1 / multi-region-cloudtrail-enabled: a logging multi-region trail recording all management events. */
export function multiRegionTrail(trails: TrailPosture[]): PostureFinding<TrailPosture> {
  const ok = trails.some((t) => t.multiRegion && t.isLogging && t.managementEvents === 'All' && !t.excludesManagementSources?.length);
  if (ok) return { looked: trails, problems: [] };
  if (trails.length === 0) return { looked: trails, problems: ['the account has no trail in this region (nor a multi-region trail from another region)'] };
  return { looked: trails, problems: trails.map((t) => `${t.arn ?? t.name}: ${[
    t.multiRegion ? undefined : 'single-region',
    t.isLogging ? undefined : 'not logging',
    t.managementEvents === 'All' ? undefined : `management events: ${t.managementEvents ?? 'unknown'}`,
    t.excludesManagementSources?.length ? `excludes ${t.excludesManagementSources.join(', ')}` : undefined,
    t.error,
  ].filter(Boolean).join(', ')}`) };
}

/** CIS 3.2 / cloud-trail-log-file-validation-enabled, CIS 3.5 / cloud-trail-encryption-enabled: every trail. */
export function everyTrail(trails: TrailPosture[], what: 'log file validation' | 'KMS encryption'): PostureFinding<TrailPosture> {
  if (trails.length === 0) return { looked: trails, problems: [], notApplicable: 'the account has no trail in this region: there is no trail to check' };
  const bad = trails.filter((t) => (what === 'log file validation' ? !t.logFileValidation : !t.kmsKeyId));
  return { looked: trails, problems: bad.map((t) => `${t.arn ?? t.name} has no ${what}`) };
}

/** CIS 3.8 + 3.9 / cloudtrail-s3-dataevents-enabled: a logging trail records S3 object reads and writes of all buckets. */
export function s3DataEventsAllBuckets(trails: TrailPosture[]): PostureFinding<TrailPosture> {
  const ok = trails.some((t) => t.isLogging && t.s3DataEvents?.allBuckets && t.s3DataEvents.read && t.s3DataEvents.write);
  if (ok) return { looked: trails, problems: [] };
  return { looked: trails, problems: [trails.length === 0 ? 'the account has no trail in this region' : 'no logging trail records S3 object-level read and write events for all buckets (a selector of AWS::S3::Object on arn:aws:s3, or an advanced selector without resources.ARN)'] };
}

export interface KeyPosture { keyId: string; arn?: string; keySpec?: string; rotation?: boolean; error?: string }

/** CIS 3.6 / cmk-backing-key-rotation-enabled: every enabled customer managed symmetric key (AWS_KMS origin) rotates. */
export async function keyRotation(clients: AwsClients): Promise<PostureFinding<KeyPosture>> {
  const looked: KeyPosture[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.kms.send(new ListKeysCommand({ Marker: marker, Limit: 100 }));
    for (const k of page.Keys ?? []) {
      if (!k.KeyId) continue;
      try {
        const m = (await clients.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata;
        if (!m || m.KeyManager !== 'CUSTOMER' || m.KeyState !== 'Enabled' || m.KeySpec !== 'SYMMETRIC_DEFAULT' || m.Origin !== 'AWS_KMS') continue;
        const r = await clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }));
        looked.push({ keyId: k.KeyId, arn: m.Arn, keySpec: m.KeySpec, rotation: r.KeyRotationEnabled === true });
      } catch (e) {
        looked.push({ keyId: k.KeyId, arn: k.KeyArn, error: errText(e) });
      }
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  if (looked.length === 0) return { looked, problems: [], notApplicable: 'the account has no enabled customer managed symmetric key in this region' };
  return {
    looked,
    problems: looked.filter((k) => k.error || !k.rotation).map((k) => (k.error ? `${k.arn ?? k.keyId}: cannot tell (${k.error})` : `${k.arn ?? k.keyId} does not rotate automatically`)),
  };
}

export interface BucketPosture { bucket: string; region?: string; algorithm?: string; kmsKeyId?: string; error?: string }

/** s3-default-encryption-kms: every bucket's default encryption is SSE-KMS (or DSSE-KMS). */
export async function bucketDefaultEncryption(clients: AwsClients): Promise<PostureFinding<BucketPosture>> {
  const looked: BucketPosture[] = [];
  const { Buckets = [] } = await clients.s3.send(new ListBucketsCommand({}));
  for (const b of Buckets) {
    if (!b.Name) continue;
    try {
      const enc = await clients.s3.send(new GetBucketEncryptionCommand({ Bucket: b.Name }));
      const rule = enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
      looked.push({ bucket: b.Name, region: b.BucketRegion, algorithm: rule?.SSEAlgorithm, ...(rule?.KMSMasterKeyID ? { kmsKeyId: rule.KMSMasterKeyID } : {}) });
    } catch (e) {
      looked.push({ bucket: b.Name, region: b.BucketRegion, error: errText(e) });
    }
  }
  if (looked.length === 0) return { looked, problems: [], notApplicable: 'the account has no S3 bucket' };
  return {
    looked,
    problems: looked.filter((b) => b.error || !b.algorithm?.startsWith('aws:kms')).map((b) => (b.error ? `s3://${b.bucket}: cannot tell (${b.error})` : `s3://${b.bucket} defaults to ${b.algorithm ?? 'no encryption'}, not SSE-KMS`)),
  };
}
