import { invalidArn, invalidTrailName, trailNotFound } from './errors.js';
import { DEFAULT_SELECTORS, type InsightSelector, type Selectors } from './selectors.js';

/** A trail and its logging status, as CreateTrail / DescribeTrails / GetTrailStatus describe it (botocore `Trail`, `GetTrailStatusResponse`). */
export interface Trail {
  name: string;
  accountId: string;
  homeRegion: string;
  arn: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  logFileValidationEnabled: boolean;
  /** Full key ARN (CloudTrail reports the ARN whatever form was given). */
  kmsKeyId?: string;
  cloudWatchLogsLogGroupArn?: string;
  cloudWatchLogsRoleArn?: string;
  selectors: Selectors;
  hasCustomEventSelectors: boolean;
  insightSelectors: InsightSelector[];
  tags: Array<{ Key: string; Value?: string }>;
  status: TrailStatus;
}

export interface TrailStatus {
  isLogging: boolean;
  startLoggingTime?: Date;
  stopLoggingTime?: Date;
  latestDeliveryTime?: Date;
  latestDeliveryAttemptTime?: Date;
  latestDeliveryAttemptSucceeded?: Date;
  latestDeliveryError?: string;
  latestDigestDeliveryTime?: Date;
  latestDigestDeliveryError?: string;
}

export const trailArn = (region: string, accountId: string, name: string): string => `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;

const ARN = /^arn:aws[\w-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

/**
 * Trail name rules (botocore CreateTrail `Name` documentation): only ASCII letters, digits, periods,
 * underscores and dashes; start and end with a letter or number; 3–128 characters; no adjacent periods,
 * underscores or dashes ("my-_namespace and my--namespace are not valid"); not an IP address.
 * Messages: moto `moto/cloudtrail/exceptions.py` for length/start/end/characters; the last two are the
 * emulator's wording.
 */
export function validateTrailName(name: unknown): string {
  if (typeof name !== 'string') throw invalidTrailName('Trail name must be a string.');
  if (name.length < 3) throw invalidTrailName(`Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`);
  if (name.length > 128) throw invalidTrailName(`Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`);
  if (!/^[A-Za-z0-9]/.test(name)) throw invalidTrailName('Trail name must starts with a letter or number.');
  if (!/[A-Za-z0-9]$/.test(name)) throw invalidTrailName('Trail name must ends with a letter or number.');
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw invalidTrailName('Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).');
  }
  if (/[._-]{2}/.test(name)) throw invalidTrailName('Trail name cannot have adjacent periods, underscores or dashes.');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) throw invalidTrailName('Trail name cannot be in IP address format.');
  return name;
}

/** A name or ARN as the caller wrote it, for operations that take `Name`/`TrailName`. */
export type TrailRef = { kind: 'arn'; arn: string; region: string; accountId: string; name: string } | { kind: 'name'; name: string };

export function parseTrailRef(v: unknown): TrailRef {
  if (typeof v !== 'string' || v === '') throw invalidTrailName('Trail name or ARN is required.');
  if (v.startsWith('arn:')) {
    const m = ARN.exec(v);
    if (!m) throw invalidArn(v);
    return { kind: 'arn', arn: v, region: m[1], accountId: m[2], name: m[3] };
  }
  return { kind: 'name', name: validateTrailName(v) };
}

/** Every trail of every account. A Region sees the trails created there and the multi-Region ("shadow") trails of the account. */
export class TrailRegistry {
  private readonly byArn = new Map<string, Trail>();

  add(t: Trail): void {
    this.byArn.set(t.arn, t);
  }

  delete(t: Trail): void {
    this.byArn.delete(t.arn);
  }

  all(): Trail[] {
    return [...this.byArn.values()];
  }

  ofAccount(accountId: string): Trail[] {
    return this.all().filter((t) => t.accountId === accountId);
  }

  /** Trails whose home is `region`, then (includeShadow) multi-Region trails homed elsewhere. */
  visibleIn(accountId: string, region: string, includeShadow = true): Trail[] {
    const own = this.ofAccount(accountId).filter((t) => t.homeRegion === region);
    const shadows = includeShadow ? this.ofAccount(accountId).filter((t) => t.homeRegion !== region && t.isMultiRegionTrail) : [];
    return [...own, ...shadows];
  }

  /** The trail a name/ARN designates for a caller in a Region, or undefined. */
  find(ref: TrailRef, accountId: string, region: string): Trail | undefined {
    if (ref.kind === 'arn') {
      const t = this.byArn.get(ref.arn);
      return t && t.accountId === accountId && (t.homeRegion === region || t.isMultiRegionTrail) ? t : undefined;
    }
    return this.visibleIn(accountId, region).find((t) => t.name === ref.name);
  }

  /**
   * Like find, but throws TrailNotFoundException. AWS names the trail by ARN in most operations and by the
   * given name in GetTrail (see errors.ts).
   */
  resolve(ref: TrailRef, accountId: string, region: string, reportAs: 'arn' | 'name' = 'arn'): Trail {
    const t = this.find(ref, accountId, region);
    if (t) return t;
    const what = ref.kind === 'arn' ? ref.arn : reportAs === 'name' ? ref.name : trailArn(region, accountId, ref.name);
    throw trailNotFound(what, accountId);
  }

  reset(): void {
    this.byArn.clear();
  }
}

export function newTrail(init: Omit<Trail, 'arn' | 'selectors' | 'hasCustomEventSelectors' | 'insightSelectors' | 'status'>): Trail {
  return {
    ...init,
    arn: trailArn(init.homeRegion, init.accountId, init.name),
    selectors: DEFAULT_SELECTORS,
    hasCustomEventSelectors: false,
    insightSelectors: [],
    status: { isLogging: false },
  };
}

/** DescribeTrails / GetTrail's `Trail` shape. */
export function describe(t: Trail): Record<string, unknown> {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicName,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    HomeRegion: t.homeRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidationEnabled,
    CloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn,
    CloudWatchLogsRoleArn: t.cloudWatchLogsRoleArn,
    KmsKeyId: t.kmsKeyId,
    HasCustomEventSelectors: t.hasCustomEventSelectors,
    HasInsightSelectors: t.insightSelectors.length > 0,
    IsOrganizationTrail: false,
  };
}

/** CreateTrail / UpdateTrail's response shape (no HomeRegion, no selector flags). */
export function created(t: Trail): Record<string, unknown> {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicName,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidationEnabled,
    CloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn,
    CloudWatchLogsRoleArn: t.cloudWatchLogsRoleArn,
    KmsKeyId: t.kmsKeyId,
    IsOrganizationTrail: false,
  };
}

/**
 * GetTrailStatus. The string-typed "attempt" members are ISO times or "" when nothing happened yet, as AWS
 * answers them (e.g. `"TimeLoggingStopped": ""` in captured get-trail-status output).
 */
export function statusOf(t: Trail): Record<string, unknown> {
  const s = t.status;
  const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
  return {
    IsLogging: s.isLogging,
    LatestDeliveryError: s.latestDeliveryError,
    LatestDeliveryTime: s.latestDeliveryTime,
    StartLoggingTime: s.startLoggingTime,
    StopLoggingTime: s.stopLoggingTime,
    LatestDigestDeliveryTime: s.latestDigestDeliveryTime,
    LatestDigestDeliveryError: s.latestDigestDeliveryError,
    LatestDeliveryAttemptTime: iso(s.latestDeliveryAttemptTime),
    LatestNotificationAttemptTime: '',
    LatestNotificationAttemptSucceeded: '',
    LatestDeliveryAttemptSucceeded: iso(s.latestDeliveryAttemptSucceeded),
    TimeLoggingStarted: iso(s.startLoggingTime),
    TimeLoggingStopped: iso(s.stopLoggingTime),
  };
}
