import { createHash } from 'node:crypto';
import { checkAccess } from '../core/authorize.js';
import type { CallContext } from '../core/service.js';
import type { ContextValue, PolicyDocument, Statement } from '../policy/types.js';
import { accessDenied } from './errors.js';
import type { Acl, Bucket, Grant, S3Object } from './state.js';

/**
 * Who may do what to a bucket or an object: the policy engine (identity policies + bucket policy,
 * explicit deny first, same- vs cross-account), then ACL grants where ACLs are enabled, then S3 Block
 * Public Access's RestrictPublicBuckets.
 */

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

/** An account's canonical user id: 64 hex characters, stable per account (S3 API reference, Owner). */
export const canonicalIdOf = (accountId: string): string => createHash('sha256').update(`kms-lab canonical user ${accountId}`).digest('hex');

export interface Check {
  bucket?: Bucket;
  /** 's3:GetObject' */
  action: string;
  /** 'arn:aws:s3:::bucket/key' */
  resource: string;
  /** S3 condition keys (s3:x-amz-acl, s3:x-amz-server-side-encryption, s3:prefix …). */
  context?: Record<string, ContextValue | undefined>;
  /** The object whose ACL may grant (object-level actions). */
  object?: S3Object;
}

export function parseStoredPolicy(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as PolicyDocument;
  } catch {
    return undefined;
  }
}

/** Whether the caller may perform the action; the reason text is S3's when it may not. */
export function decide(ctx: CallContext, c: Check): { allowed: true } | { allowed: false; message: string } {
  const p = ctx.principal;
  const owner = c.bucket?.ownerAccountId ?? (p.kind === 'anonymous' || p.kind === 'service' ? '' : p.accountId);
  const { request, decision } = checkAccess(ctx, {
    action: c.action,
    resource: c.resource,
    resourceAccount: owner,
    resourcePolicy: parseStoredPolicy(c.bucket?.policy),
    mode: 'standard',
    context: { 's3:authType': authType(ctx), 's3:signatureversion': p.kind === 'anonymous' ? undefined : 'AWS4-HMAC-SHA256', ...c.context },
  });
  let allowed = decision.allowed;
  if (!allowed && decision.effect === 'ImplicitDeny' && c.bucket && aclGrants(ctx, c)) allowed = true;
  // RestrictPublicBuckets: with a public policy, "only AWS service principals and authorized users within the
  // bucket owner's account" get in (S3 API reference, PublicAccessBlockConfiguration).
  if (allowed && c.bucket?.publicAccessBlock?.RestrictPublicBuckets && isPublicPolicy(parseStoredPolicy(c.bucket.policy))) {
    if (p.kind !== 'service' && p.accountId !== c.bucket.ownerAccountId) allowed = false;
  }
  if (allowed) return { allowed: true };
  // "Enhanced access denied messages are returned only for same-account requests … Cross-account requests
  // … return a generic Access Denied message" (S3-UG troubleshoot-403-errors); the anonymous caller too
  // (the lab's trail: errorMessage "Access Denied"). S3 quotes the resource, unlike IAM:
  // `… on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action`.
  if (p.kind === 'anonymous' || p.kind === 'service' || p.accountId !== owner || decision.allowed) return { allowed: false, message: 'Access Denied' };
  return {
    allowed: false,
    message: `User: ${request.principal.arn} is not authorized to perform: ${c.action} on resource: "${c.resource}" ${decision.reason}`,
  };
}

export function authorize(ctx: CallContext, c: Check): void {
  const d = decide(ctx, c);
  if (!d.allowed) throw accessDenied(d.message);
}

export const mayDo = (ctx: CallContext, c: Check): boolean => decide(ctx, c).allowed;

/** s3:authType: REST-HEADER, REST-QUERY-STRING or POST (S3 condition keys reference). */
function authType(ctx: CallContext): string | undefined {
  if (ctx.principal.kind === 'anonymous') return undefined;
  const auth = ctx.headers['authorization'];
  return auth === undefined ? 'REST-QUERY-STRING' : 'REST-HEADER';
}

// ---- ACLs -------------------------------------------------------------------------------------

/** Canned ACLs (S3-UG acl-overview "Canned ACL"). */
export const CANNED_ACLS = [
  'private', 'public-read', 'public-read-write', 'aws-exec-read', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write',
] as const;

export function cannedAcl(name: string, ownerId: string, bucketOwnerId: string): Acl {
  const grants: Grant[] = [{ grantee: { type: 'CanonicalUser', id: ownerId }, permission: 'FULL_CONTROL' }];
  const group = (uri: string, permission: Grant['permission']) => grants.push({ grantee: { type: 'Group', uri }, permission });
  switch (name) {
    case 'public-read':
      group(ALL_USERS, 'READ');
      break;
    case 'public-read-write':
      group(ALL_USERS, 'READ');
      group(ALL_USERS, 'WRITE');
      break;
    case 'authenticated-read':
      group(AUTHENTICATED_USERS, 'READ');
      break;
    case 'bucket-owner-read':
      if (bucketOwnerId !== ownerId) grants.push({ grantee: { type: 'CanonicalUser', id: bucketOwnerId }, permission: 'READ' });
      break;
    case 'bucket-owner-full-control':
      if (bucketOwnerId !== ownerId) grants.push({ grantee: { type: 'CanonicalUser', id: bucketOwnerId }, permission: 'FULL_CONTROL' });
      break;
    case 'log-delivery-write':
      group(LOG_DELIVERY, 'WRITE');
      group(LOG_DELIVERY, 'READ_ACP');
      break;
  }
  return { ownerId, grants };
}

export const isPublicAcl = (acl: Acl): boolean =>
  acl.grants.some((g) => g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS));

/** Which S3 actions each ACL permission allows (S3-UG acl-overview "Mapping of ACL permissions and access policy permissions"). */
const BUCKET_PERMISSIONS: Record<Grant['permission'], readonly string[]> = {
  READ: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'],
  WRITE: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
  READ_ACP: ['s3:GetBucketAcl'],
  WRITE_ACP: ['s3:PutBucketAcl'],
  FULL_CONTROL: [],
};
const OBJECT_PERMISSIONS: Record<Grant['permission'], readonly string[]> = {
  READ: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectTagging'],
  WRITE: [],
  READ_ACP: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  WRITE_ACP: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
  FULL_CONTROL: [],
};
const ALL_BUCKET = new Set(Object.values(BUCKET_PERMISSIONS).flat());
const ALL_OBJECT = new Set(Object.values(OBJECT_PERMISSIONS).flat());

function aclGrants(ctx: CallContext, c: Check): boolean {
  const bucket = c.bucket!;
  // Object Ownership "Bucket owner enforced": "ACLs are disabled and no longer affect permissions" (S3-UG about-object-ownership).
  if (bucket.objectOwnership === 'BucketOwnerEnforced') return false;
  const ignorePublic = bucket.publicAccessBlock?.IgnorePublicAcls === true;
  const p = ctx.principal;
  const matches = (g: Grant): boolean => {
    if (g.grantee.type === 'Group') {
      if (ignorePublic && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS)) return false;
      if (g.grantee.uri === ALL_USERS) return true;
      if (g.grantee.uri === AUTHENTICATED_USERS) return p.kind !== 'anonymous';
      return false;
    }
    // A grant to an account's canonical id is that account's grant (its root; IAM users need IAM too, not modelled).
    return p.kind === 'root' && g.grantee.id === canonicalIdOf(p.accountId);
  };
  const permits = (acl: Acl | undefined, table: Record<Grant['permission'], readonly string[]>, all: Set<string>): boolean =>
    (acl?.grants ?? []).some((g) => matches(g) && (g.permission === 'FULL_CONTROL' ? all.has(c.action) : table[g.permission].includes(c.action)));
  return permits(bucket.acl, BUCKET_PERMISSIONS, ALL_BUCKET) || (c.object !== undefined && permits(c.object.acl, OBJECT_PERMISSIONS, ALL_OBJECT));
}

// ---- "public" ------------------------------------------------------------------------------------

/**
 * S3's meaning of "public" for a bucket policy (S3 API reference, PublicAccessBlockConfiguration; S3-UG
 * access-control-block-public-access "The meaning of public"): a policy is public unless each Allow
 * statement is limited to a fixed principal, or by a condition with fixed values on one of these keys,
 * or to a set of CIDRs with aws:SourceIp.
 */
const FIXING_KEYS = new Set([
  'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceowner', 'aws:sourceaccount', 's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid', 'aws:principalorgid', 's3:dataaccesspointarn', 's3:dataaccesspointaccount', 'aws:sourceip',
]);
const FIXED_OPERATORS = /^(stringequals|stringequalsignorecase|arnequals|arnlike|stringlike|ipaddress)$/i;

export function isPublicPolicy(doc: PolicyDocument | undefined): boolean {
  if (!doc) return false;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((s) => s && s.Effect === 'Allow' && wildcardPrincipal(s) && !fixedByCondition(s));
}

function wildcardPrincipal(s: Statement): boolean {
  if (s.NotPrincipal !== undefined) return true;
  const p = s.Principal;
  if (p === undefined) return false;
  if (p === '*') return true;
  const aws = p.AWS;
  const values = aws === undefined ? [] : Array.isArray(aws) ? aws : [aws];
  return values.includes('*');
}

function fixedByCondition(s: Statement): boolean {
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    if (!FIXED_OPERATORS.test(operator)) continue;
    for (const [key, raw] of Object.entries(keys ?? {})) {
      const k = key.toLowerCase();
      if (!FIXING_KEYS.has(k)) continue;
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      if (values.length === 0) continue;
      if (k === 'aws:sourceip') {
        // A CIDR set is a limit; 0.0.0.0/0 (or anything wider than /8) is everyone.
        if (values.every((v) => Number(v.split('/')[1] ?? 32) >= 8)) return true;
        continue;
      }
      if (k === 'aws:userid' && values.some((v) => /:\*$/.test(v))) continue;
      if (values.every((v) => !/[*?]/.test(v))) return true;
    }
  }
  return false;
}
