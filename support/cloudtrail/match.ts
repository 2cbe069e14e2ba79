import type { CloudTrailRecord } from './records.js';

/** Who made a call, as CloudTrail names them. */
export type ExpectedPrincipal =
  | { kind: 'role'; label: string; roleArn: string; sessionArn?: string }
  | { kind: 'anonymous' };

/** What a CloudTrail record must say; every field left out is not checked. */
export interface EventExpectation {
  /** For people: `"student" calling kms:GenerateDataKey on "myFirstKey"`. */
  description: string;
  eventSource: string;
  eventName: string;
  principal?: ExpectedPrincipal;
  /** The record's resources[] contains one of these ARNs (or, for KMS, requestParameters.keyId is one). */
  resourceArns?: string[];
  /** requestParameters fields that must be equal, e.g. { bucketName, key }. */
  requestParameters?: Record<string, string>;
  /** requestParameters.encryptionContext entries that must be equal. */
  encryptionContext?: Record<string, string>;
  /** userIdentity.invokedBy, e.g. s3.amazonaws.com for S3 calling KMS on the requester's behalf. */
  invokedBy?: string;
  /** The error AWS answered; null means the call must have succeeded. */
  errorCode?: string | null;
  /** eventTime within ±toleranceMs of time (CloudTrail and S3 times have one-second precision). */
  near?: { time: Date; toleranceMs: number; label: string };
}

const stringOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : JSON.stringify(v));

function principalMismatch(r: CloudTrailRecord, p: ExpectedPrincipal): string | undefined {
  const id = r.userIdentity ?? {};
  if (p.kind === 'anonymous') {
    const anonymous = id.accountId === 'anonymous' || (id.type === 'AWSAccount' && !id.arn && id.principalId === '');
    return anonymous ? undefined : `caller is ${id.arn ?? id.type ?? 'unknown'}, not anonymous`;
  }
  const issuer = id.sessionContext?.sessionIssuer?.arn;
  const roleName = p.roleArn.split('/').pop();
  const sessionOfRole = typeof id.arn === 'string' && roleName !== undefined && id.arn.includes(`:assumed-role/${roleName}/`);
  if (issuer === p.roleArn || id.arn === p.sessionArn || sessionOfRole) return undefined;
  return `caller is ${id.arn ?? id.type ?? 'unknown'}, not ${p.label} (${p.roleArn})`;
}

/** Why a record is not the one expected; empty when it is. */
export function mismatches(r: CloudTrailRecord, e: EventExpectation): string[] {
  const out: string[] = [];
  if (r.eventSource !== e.eventSource) out.push(`eventSource is ${r.eventSource}, not ${e.eventSource}`);
  if (r.eventName !== e.eventName) out.push(`eventName is ${r.eventName}, not ${e.eventName}`);
  if (e.principal) {
    const m = principalMismatch(r, e.principal);
    if (m) out.push(m);
  }
  if (e.resourceArns?.length) {
    const arns = new Set((r.resources ?? []).flatMap((x) => [x.ARN, x.ARNPrefix]).filter((x): x is string => Boolean(x)));
    const keyId = stringOf(r.requestParameters?.keyId);
    if (keyId) arns.add(keyId);
    if (!e.resourceArns.some((a) => arns.has(a))) out.push(`resources are [${[...arns].join(', ') || 'none'}], not ${e.resourceArns[0]}`);
  }
  for (const [k, v] of Object.entries(e.requestParameters ?? {})) {
    const got = stringOf(r.requestParameters?.[k]);
    if (got !== v) out.push(`requestParameters.${k} is ${got ?? 'absent'}, not ${v}`);
  }
  const ctx = (r.requestParameters?.encryptionContext ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(e.encryptionContext ?? {})) {
    if (stringOf(ctx[k]) !== v) out.push(`encryptionContext ${k} is ${stringOf(ctx[k]) ?? 'absent'}, not ${v}`);
  }
  if (e.invokedBy !== undefined && r.userIdentity?.invokedBy !== e.invokedBy) {
    out.push(`invokedBy is ${r.userIdentity?.invokedBy ?? 'absent'}, not ${e.invokedBy}`);
  }
  if (e.errorCode === null && r.errorCode) out.push(`it failed with ${r.errorCode}`);
  if (e.errorCode && r.errorCode !== e.errorCode) out.push(`errorCode is ${r.errorCode ?? 'absent (it succeeded)'}, not ${e.errorCode}`);
  if (e.near) {
    const t = Date.parse(r.eventTime ?? '');
    const d = t - e.near.time.getTime();
    if (!Number.isFinite(t) || Math.abs(d) > e.near.toleranceMs) {
      out.push(`eventTime ${r.eventTime} is ${Number.isFinite(d) ? `${Math.round(d / 1000)} s from` : 'not near'} ${e.near.label} (${e.near.time.toISOString()})`);
    }
  }
  return out;
}
