import { AwsError } from '../core/errors.js';
import { authorize, canonicalIdOf, cannedAcl, CANNED_ACLS, isPublicAcl } from './access.js';
import { empty, requireBucket, xml, escapeXml, type S3Call } from './call.js';
import { accessDenied, invalidArgument, invalidBucketName, malformedXml, S3_XMLNS } from './errors.js';
import { header } from './router.js';
import { bucketArn } from './sse.js';
import { BLOCK_ALL, DEFAULT_ENCRYPTION, type Bucket, type ObjectOwnership } from './state.js';
import { parseTagging } from './tags.js';
import { child, parseXmlBody, text } from './xmlbody.js';

/** CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation. */

/** Location constraints S3 accepts (BOTO-S3 BucketLocationConstraint; EU is the legacy name of eu-west-1). */
const REGIONS = new Set([
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'cn-north-1',
  'cn-northwest-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1',
  'us-west-1', 'us-west-2', 'EU',
]);

/**
 * General purpose bucket naming rules (S3-UG bucketnamingrules): 3–63 characters; lowercase letters,
 * digits, dots and hyphens; begin and end with a letter or digit; no two adjacent dots; not an IP
 * address; reserved prefixes xn--, sthree-, amzn-s3-demo- and suffixes -s3alias, --ol-s3, .mrap,
 * --x-s3, --table-s3.
 */
export function validBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return false;
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return false;
  return true;
}

// LS-SNAP test_bucket_ownership_controls_exc
const OWNERSHIPS: readonly ObjectOwnership[] = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'];

export function createBucket(call: S3Call) {
  const { ctx, state } = call;
  const name = call.target.bucket!;
  const p = ctx.principal;
  if (p.kind === 'anonymous' || p.kind === 'service') throw accessDenied();
  if (!validBucketName(name)) throw invalidBucketName(name);

  const body = parseXmlBody(call.req.body);
  const config = body === undefined ? undefined : child(body, 'CreateBucketConfiguration');
  if (body !== undefined && !config) throw malformedXml();
  const constraint = text(config, 'LocationConstraint') ?? '';
  const region = checkLocation(ctx.region, constraint);

  authorize(ctx, { action: 's3:CreateBucket', resource: bucketArn(name), context: { 's3:LocationConstraint': constraint || undefined } });

  const existing = state.buckets.get(name);
  if (existing) {
    // "The requested bucket name is not available. The bucket namespace is shared by all users of the
    // system." (S3 API reference, Error responses); LS-SNAP test_create_bucket_with_existing_name for
    // the owner's 409, except in us-east-1 where re-creating your own bucket succeeds (legacy behaviour).
    if (existing.ownerAccountId !== p.accountId) {
      throw new AwsError(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
        409,
        { BucketName: name },
      );
    }
    if (existing.region !== 'us-east-1' || region !== 'us-east-1') {
      throw new AwsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: name });
    }
    return empty(200, { location: `/${name}` });
  }

  const ownershipHeader = header(call.req.headers, 'x-amz-object-ownership');
  if (ownershipHeader !== undefined && !(OWNERSHIPS as readonly string[]).includes(ownershipHeader)) {
    throw invalidArgument(`Invalid x-amz-object-ownership header: ${ownershipHeader}`, 'x-amz-object-ownership');
  }
  const ownership = (ownershipHeader ?? 'BucketOwnerEnforced') as ObjectOwnership;
  const ownerId = canonicalIdOf(p.accountId);
  const cannedName = header(call.req.headers, 'x-amz-acl');
  let acl = cannedAcl('private', ownerId, ownerId);
  if (cannedName !== undefined) {
    if (!(CANNED_ACLS as readonly string[]).includes(cannedName)) throw invalidArgument('', 'x-amz-acl', cannedName);
    acl = cannedAcl(cannedName, ownerId, ownerId);
    // "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting" (S3 API reference, CreateBucket:
    // with ACLs disabled only private/bucket-owner-full-control-equivalent ACLs are accepted).
    if (ownership === 'BucketOwnerEnforced' && acl.grants.length > 1) {
      throw new AwsError('InvalidBucketAclWithObjectOwnership', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
    }
    // A new bucket blocks public access, so a public canned ACL is refused (BlockPublicAcls: "PUT Bucket calls fail if the request includes a public ACL").
    if (isPublicAcl(acl)) throw accessDenied();
  }

  const bucket: Bucket = {
    name,
    ownerAccountId: p.accountId,
    region,
    locationConstraint: constraint === 'EU' ? 'EU' : region === 'us-east-1' ? '' : region,
    createdAt: ctx.now,
    publicAccessBlock: { ...BLOCK_ALL },
    encryption: { ...DEFAULT_ENCRYPTION },
    objectOwnership: ownership,
    acl,
    objects: new Map(),
    history: new Map(),
    uploads: new Map(),
  };
  const tags = child(config, 'Tags');
  if (tags) bucket.tags = parseTagging({ Tagging: { TagSet: tags } }, 'bucket');
  state.buckets.set(name, bucket);
  // Location: "/bucket" in us-east-1, else the bucket's URL (S3 API reference, CreateBucket response).
  const location = region === 'us-east-1' ? `/${name}` : `http://${call.target.host}${call.target.style === 'path' ? `/${name}` : ''}/`;
  return empty(200, { location });
}

/**
 * LocationConstraint rules (LS-SNAP test_different_location_constraint, test_create_bucket_with_eu_location_constraint_raises):
 * us-east-1 takes any valid region; other endpoints only their own; no constraint means us-east-1.
 */
function checkLocation(requestRegion: string, constraint: string): string {
  const illegal = (what: string) =>
    new AwsError('IllegalLocationConstraintException', `The ${what} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);
  if (constraint === '') {
    if (requestRegion !== 'us-east-1') throw illegal('unspecified');
    return 'us-east-1';
  }
  if (requestRegion === 'us-east-1') {
    if (!REGIONS.has(constraint)) throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { LocationConstraint: constraint });
    return constraint === 'EU' ? 'eu-west-1' : constraint;
  }
  if (requestRegion === 'eu-west-1' && constraint === 'EU') return 'eu-west-1';
  if (constraint !== requestRegion) throw illegal(constraint);
  return constraint;
}

/** HeadBucket: 200 with the bucket's region (S3 API reference: x-amz-bucket-region), errors without a body. */
export function headBucket(call: S3Call) {
  const bucket = requireBucket(call);
  authorize(call.ctx, { bucket, action: 's3:ListBucket', resource: bucketArn(bucket.name) });
  return empty(200, { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false' });
}

export function deleteBucket(call: S3Call) {
  const bucket = requireBucket(call);
  authorize(call.ctx, { bucket, action: 's3:DeleteBucket', resource: bucketArn(bucket.name) });
  // LS-SNAP test_delete_bucket_with_objects / test_delete_versioned_bucket_with_objects
  const versioned = bucket.versioning !== undefined;
  if (bucket.objects.size > 0 || [...bucket.history.values()].some((h) => h.length > 0)) {
    throw new AwsError(
      'BucketNotEmpty',
      versioned ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.' : 'The bucket you tried to delete is not empty',
      409,
      { BucketName: bucket.name },
    );
  }
  call.state.buckets.delete(bucket.name);
  return empty(204);
}

/**
 * ListBuckets: the caller's own buckets, by name, with BucketRegion and BucketArn and Owner {ID}
 * (LS-SNAP test_s3_list_operations TestS3ListBuckets, recorded 2026-02). Paginated by max-buckets /
 * continuation-token; filtered by prefix and bucket-region.
 */
export function listBuckets(call: S3Call) {
  const { ctx, req } = call;
  const p = ctx.principal;
  if (p.kind === 'anonymous' || p.kind === 'service') throw accessDenied();
  authorize(ctx, { action: 's3:ListAllMyBuckets', resource: '*' });
  const prefix = req.query.get('prefix') ?? undefined;
  const region = req.query.get('bucket-region') ?? undefined;
  if (region !== undefined && !REGIONS.has(region)) throw invalidArgument(`Argument value ${region} is not a valid AWS Region`, 'bucket-region');
  const maxRaw = req.query.get('max-buckets');
  const max = maxRaw === null ? 10000 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 10000) throw invalidArgument('Argument max-buckets must be an integer between 1 and 10000.', 'max-buckets', maxRaw ?? '');
  const token = req.query.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64').toString('utf8') : '';

  const mine = [...call.state.buckets.values()]
    .filter((b) => b.ownerAccountId === p.accountId)
    .filter((b) => prefix === undefined || b.name.startsWith(prefix))
    .filter((b) => region === undefined || b.region === region)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((b) => b.name > after);
  const page = mine.slice(0, max);
  const truncated = mine.length > page.length;
  return xml('ListAllMyBucketsResult', {
    Buckets: { Bucket: page.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region, BucketArn: bucketArn(b.name) })) },
    Owner: { ID: canonicalIdOf(p.accountId) },
    ContinuationToken: truncated ? Buffer.from(page[page.length - 1]!.name, 'utf8').toString('base64') : undefined,
    Prefix: prefix,
  });
}

/** GetBucketLocation: empty LocationConstraint for us-east-1 (S3 API reference), written by hand for the xmlns on a text element. */
export function getBucketLocation(call: S3Call) {
  const bucket = requireBucket(call);
  authorize(call.ctx, { bucket, action: 's3:GetBucketLocation', resource: bucketArn(bucket.name) });
  const body = bucket.locationConstraint
    ? `<LocationConstraint xmlns="${S3_XMLNS}">${escapeXml(bucket.locationConstraint)}</LocationConstraint>`
    : `<LocationConstraint xmlns="${S3_XMLNS}"/>`;
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}
