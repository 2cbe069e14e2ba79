import { AwsError } from '../core/errors.js';
import { requireAccess } from '../core/authorize.js';
import type { CallContext, Operation } from '../core/service.js';
import { checkTrailBucket } from './bucket-policy.js';
import {
  accessDenied, insightNotEnabled, invalidArn, invalidBucketName, invalidHomeRegion, invalidParameter, invalidParameterCombination, invalidS3Prefix,
  invalidTagParameter, kmsKeyNotFound, resourceNotFound, tagsLimitExceeded, throttled, trailAlreadyExists,
} from './errors.js';
import { lookupEvents, toDate } from './lookup.js';
import { parseInsightSelectors, parseSelectors } from './selectors.js';
import type { CloudTrailState } from './state.js';
import {
  created, describe, newTrail, parseTrailRef, statusOf, trailArn, validateTrailName, type Trail,
} from './trails.js';

/**
 * CloudTrail's API (JSON 1.1, `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*`), shapes and error
 * codes from botocore `cloudtrail/2013-11-01/service-2.json`. Every operation is authorized as
 * `cloudtrail:<Operation>` on the trail ARN (or `*` for the account-wide ones), like IAM does for CloudTrail.
 */
type Input = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown, dflt: boolean): boolean => (typeof v === 'boolean' ? v : dflt);
const opt = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const accountOf = (ctx: CallContext): string => ctx.principal.accountId;

/** CloudTrail records its own calls with camelCase parameters, e.g. `{"name": "myTrail"}` for StartLogging (CT-UG cloudtrail-event-reference). */
function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k.charAt(0).toLowerCase() + k.slice(1)] = camel(x);
    return out;
  }
  return v;
}

function note(ctx: CallContext, input: Input, output?: unknown): void {
  const params = camel(input) as Record<string, unknown>;
  // A call without parameters is recorded with `"requestParameters": null`.
  ctx.audit.requestParameters = Object.keys(params).length > 0 ? params : null;
  if (output !== undefined) ctx.audit.responseElements = camel(output) as Record<string, unknown>;
}

function authorize(ctx: CallContext, operation: string, resource: string): void {
  const action = `cloudtrail:${operation}`;
  requireAccess(ctx, { action, resource, resourceAccount: accountOf(ctx), mode: 'none' }, (message, result) =>
    // Actions without resource-level permissions are denied without an "on resource" part (captured
    // "… is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows …").
    accessDenied(resource === '*' ? `User: ${ctx.principal.arn} is not authorized to perform: ${action} ${result.decision.reason}` : message));
}

/** Write operations are only allowed in the trail's home Region (InvalidHomeRegionException). */
function inHome(t: Trail, ctx: CallContext): Trail {
  if (t.homeRegion !== ctx.region) throw invalidHomeRegion(t.homeRegion, ctx.region);
  return t;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function tagsOf(v: unknown): Array<{ Key: string; Value?: string }> {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalidTagParameter('TagsList must be a list of {Key, Value}.');
  return v.map((raw) => {
    const t = (raw ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) throw invalidTagParameter('A tag key must be 1 to 128 characters long.');
    if (t.Value !== undefined && (typeof t.Value !== 'string' || t.Value.length > 256)) throw invalidTagParameter('A tag value can be at most 256 characters long.');
    return t.Value === undefined ? { Key: t.Key } : { Key: t.Key, Value: t.Value as string };
  });
}

function mergeTags(existing: Trail['tags'], add: Trail['tags']): Trail['tags'] {
  const m = new Map(existing.map((t) => [t.Key, t]));
  for (const t of add) m.set(t.Key, t);
  if (m.size > 50) throw tagsLimitExceeded();
  return [...m.values()];
}

export function operations(s: CloudTrailState): Record<string, Operation> {
  const ops = table(s);
  // Every call's parameters are noted before it can fail, so that denied and failed calls are recorded with them.
  return Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, (input: Input, ctx: CallContext) => {
    note(ctx, input);
    return op(input, ctx);
  }]));
}

function table(s: CloudTrailState): Record<string, Operation> {
  const { emulator, trails } = s;

  const resolveKmsKey = (ctx: CallContext, keyId: string): string => {
    const arn = emulator.kms?.resolveKeyArn(accountOf(ctx), ctx.region, keyId)
      ?? (keyId.startsWith('arn:aws:kms:') ? emulator.kms?.resolveKeyArn(keyId.split(':')[4], keyId.split(':')[3], keyId) : undefined);
    if (!arn) throw kmsKeyNotFound(keyId);
    return arn;
  };

  const validateBucket = (ctx: CallContext, bucket: unknown, prefix: string | undefined, arn: string): string => {
    if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket)) throw invalidBucketName(String(bucket));
    if (prefix !== undefined && prefix.length > 200) throw invalidS3Prefix('S3KeyPrefix can be at most 200 characters long.');
    checkTrailBucket(emulator, bucket, prefix, accountOf(ctx), ctx.region, arn);
    return bucket;
  };

  /** The trail a Name/TrailName designates, authorized first (a caller without permission learns nothing about existence). */
  const trailFor = (ctx: CallContext, operation: string, ref: unknown, reportAs: 'arn' | 'name' = 'arn'): Trail => {
    const parsed = parseTrailRef(ref);
    const found = trails.find(parsed, accountOf(ctx), ctx.region);
    authorize(ctx, operation, found?.arn ?? (parsed.kind === 'arn' ? parsed.arn : trailArn(ctx.region, accountOf(ctx), parsed.name)));
    return found ?? trails.resolve(parsed, accountOf(ctx), ctx.region, reportAs);
  };

  return {
    CreateTrail(input: Input, ctx) {
      const account = accountOf(ctx);
      const name = validateTrailName(input.Name);
      const arn = trailArn(ctx.region, account, name);
      authorize(ctx, 'CreateTrail', arn);
      const multi = bool(input.IsMultiRegionTrail, false);
      if (multi && input.IncludeGlobalServiceEvents === false) {
        throw invalidParameterCombination('Multi-Region trail must include global service events.');
      }
      const clash = multi ? trails.ofAccount(account).some((t) => t.name === name) : trails.visibleIn(account, ctx.region).some((t) => t.name === name);
      if (clash) throw trailAlreadyExists(name, account);
      if (trails.ofAccount(account).filter((t) => t.homeRegion === ctx.region).length >= 5) {
        throw new AwsError('MaximumNumberOfTrailsExceededException', `User: ${account} already has 5 trails in ${ctx.region}.`);
      }
      if (bool(input.IsOrganizationTrail, false)) {
        throw new AwsError('OrganizationsNotInUseException', 'This account is not part of an organization in AWS Organizations (the emulator has no Organizations).');
      }
      const prefix = opt(input.S3KeyPrefix);
      const bucket = validateBucket(ctx, input.S3BucketName, prefix, arn);
      const kmsKeyId = opt(input.KmsKeyId) ? resolveKmsKey(ctx, input.KmsKeyId as string) : undefined;
      const tags = mergeTags([], tagsOf(input.TagsList));
      const t = newTrail({
        name, accountId: account, homeRegion: ctx.region, s3BucketName: bucket, s3KeyPrefix: prefix, snsTopicName: opt(input.SnsTopicName),
        includeGlobalServiceEvents: bool(input.IncludeGlobalServiceEvents, true), isMultiRegionTrail: multi,
        logFileValidationEnabled: bool(input.EnableLogFileValidation, false), kmsKeyId,
        cloudWatchLogsLogGroupArn: opt(input.CloudWatchLogsLogGroupArn), cloudWatchLogsRoleArn: opt(input.CloudWatchLogsRoleArn), tags,
      });
      trails.add(t);
      const out = created(t);
      note(ctx, input, out);
      return out;
    },

    UpdateTrail(input: Input, ctx) {
      const t = inHome(trailFor(ctx, 'UpdateTrail', input.Name), ctx);
      const prefix = input.S3KeyPrefix !== undefined ? opt(input.S3KeyPrefix) : t.s3KeyPrefix;
      const bucket = input.S3BucketName !== undefined ? input.S3BucketName : t.s3BucketName;
      if (input.S3BucketName !== undefined || input.S3KeyPrefix !== undefined) validateBucket(ctx, bucket, prefix, t.arn);
      if (bool(input.IsOrganizationTrail, false)) {
        throw new AwsError('OrganizationsNotInUseException', 'This account is not part of an organization in AWS Organizations (the emulator has no Organizations).');
      }
      if (input.IsMultiRegionTrail === true && !t.isMultiRegionTrail
        && trails.ofAccount(t.accountId).some((x) => x !== t && x.name === t.name)) throw trailAlreadyExists(t.name, t.accountId);
      const kmsKeyId = input.KmsKeyId === undefined ? t.kmsKeyId : opt(input.KmsKeyId) ? resolveKmsKey(ctx, input.KmsKeyId as string) : undefined;
      t.s3BucketName = bucket as string;
      t.s3KeyPrefix = prefix;
      t.kmsKeyId = kmsKeyId;
      if (input.SnsTopicName !== undefined) t.snsTopicName = opt(input.SnsTopicName);
      t.includeGlobalServiceEvents = bool(input.IncludeGlobalServiceEvents, t.includeGlobalServiceEvents);
      t.isMultiRegionTrail = bool(input.IsMultiRegionTrail, t.isMultiRegionTrail);
      if (input.CloudWatchLogsLogGroupArn !== undefined) t.cloudWatchLogsLogGroupArn = opt(input.CloudWatchLogsLogGroupArn);
      if (input.CloudWatchLogsRoleArn !== undefined) t.cloudWatchLogsRoleArn = opt(input.CloudWatchLogsRoleArn);
      const validation = bool(input.EnableLogFileValidation, t.logFileValidationEnabled);
      if (validation && !t.logFileValidationEnabled) s.delivery.restartChain(t, ctx.now);
      t.logFileValidationEnabled = validation;
      const out = created(t);
      note(ctx, input, out);
      return out;
    },

    DeleteTrail(input: Input, ctx) {
      const t = inHome(trailFor(ctx, 'DeleteTrail', input.Name), ctx);
      trails.delete(t);
      s.delivery.forget(t);
      return {};
    },

    DescribeTrails(input: Input, ctx) {
      authorize(ctx, 'DescribeTrails', '*');
      const visible = trails.visibleIn(accountOf(ctx), ctx.region, bool(input.includeShadowTrails, true));
      const names = input.trailNameList;
      if (!Array.isArray(names) || names.length === 0) return { trailList: visible.map(describe) };
      const wanted = names.map((n) => parseTrailRef(n));
      return {
        trailList: visible.filter((t) => wanted.some((w) => (w.kind === 'arn' ? w.arn === t.arn : w.name === t.name))).map(describe),
      };
    },

    GetTrail(input: Input, ctx) {
      const t = trailFor(ctx, 'GetTrail', input.Name, 'name');
      return { Trail: describe(t) };
    },

    ListTrails(input: Input, ctx) {
      authorize(ctx, 'ListTrails', '*');
      return { Trails: trails.ofAccount(accountOf(ctx)).map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion })) };
    },

    GetTrailStatus(input: Input, ctx) {
      const t = trailFor(ctx, 'GetTrailStatus', input.Name);
      return statusOf(t);
    },

    StartLogging(input: Input, ctx) {
      const t = inHome(trailFor(ctx, 'StartLogging', input.Name), ctx);
      if (!t.status.isLogging) {
        t.status.isLogging = true;
        t.status.startLoggingTime = ctx.emulator.clock();
        s.delivery.restartChain(t, t.status.startLoggingTime);
      }
      return {};
    },

    StopLogging(input: Input, ctx) {
      const t = inHome(trailFor(ctx, 'StopLogging', input.Name), ctx);
      if (t.status.isLogging) {
        t.status.isLogging = false;
        t.status.stopLoggingTime = ctx.emulator.clock();
      }
      return {};
    },

    PutEventSelectors(input: Input, ctx) {
      const t = inHome(trailFor(ctx, 'PutEventSelectors', input.TrailName), ctx);
      t.selectors = parseSelectors(input);
      t.hasCustomEventSelectors = true;
      const out = t.selectors.kind === 'basic'
        ? { TrailARN: t.arn, EventSelectors: t.selectors.selectors }
        : { TrailARN: t.arn, AdvancedEventSelectors: t.selectors.selectors };
      note(ctx, input, out);
      return out;
    },

    GetEventSelectors(input: Input, ctx) {
      const t = trailFor(ctx, 'GetEventSelectors', input.TrailName);
      return t.selectors.kind === 'basic'
        ? { TrailARN: t.arn, EventSelectors: t.selectors.selectors }
        : { TrailARN: t.arn, AdvancedEventSelectors: t.selectors.selectors };
    },

    PutInsightSelectors(input: Input, ctx) {
      if (input.EventDataStore !== undefined || input.InsightsDestination !== undefined) {
        throw invalidParameter('The emulator supports Insights on trails only, not on CloudTrail Lake event data stores.');
      }
      const t = inHome(trailFor(ctx, 'PutInsightSelectors', input.TrailName), ctx);
      t.insightSelectors = parseInsightSelectors(input.InsightSelectors);
      const out = { TrailARN: t.arn, InsightSelectors: t.insightSelectors };
      note(ctx, input, out);
      return out;
    },

    GetInsightSelectors(input: Input, ctx) {
      const t = trailFor(ctx, 'GetInsightSelectors', input.TrailName);
      // "If you run GetInsightSelectors on a trail … that does not have Insights events enabled, the operation
      // throws the exception InsightNotEnabledException" (API_GetInsightSelectors).
      if (t.insightSelectors.length === 0) throw insightNotEnabled(t.arn);
      return { TrailARN: t.arn, InsightSelectors: t.insightSelectors };
    },

    AddTags(input: Input, ctx) {
      const t = taggable(input.ResourceId, ctx);
      authorize(ctx, 'AddTags', t.arn);
      t.tags = mergeTags(t.tags, tagsOf(input.TagsList));
      return {};
    },

    RemoveTags(input: Input, ctx) {
      const t = taggable(input.ResourceId, ctx);
      authorize(ctx, 'RemoveTags', t.arn);
      const keys = new Set(tagsOf(input.TagsList).map((x) => x.Key));
      t.tags = t.tags.filter((x) => !keys.has(x.Key));
      return {};
    },

    ListTags(input: Input, ctx) {
      const ids = input.ResourceIdList;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20) throw invalidParameter('ResourceIdList must name 1 to 20 trail ARNs.');
      const list = ids.map((id) => {
        const t = taggable(id, ctx);
        authorize(ctx, 'ListTags', t.arn);
        return { ResourceId: t.arn, TagsList: t.tags };
      });
      return { ResourceTagList: list };
    },

    LookupEvents(input: Input, ctx) {
      authorize(ctx, 'LookupEvents', '*');
      if (!s.lookupLimiter.take(`${accountOf(ctx)}|${ctx.region}`)) throw throttled();
      return lookupEvents(s.events, accountOf(ctx), ctx.region, input, ctx.emulator.clock());
    },

    ListPublicKeys(input: Input, ctx) {
      authorize(ctx, 'ListPublicKeys', '*');
      const start = toDate(input.StartTime, 'StartTime');
      const end = toDate(input.EndTime, 'EndTime');
      return { PublicKeyList: s.keys.list(ctx.region, start, end) };
    },
  };

  /** Tag operations name the trail by ARN ("ResourceId … The format of a trail ARN is: arn:aws:cloudtrail:…:trail/MyTrail"). */
  function taggable(id: unknown, ctx: CallContext): Trail {
    const ref = str(id);
    if (!ref) throw invalidArn(String(id));
    const parsed = parseTrailRef(ref);
    if (parsed.kind !== 'arn') throw invalidArn(ref);
    const t = trails.find(parsed, accountOf(ctx), ctx.region) ?? trails.ofAccount(accountOf(ctx)).find((x) => x.arn === parsed.arn);
    if (!t) throw resourceNotFound(ref);
    return t;
  }
}

/** Operations that change nothing: CloudTrail readOnly = true. */
export const READ_ONLY: ReadonlySet<string> = new Set([
  'DescribeTrails', 'GetTrail', 'ListTrails', 'GetTrailStatus', 'GetEventSelectors', 'GetInsightSelectors', 'ListTags',
  'LookupEvents', 'ListPublicKeys',
]);
