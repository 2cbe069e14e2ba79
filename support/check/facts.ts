import {
  DescribeTrailsCommand, GetEventSelectorsCommand, GetInsightSelectorsCommand, GetTrailStatusCommand,
  type AdvancedEventSelector, type EventSelector,
} from '@aws-sdk/client-cloudtrail';
import { DescribeKeyCommand, GetKeyPolicyCommand, ListAliasesCommand, type AliasListEntry, type KeyMetadata } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '../cloudtrail/records.js';
import type { StudentContext } from './context.js';
import { lookupEvents, read } from './read.js';

/**
 * The facts the checks decide on, each read once per student (ctx.memo) and only with read operations.
 * A fact that does not exist is `undefined`; a fact that cannot be read throws CannotTell (read.ts).
 */

// ---- KMS ---------------------------------------------------------------------------------------------

export async function aliases(ctx: StudentContext): Promise<AliasListEntry[]> {
  return ctx.memo('aliases', async () => {
    const out: AliasListEntry[] = [];
    let marker: string | undefined;
    do {
      const page = await read(ctx, 'kms:ListAliases', () => ctx.clients.kms.send(new ListAliasesCommand({ Marker: marker, Limit: 100 })));
      out.push(...(page?.Aliases ?? []));
      marker = page?.Truncated ? page.NextMarker : undefined;
    } while (marker);
    return out;
  });
}

export interface KeyFact {
  aliasName: string;
  aliasArn?: string;
  keyId: string;
  arn: string;
  meta: KeyMetadata;
}

/** The key an alias points at (DescribeKey by the alias's target), or undefined when no alias has that name. */
export async function keyByAlias(ctx: StudentContext, aliasName: string): Promise<KeyFact | undefined> {
  return ctx.memo(`key ${aliasName}`, async () => {
    const alias = (await aliases(ctx)).find((a) => a.AliasName === aliasName);
    if (!alias?.TargetKeyId) return undefined;
    const out = await read(ctx, `kms:DescribeKey ${aliasName}`, () => ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: alias.TargetKeyId })), ['NotFoundException']);
    const meta = out?.KeyMetadata;
    if (!meta?.KeyId || !meta.Arn) return undefined;
    return { aliasName, aliasArn: alias.AliasArn, keyId: meta.KeyId, arn: meta.Arn, meta };
  });
}

/** Aliases that differ from the wanted one only in case and punctuation: "alias/my-first-key" for "alias/myFirstKey". */
export function nearMisses(all: readonly AliasListEntry[], aliasName: string): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return all.map((a) => a.AliasName ?? '').filter((n) => n !== aliasName && !n.startsWith('alias/aws/') && norm(n) === norm(aliasName));
}

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
export interface PolicyDocument { Version?: string; Id?: string; Statement: PolicyStatement[] }

export function parsePolicyDocument(text: string | undefined): PolicyDocument | undefined {
  if (!text) return undefined;
  try {
    const doc = JSON.parse(text) as { Statement?: PolicyStatement | PolicyStatement[] };
    const st = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    return { ...(doc as object), Statement: st } as PolicyDocument;
  } catch {
    return undefined;
  }
}

export async function keyPolicy(ctx: StudentContext, key: KeyFact): Promise<PolicyDocument> {
  return ctx.memo(`key policy ${key.arn}`, async () => {
    const out = await read(ctx, `kms:GetKeyPolicy ${key.aliasName} (${key.arn})`, () => ctx.clients.kms.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' })));
    const doc = parsePolicyDocument(out?.Policy);
    if (!doc) throw new Error(`kms:GetKeyPolicy of ${key.arn} returned no readable policy document`);
    return doc;
  });
}

/** CloudTrail's record of every use of the key since ctx.since (management events: kept 90 days in Event history). */
export async function keyEvents(ctx: StudentContext, key: KeyFact): Promise<CloudTrailRecord[]> {
  return ctx.memo(`key events ${key.arn}`, () => lookupEvents(ctx, { key: 'ResourceName', value: key.arn }));
}

// ---- policies ----------------------------------------------------------------------------------------

export const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function principals(s: PolicyStatement): string[] {
  if (s.Principal === '*') return ['*'];
  return list(s.Principal?.AWS);
}

export function servicePrincipals(s: PolicyStatement): string[] {
  if (s.Principal === '*') return ['*'];
  return list(s.Principal?.Service);
}

/** Whether an action pattern of a policy (kms:Put*, kms:*, *) grants `action`. */
export function grants(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action));
}

export function isAccountRoot(arn: string, accountId: string): boolean {
  return arn === `arn:aws:iam::${accountId}:root` || arn === accountId;
}

// ---- CloudTrail trails -----------------------------------------------------------------------------------

export interface TrailFact {
  name: string;
  arn: string;
  homeRegion?: string;
  bucket?: string;
  keyPrefix?: string;
  isMultiRegion: boolean;
  logFileValidation: boolean;
  kmsKeyId?: string;
  isLogging?: boolean;
  latestDeliveryError?: string;
  latestDeliveryTime?: Date;
  eventSelectors: EventSelector[];
  advancedEventSelectors: AdvancedEventSelector[];
  insightTypes: string[];
}

export async function trails(ctx: StudentContext): Promise<TrailFact[]> {
  return ctx.memo('trails', async () => {
    const ct = ctx.clients.cloudtrail;
    const list = (await read(ctx, 'cloudtrail:DescribeTrails', () => ct.send(new DescribeTrailsCommand({ includeShadowTrails: true }))))?.trailList ?? [];
    const out: TrailFact[] = [];
    for (const t of list) {
      if (!t.Name || !t.TrailARN) continue;
      const id = t.TrailARN;
      const status = await read(ctx, `cloudtrail:GetTrailStatus ${t.Name}`, () => ct.send(new GetTrailStatusCommand({ Name: id })));
      const selectors = await read(ctx, `cloudtrail:GetEventSelectors ${t.Name}`, () => ct.send(new GetEventSelectorsCommand({ TrailName: id })));
      const insights = await read(ctx, `cloudtrail:GetInsightSelectors ${t.Name}`, () => ct.send(new GetInsightSelectorsCommand({ TrailName: id })), ['InsightNotEnabledException']);
      out.push({
        name: t.Name,
        arn: t.TrailARN,
        homeRegion: t.HomeRegion,
        bucket: t.S3BucketName,
        keyPrefix: t.S3KeyPrefix || undefined,
        isMultiRegion: t.IsMultiRegionTrail === true,
        logFileValidation: t.LogFileValidationEnabled === true,
        kmsKeyId: t.KmsKeyId,
        isLogging: status?.IsLogging,
        latestDeliveryError: status?.LatestDeliveryError || undefined,
        latestDeliveryTime: status?.LatestDeliveryTime,
        eventSelectors: selectors?.EventSelectors ?? [],
        advancedEventSelectors: selectors?.AdvancedEventSelectors ?? [],
        insightTypes: (insights?.InsightSelectors ?? []).map((s) => s.InsightType ?? '').filter(Boolean),
      });
    }
    return out;
  });
}

/** Which S3 objects a trail's data event selectors log reads of: [] when none. */
export function s3DataEventScopes(t: TrailFact): string[] {
  const scopes: string[] = [];
  for (const s of t.eventSelectors) {
    if (s.ReadWriteType === 'WriteOnly') continue;
    for (const r of s.DataResources ?? []) if (r.Type === 'AWS::S3::Object') scopes.push(...(r.Values ?? []));
  }
  for (const s of t.advancedEventSelectors) {
    const fields = s.FieldSelectors ?? [];
    const eq = (f: string) => fields.find((x) => x.Field === f)?.Equals ?? [];
    if (!eq('eventCategory').includes('Data') || !eq('resources.type').includes('AWS::S3::Object')) continue;
    if (eq('readOnly').length > 0 && !eq('readOnly').includes('true')) continue;
    const arns = fields.find((x) => x.Field === 'resources.ARN');
    scopes.push(...(arns?.StartsWith ?? arns?.Equals ?? ['arn:aws:s3 (all buckets)']));
  }
  return scopes;
}

/** How well a trail does what the lab asks: the lab's trail is the best one. */
function labScore(t: TrailFact): number {
  return (t.isLogging ? 8 : 0) + (s3DataEventScopes(t).length > 0 ? 4 : 0) + (t.insightTypes.length > 0 ? 2 : 0) + (t.isMultiRegion ? 1 : 0) + (t.logFileValidation ? 1 : 0);
}

/** The trail the student made for the lab: of all trails, the one closest to what the lab asks (ties: by name). */
export async function labTrail(ctx: StudentContext): Promise<{ trail?: TrailFact; all: TrailFact[] }> {
  const all = await trails(ctx);
  const sorted = [...all].sort((a, b) => labScore(b) - labScore(a) || a.name.localeCompare(b.name));
  return { trail: sorted[0], all };
}

// ---- S3 ----------------------------------------------------------------------------------------------

export async function bucketPolicy(ctx: StudentContext, bucket: string): Promise<PolicyDocument | undefined> {
  return ctx.memo(`bucket policy ${bucket}`, async () => {
    const out = await read(ctx, `s3:GetBucketPolicy s3://${bucket}`, () => ctx.clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })), ['NoSuchBucketPolicy']);
    return parsePolicyDocument(out?.Policy);
  });
}

export interface ObjectHead {
  bucket: string;
  key: string;
  /** 'ok' with the head, 'missing' (404), 'denied' (403: no s3:GetObject, or no s3:ListBucket to tell 404). */
  status: 'ok' | 'missing' | 'denied';
  serverSideEncryption?: string;
  kmsKeyId?: string;
  lastModified?: Date;
}

export async function headObject(ctx: StudentContext, bucket: string, key: string): Promise<ObjectHead> {
  return ctx.memo(`head ${bucket}/${key}`, async () => {
    try {
      const out = await ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { bucket, key, status: 'ok' as const, serverSideEncryption: out.ServerSideEncryption, kmsKeyId: out.SSEKMSKeyId, lastModified: out.LastModified };
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
      if (status === 404) return { bucket, key, status: 'missing' as const };
      if (status === 403) return { bucket, key, status: 'denied' as const };
      throw e;
    }
  });
}

/** "arn:aws:s3:::bucket/some/key" → { bucket, key }. */
export function parseObjectArn(arn: string): { bucket: string; key: string } | undefined {
  const m = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/.exec(arn);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/** An object S3 encrypted under the key, as CloudTrail saw it: GenerateDataKey by S3 for that object. */
export interface EncryptedObject {
  bucket: string;
  key: string;
  at?: string;
  by?: string;
  eventId?: string;
}

/** The objects S3 encrypted under the key since ctx.since, newest first (from the key's GenerateDataKey events). */
export async function objectsEncryptedUnder(ctx: StudentContext, key: KeyFact): Promise<EncryptedObject[]> {
  return ctx.memo(`objects under ${key.arn}`, async () => {
    const out: EncryptedObject[] = [];
    const seen = new Set<string>();
    for (const r of await keyEvents(ctx, key)) {
      if (r.eventName !== 'GenerateDataKey' || r.errorCode) continue;
      const context = (r.requestParameters?.encryptionContext ?? {}) as Record<string, unknown>;
      const arn = typeof context['aws:s3:arn'] === 'string' ? context['aws:s3:arn'] : undefined;
      const obj = arn ? parseObjectArn(arn) : undefined;
      if (!obj || seen.has(`${obj.bucket}/${obj.key}`)) continue;
      seen.add(`${obj.bucket}/${obj.key}`);
      out.push({ ...obj, at: r.eventTime, by: r.userIdentity?.arn ?? r.userIdentity?.type, eventId: r.eventID });
    }
    return out;
  });
}
