import { DeleteTrailCommand, ListTagsCommand, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import {
  DeleteAccessKeyCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DeleteUserCommand, DeleteUserPolicyCommand,
  DetachRolePolicyCommand, DetachUserPolicyCommand, ListAccessKeysCommand, ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand, ListRolePoliciesCommand, ListRolesCommand, ListRoleTagsCommand, ListUserPoliciesCommand,
  ListUsersCommand, ListUserTagsCommand, type ListRolesCommandOutput, type ListUsersCommandOutput, type Tag as IamTag,
} from '@aws-sdk/client-iam';
import { DeleteAliasCommand, DescribeKeyCommand, ListAliasesCommand, type ListAliasesCommandOutput, ListKeysCommand, ListResourceTagsCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { GetBucketTaggingCommand, ListBucketsCommand, type ListBucketsCommandOutput } from '@aws-sdk/client-s3';
import type { AwsClients } from '../clients.js';
import { emptyAndDelete } from '../lab/s3.js';
import { errorCode } from '../retry.js';
import { isGone, leftovers, RUN_ID_TAG, type CleanupResult, type ResourceLogEntry } from '../resources.js';

export { parseAge } from './age.js';

/**
 * `kms-lab cleanup`: finds what kms-lab runs left behind in the caller's account and region — only resources
 * tagged kms-lab:run-id, and only the selected run's (or runs older than a cut-off) — and deletes them.
 * A resource without the tag, or with another run's id, is never selected.
 */

export type FoundKind = 'CloudTrail trail' | 'KMS alias' | 'KMS key' | 'S3 bucket' | 'IAM role' | 'IAM user';

export interface Found {
  kind: FoundKind;
  /** Trail ARN, alias name, key ARN, bucket name, role name, user name. */
  id: string;
  /** The run it belongs to: its kms-lab:run-id tag (an alias: its key's). */
  runId: string;
  /** Why it was selected when not by its own tag. */
  note?: string;
}

/** Exactly one of runId or olderThanMs. */
export interface Selector {
  runId?: string;
  /** Runs that started more than this long before `now` (a run id starts with its start time, yymmddThhmm UTC). */
  olderThanMs?: number;
  now?: Date;
}

/** The time a run id was made (support/parameters.ts newRunId), or undefined when it is not one of ours. */
export function runIdTime(runId: string): Date | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})t(\d{2})(\d{2})-[0-9a-f]{4}$/.exec(runId);
  if (!m) return undefined;
  const [, yy, mo, dd, hh, mi] = m.map(Number) as [number, number, number, number, number, number];
  const d = new Date(Date.UTC(2000 + yy, mo - 1, dd, hh, mi));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Does a kms-lab:run-id tag value (undefined = no tag) fall under the selector? No tag never does. */
export function selects(sel: Selector, tagValue: string | undefined): boolean {
  if (!tagValue) return false;
  if (sel.runId !== undefined) return tagValue === sel.runId;
  if (sel.olderThanMs !== undefined) {
    const started = runIdTime(tagValue);
    return started !== undefined && (sel.now ?? new Date()).getTime() - started.getTime() > sel.olderThanMs;
  }
  return false;
}

export interface Discovery {
  found: Found[];
  /** Things that could not be inspected (no permission, another region) and were therefore left alone. */
  skipped: { resource: string; reason: string }[];
}

const DELETE_ORDER: FoundKind[] = ['CloudTrail trail', 'KMS alias', 'KMS key', 'S3 bucket', 'IAM role', 'IAM user'];

/**
 * Everything in the caller's account (and the clients' region, for KMS and CloudTrail) the selector picks, in
 * the order it must be deleted. `recorded` (a run's created-resources.ndjson) adds one thing tags cannot show:
 * a bucket of that run that exists without any tag (the run stopped between CreateBucket and PutBucketTagging).
 */
export async function discover(clients: AwsClients, sel: Selector, recorded: readonly ResourceLogEntry[] = []): Promise<Discovery> {
  const found: Found[] = [];
  const skipped: Discovery['skipped'] = [];
  const skip = (resource: string, e: unknown) => skipped.push({ resource, reason: `${errorCode(e) || 'Error'}: ${(e as Error).message}` });

  // CloudTrail
  let nextToken: string | undefined;
  do {
    const page = await clients.cloudtrail.send(new ListTrailsCommand({ NextToken: nextToken }));
    for (const t of page.Trails ?? []) {
      if (!t.TrailARN) continue;
      try {
        const tags = (await clients.cloudtrail.send(new ListTagsCommand({ ResourceIdList: [t.TrailARN] }))).ResourceTagList?.[0]?.TagsList ?? [];
        const v = tags.find((x) => x.Key === RUN_ID_TAG)?.Value;
        if (selects(sel, v)) found.push({ kind: 'CloudTrail trail', id: t.TrailARN, runId: v! });
      } catch (e) {
        skip(`CloudTrail trail ${t.TrailARN}`, e);
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);

  // KMS keys, then the aliases that point at a selected key (aliases cannot carry tags)
  const keys = new Map<string, Found>();
  let marker: string | undefined;
  do {
    const page = await clients.kms.send(new ListKeysCommand({ Marker: marker }));
    for (const k of page.Keys ?? []) {
      if (!k.KeyId) continue;
      const label = `KMS key ${k.KeyArn ?? k.KeyId}`;
      try {
        const tags = (await clients.kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags ?? [];
        const v = tags.find((x) => x.TagKey === RUN_ID_TAG)?.TagValue;
        if (!selects(sel, v)) continue;
        const meta = (await clients.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata;
        if (meta?.KeyManager === 'AWS' || meta?.KeyState === 'PendingDeletion') continue;
        const f: Found = { kind: 'KMS key', id: meta?.Arn ?? k.KeyArn ?? k.KeyId, runId: v! };
        keys.set(k.KeyId, f);
        found.push(f);
      } catch (e) {
        skip(label, e);
      }
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  marker = undefined;
  do {
    const page: ListAliasesCommandOutput = await clients.kms.send(new ListAliasesCommand({ Marker: marker }));
    for (const a of page.Aliases ?? []) {
      const key = a.TargetKeyId ? keys.get(a.TargetKeyId) : undefined;
      if (key && a.AliasName) found.push({ kind: 'KMS alias', id: a.AliasName, runId: key.runId, note: `points at ${key.id}` });
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);

  // S3
  const recordedBuckets = new Set(leftovers(recorded).filter((r) => r.kind === 'S3 bucket' && sel.runId !== undefined && r.runId === sel.runId).map((r) => r.id));
  let token: string | undefined;
  do {
    const page: ListBucketsCommandOutput = await clients.s3.send(new ListBucketsCommand({ ContinuationToken: token }));
    for (const b of page.Buckets ?? []) {
      if (!b.Name) continue;
      try {
        const tags = (await clients.s3.send(new GetBucketTaggingCommand({ Bucket: b.Name }))).TagSet ?? [];
        const v = tags.find((x) => x.Key === RUN_ID_TAG)?.Value;
        if (selects(sel, v)) found.push({ kind: 'S3 bucket', id: b.Name, runId: v! });
      } catch (e) {
        if (errorCode(e) === 'NoSuchTagSet') {
          // Untagged: only a bucket this very run recorded creating, whose name carries the run id, is its own.
          if (recordedBuckets.has(b.Name) && b.Name.includes(sel.runId!)) {
            found.push({ kind: 'S3 bucket', id: b.Name, runId: sel.runId!, note: 'untagged, but recorded as created by this run (it stopped before tagging it)' });
          }
        } else {
          skip(`S3 bucket ${b.Name}`, e);
        }
      }
    }
    token = page.ContinuationToken;
  } while (token);

  // IAM (global)
  const tagOf = (tags: IamTag[] | undefined) => tags?.find((x) => x.Key === RUN_ID_TAG)?.Value;
  marker = undefined;
  do {
    const page: ListRolesCommandOutput = await clients.iam.send(new ListRolesCommand({ Marker: marker }));
    for (const r of page.Roles ?? []) {
      if (!r.RoleName) continue;
      try {
        const v = tagOf((await clients.iam.send(new ListRoleTagsCommand({ RoleName: r.RoleName }))).Tags);
        if (selects(sel, v)) found.push({ kind: 'IAM role', id: r.RoleName, runId: v! });
      } catch (e) {
        skip(`IAM role ${r.RoleName}`, e);
      }
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  marker = undefined;
  do {
    const page: ListUsersCommandOutput = await clients.iam.send(new ListUsersCommand({ Marker: marker }));
    for (const u of page.Users ?? []) {
      if (!u.UserName) continue;
      try {
        const v = tagOf((await clients.iam.send(new ListUserTagsCommand({ UserName: u.UserName }))).Tags);
        if (selects(sel, v)) found.push({ kind: 'IAM user', id: u.UserName, runId: v! });
      } catch (e) {
        skip(`IAM user ${u.UserName}`, e);
      }
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);

  found.sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind));
  return { found, skipped };
}

/** Deletes what discover() found, in its order; one failure does not stop the rest. KMS keys: 7-day deletion. */
export async function removeFound(clients: AwsClients, found: readonly Found[]): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], failed: [] };
  for (const f of found) {
    const label = `${f.kind} ${f.id}`;
    try {
      await remove(clients, f);
      result.removed.push(label);
    } catch (e) {
      if (isGone(e)) result.removed.push(label);
      else result.failed.push({ resource: label, error: `${errorCode(e)}: ${(e as Error).message}` });
    }
  }
  return result;
}

async function remove(c: AwsClients, f: Found): Promise<void> {
  switch (f.kind) {
    case 'CloudTrail trail':
      await c.cloudtrail.send(new DeleteTrailCommand({ Name: f.id }));
      return;
    case 'KMS alias':
      await c.kms.send(new DeleteAliasCommand({ AliasName: f.id }));
      return;
    case 'KMS key':
      await c.kms.send(new ScheduleKeyDeletionCommand({ KeyId: f.id, PendingWindowInDays: 7 }));
      return;
    case 'S3 bucket':
      await emptyAndDelete(c.s3, f.id);
      return;
    case 'IAM role': {
      const RoleName = f.id;
      for (const PolicyName of (await c.iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames ?? []) await c.iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
      for (const p of (await c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies ?? []) await c.iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn }));
      await c.iam.send(new DeleteRoleCommand({ RoleName }));
      return;
    }
    case 'IAM user': {
      const UserName = f.id;
      for (const k of (await c.iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? []) await c.iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId }));
      for (const PolicyName of (await c.iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames ?? []) await c.iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName }));
      for (const p of (await c.iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies ?? []) await c.iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: p.PolicyArn }));
      await c.iam.send(new DeleteUserCommand({ UserName }));
      return;
    }
  }
}

/** Reads a run's created-resources.ndjson; a missing file is an empty record, a torn last line (a kill mid-write) is skipped. */
export function parseResourceLog(text: string): ResourceLogEntry[] {
  const out: ResourceLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as ResourceLogEntry;
      if ((e.event === 'created' || e.event === 'removed') && typeof e.kind === 'string' && typeof e.id === 'string') out.push(e);
    } catch {
      // a line cut short by a kill
    }
  }
  return out;
}
