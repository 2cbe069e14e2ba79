import { AwsError } from '../core/errors.js';
import {
  ALL_USERS, AUTHENTICATED_USERS, authorize, canonicalIdOf, cannedAcl, CANNED_ACLS, isPublicAcl, isPublicPolicy, LOG_DELIVERY, parseStoredPolicy,
} from './access.js';
import { empty, requireBucket, xml, type S3Call } from './call.js';
import { accessDenied, aclNotSupported, invalidArgument, invalidRequest, malformedXml } from './errors.js';
import { checkBucketPolicy } from './policy.js';
import { header } from './router.js';
import { bucketArn } from './sse.js';
import { DEFAULT_ENCRYPTION, type Acl, type Bucket, type BucketEncryption, type Grant, type ObjectOwnership } from './state.js';
import { parseTagging, taggingXml } from './tags.js';
import { child, many, parseXmlBody, text, type XmlNode } from './xmlbody.js';

/**
 * Bucket sub-resources: policy, policyStatus, publicAccessBlock, encryption, versioning, acl, tagging,
 * ownershipControls. Shapes and errors: LS-SNAP test_s3_api.snapshot.json (TestS3BucketPolicy,
 * TestS3PublicAccessBlock, TestS3BucketEncryption, TestS3BucketVersioning, TestS3BucketTagging,
 * test_s3_bucket_acl_exceptions, TestS3BucketOwnershipControls).
 */

const arn = (b: Bucket) => bucketArn(b.name);

function guarded(call: S3Call, action: string): Bucket {
  const bucket = requireBucket(call);
  authorize(call.ctx, { bucket, action, resource: arn(bucket) });
  return bucket;
}

/**
 * "The root principal in the bucket owner's account can perform the GetBucketPolicy, PutBucketPolicy, and
 * DeleteBucketPolicy API actions, even if their bucket policy explicitly denies the root principal's access"
 * (S3 API reference, PutBucketPolicy) — so a bad policy can always be repaired.
 */
function policyGuarded(call: S3Call, action: string): Bucket {
  const bucket = requireBucket(call);
  const p = call.ctx.principal;
  if (!(p.kind === 'root' && p.accountId === bucket.ownerAccountId)) authorize(call.ctx, { bucket, action, resource: arn(bucket) });
  return bucket;
}

// ---- policy -----------------------------------------------------------------------------------

export async function putBucketPolicy(call: S3Call) {
  const bucket = policyGuarded(call, 's3:PutBucketPolicy');
  const text = call.req.body.toString('utf8');
  await checkBucketPolicy(call.ctx, bucket.name, text);
  // BlockPublicPolicy: "reject calls to PUT Bucket policy if the specified bucket policy allows public access"
  // (S3 API reference). AWS's message, as printed by the AWS CLI and Terraform (e.g. hashicorp/terraform
  // user reports): `User: <arn> is not authorized to perform: s3:PutBucketPolicy on resource:
  // "arn:aws:s3:::<bucket>" because public policies are blocked by the BlockPublicPolicy block public access setting.`
  if (bucket.publicAccessBlock?.BlockPublicPolicy && isPublicPolicy(parseStoredPolicy(text))) {
    throw accessDenied(
      `User: ${call.ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "${arn(bucket)}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
    );
  }
  bucket.policy = text;
  return empty(204);
}

const noSuchPolicy = (b: Bucket) => new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: b.name });

export function getBucketPolicy(call: S3Call) {
  const bucket = policyGuarded(call, 's3:GetBucketPolicy');
  if (bucket.policy === undefined) throw noSuchPolicy(bucket);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: bucket.policy };
}

export function deleteBucketPolicy(call: S3Call) {
  const bucket = policyGuarded(call, 's3:DeleteBucketPolicy');
  delete bucket.policy;
  return empty(204);
}

/** GetBucketPolicyStatus: <PolicyStatus><IsPublic>…</IsPublic></PolicyStatus> (S3 API reference). */
export function getBucketPolicyStatus(call: S3Call) {
  const bucket = guarded(call, 's3:GetBucketPolicyStatus');
  if (bucket.policy === undefined) throw noSuchPolicy(bucket);
  return xml('PolicyStatus', { IsPublic: isPublicPolicy(parseStoredPolicy(bucket.policy)) });
}

// ---- public access block --------------------------------------------------------------------------

const PAB_FIELDS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

export function putPublicAccessBlock(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketPublicAccessBlock');
  const config = child(parseXmlBody(call.req.body), 'PublicAccessBlockConfiguration');
  if (!config) throw malformedXml();
  const flags = Object.fromEntries(
    PAB_FIELDS.map((f) => {
      const v = text(config, f);
      if (v !== undefined && v !== 'true' && v !== 'false') throw malformedXml();
      return [f, v === 'true'];
    }),
  ) as Record<(typeof PAB_FIELDS)[number], boolean>;
  bucket.publicAccessBlock = flags;
  return empty(200);
}

export function getPublicAccessBlock(call: S3Call) {
  const bucket = guarded(call, 's3:GetBucketPublicAccessBlock');
  const pab = bucket.publicAccessBlock;
  if (!pab) {
    throw new AwsError('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', 404, { BucketName: bucket.name });
  }
  return xml('PublicAccessBlockConfiguration', { ...pab });
}

export function deletePublicAccessBlock(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketPublicAccessBlock');
  delete bucket.publicAccessBlock;
  return empty(204);
}

// ---- default encryption -----------------------------------------------------------------------------

export function putBucketEncryption(call: S3Call) {
  const bucket = guarded(call, 's3:PutEncryptionConfiguration');
  const config = child(parseXmlBody(call.req.body), 'ServerSideEncryptionConfiguration');
  const rules = many(config?.Rule);
  // LS-SNAP test_s3_default_bucket_encryption_exc: no rule or two rules → MalformedXML.
  if (!config || rules.length !== 1) throw malformedXml();
  const rule = rules[0] as XmlNode;
  const byDefault = child(rule, 'ApplyServerSideEncryptionByDefault');
  const algorithm = text(byDefault, 'SSEAlgorithm');
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') throw malformedXml();
  const keyId = text(byDefault, 'KMSMasterKeyID');
  if (keyId !== undefined && algorithm === 'AES256') {
    throw invalidArgument('a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', 'ApplyServerSideEncryptionByDefault');
  }
  const encryption: BucketEncryption = { algorithm, bucketKeyEnabled: text(rule, 'BucketKeyEnabled') === 'true' };
  if (keyId) encryption.kmsKeyId = keyId;
  bucket.encryption = encryption;
  return empty(200);
}

/** Every bucket has default encryption since 2023-01-05: absent a rule, SSE-S3 with BucketKeyEnabled false (LS-SNAP). */
export function getBucketEncryption(call: S3Call) {
  const bucket = guarded(call, 's3:GetEncryptionConfiguration');
  const e = bucket.encryption;
  return xml('ServerSideEncryptionConfiguration', {
    Rule: {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: e.algorithm, KMSMasterKeyID: e.kmsKeyId },
      BucketKeyEnabled: e.bucketKeyEnabled,
    },
  });
}

export function deleteBucketEncryption(call: S3Call) {
  const bucket = guarded(call, 's3:PutEncryptionConfiguration');
  bucket.encryption = { ...DEFAULT_ENCRYPTION };
  return empty(204);
}

// ---- versioning -------------------------------------------------------------------------------------

export function putBucketVersioning(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketVersioning');
  const config = child(parseXmlBody(call.req.body), 'VersioningConfiguration');
  if (!config) throw malformedXml();
  const status = text(config, 'Status');
  // LS-SNAP test_bucket_versioning_crud
  if (status === undefined) throw new AwsError('IllegalVersioningConfigurationException', 'The Versioning element must be specified', 400);
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  bucket.versioning = status;
  return empty(200);
}

export function getBucketVersioning(call: S3Call) {
  const bucket = guarded(call, 's3:GetBucketVersioning');
  return xml('VersioningConfiguration', { Status: bucket.versioning });
}

// ---- ACLs -------------------------------------------------------------------------------------------

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export function aclXml(acl: Acl) {
  return {
    Owner: { ID: acl.ownerId },
    AccessControlList: {
      Grant: acl.grants.map((g) => ({
        Grantee:
          g.grantee.type === 'CanonicalUser'
            ? { '@_xmlns:xsi': XSI, '@_xsi:type': 'CanonicalUser', ID: g.grantee.id }
            : { '@_xmlns:xsi': XSI, '@_xsi:type': 'Group', URI: g.grantee.uri },
        Permission: g.permission,
      })),
    },
  };
}

const GRANT_HEADERS: Record<string, Grant['permission']> = {
  'x-amz-grant-full-control': 'FULL_CONTROL',
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
};
const GROUPS = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);
const PERMISSIONS = new Set(['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP']);

/**
 * The ACL a PutBucketAcl/PutObjectAcl request asks for: a canned x-amz-acl, x-amz-grant-* headers or an
 * AccessControlPolicy body. Errors: LS-SNAP test_s3_bucket_acl_exceptions.
 */
export function requestedAcl(call: S3Call, ownerId: string, bucketOwnerId: string): Acl {
  const h = call.req.headers;
  const canned = header(h, 'x-amz-acl');
  const grantHeaders = Object.keys(GRANT_HEADERS).filter((k) => header(h, k) !== undefined);
  const hasBody = call.req.body.length > 0;
  if (canned !== undefined && grantHeaders.length > 0) throw invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  if ((canned !== undefined || grantHeaders.length > 0) && hasBody) throw new AwsError('UnexpectedContent', 'This request does not support content', 400);
  if (canned !== undefined) {
    if (!(CANNED_ACLS as readonly string[]).includes(canned)) throw invalidArgument('', 'x-amz-acl', canned);
    return cannedAcl(canned, ownerId, bucketOwnerId);
  }
  if (grantHeaders.length > 0) {
    const grants: Grant[] = [];
    for (const name of grantHeaders) {
      const value = header(h, name)!;
      for (const part of value.split(',')) {
        const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
        if (!m) throw invalidArgument('Argument format not recognized', name, value);
        grants.push({ grantee: grantee(m[1]!, m[2]!), permission: GRANT_HEADERS[name]! });
      }
    }
    return { ownerId, grants };
  }
  if (!hasBody) throw new AwsError('MissingSecurityHeader', 'Your request was missing a required header', 400, { MissingHeaderName: 'x-amz-acl' });
  const malformedAcl = () =>
    new AwsError('MalformedACLError', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
  let doc: XmlNode | undefined;
  try {
    doc = parseXmlBody(call.req.body);
  } catch {
    throw malformedAcl();
  }
  const policy = child(doc, 'AccessControlPolicy');
  const list = child(policy, 'AccessControlList');
  if (!policy || !list || !text(child(policy, 'Owner'), 'ID')) throw malformedAcl();
  const grants = many(list.Grant).map((g) => {
    const who = child(g, 'Grantee');
    const permission = text(g, 'Permission');
    if (!who || !permission || !PERMISSIONS.has(permission)) throw malformedAcl();
    const id = text(who, 'ID');
    const uri = text(who, 'URI');
    if (id !== undefined) return { grantee: grantee('id', id), permission: permission as Grant['permission'] };
    if (uri !== undefined) return { grantee: grantee('uri', uri), permission: permission as Grant['permission'] };
    throw malformedAcl();
  });
  return { ownerId, grants };
}

function grantee(kind: string, value: string): Grant['grantee'] {
  if (kind === 'uri') {
    if (!GROUPS.has(value)) throw invalidArgument('Invalid group uri', 'uri', value);
    return { type: 'Group', uri: value };
  }
  if (kind === 'id') {
    if (!/^[0-9a-f]{64}$/.test(value)) throw invalidArgument('Invalid id', 'id', value);
    return { type: 'CanonicalUser', id: value };
  }
  // Grants by e-mail address are only accepted in a few legacy regions; treat the address as unknown.
  throw invalidArgument('Invalid id', 'emailAddress', value);
}

/**
 * With ACLs disabled (BucketOwnerEnforced) only ACLs that give the owner full control and nothing else
 * are accepted (S3-UG about-object-ownership: "bucket-owner-full-control … private" keep working);
 * with BlockPublicAcls a public ACL is refused ("PUT Bucket ACL and PUT Object ACL calls fail if the
 * specified ACL is public", S3 API reference PublicAccessBlockConfiguration).
 */
export function admitAcl(bucket: Bucket, acl: Acl): void {
  if (bucket.objectOwnership === 'BucketOwnerEnforced') {
    const ownerOnly = acl.grants.every(
      (g) => g.grantee.type === 'CanonicalUser' && g.permission === 'FULL_CONTROL' && (g.grantee.id === acl.ownerId || g.grantee.id === canonicalIdOf(bucket.ownerAccountId)),
    );
    if (!ownerOnly) throw aclNotSupported();
  }
  if (bucket.publicAccessBlock?.BlockPublicAcls && isPublicAcl(acl)) throw accessDenied();
}

export function putBucketAcl(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketAcl');
  const acl = requestedAcl(call, bucket.acl.ownerId, bucket.acl.ownerId);
  admitAcl(bucket, acl);
  bucket.acl = acl;
  return empty(200);
}

export function getBucketAcl(call: S3Call) {
  const bucket = guarded(call, 's3:GetBucketAcl');
  return xml('AccessControlPolicy', aclXml(bucket.acl));
}

// ---- tagging ----------------------------------------------------------------------------------------

export function putBucketTagging(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketTagging');
  bucket.tags = parseTagging(parseXmlBody(call.req.body), 'bucket');
  return empty(204);
}

export function getBucketTagging(call: S3Call) {
  const bucket = guarded(call, 's3:GetBucketTagging');
  if (!bucket.tags || bucket.tags.length === 0) throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: bucket.name });
  return xml('Tagging', taggingXml(bucket.tags));
}

export function deleteBucketTagging(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketTagging');
  delete bucket.tags;
  return empty(204);
}

// ---- ownership controls -------------------------------------------------------------------------------

export function putBucketOwnershipControls(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketOwnershipControls');
  const rule = child(child(parseXmlBody(call.req.body), 'OwnershipControls'), 'Rule');
  const value = text(rule, 'ObjectOwnership');
  if (value !== 'BucketOwnerEnforced' && value !== 'BucketOwnerPreferred' && value !== 'ObjectWriter') throw malformedXml();
  bucket.objectOwnership = value as ObjectOwnership;
  return empty(200);
}

export function getBucketOwnershipControls(call: S3Call) {
  const bucket = guarded(call, 's3:GetBucketOwnershipControls');
  if (!bucket.objectOwnership) {
    throw new AwsError('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', 404, { BucketName: bucket.name });
  }
  return xml('OwnershipControls', { Rule: { ObjectOwnership: bucket.objectOwnership } });
}

export function deleteBucketOwnershipControls(call: S3Call) {
  const bucket = guarded(call, 's3:PutBucketOwnershipControls');
  delete bucket.objectOwnership;
  return empty(204);
}
