import type { WireResponse } from '../protocols/wire.js';
import type { S3Call } from './call.js';
import { hostIdFor } from './errors.js';
import { DATA_EVENTS, header, isReadOnly } from './router.js';
import { bucketArn, objectArn } from './sse.js';
import { forAudit, parseXmlBody } from './xmlbody.js';

/**
 * CloudTrail notes for every S3 call, in AWS's record shape (the recorder, emulator/cloudtrail/, writes
 * the record). Sources: the lab's own trail (shared/seed/000_ceabfa6cfed72b48.txt: ListObjects and an
 * anonymous GetObject data event), S3-UG cloudtrail-logging-understanding-s3-entries (PutBucketAcl,
 * GetBucketVersioning, PutObject examples), aws-cdk-lib aws-cloudtrail/SAMPLE-EVENTS.md (PutObject).
 * - requestParameters: bucketName, Host, key and the request's query parameters as sent (seed:
 *   "list-type": "2", "max-keys": "1000", "prefix": ""; sub-resources as "acl": ""), plus a configuration
 *   body parsed (S3-UG: PutBucketAcl's AccessControlPolicy) and the SSE request headers of a write
 *   (S3 on Outposts example) — never an SSE-C key or a presigned URL's X-Amz-* parameters;
 * - additionalEventData: x-amz-id-2 and the byte counts (the recorder adds SignatureVersion and
 *   AuthenticationMethod from the authenticated request);
 * - resources: object then bucket (with its owner's account); a listing names the key prefix;
 * - object-level calls are data events.
 */

const SECRET_QUERY = /^x-amz-(signature|credential|security-token|algorithm|date|expires|signedheaders)$/i;
const SSE_PARAMS = [
  'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-server-side-encryption-context',
  'x-amz-server-side-encryption-bucket-key-enabled', 'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-server-side-encryption-customer-key-MD5', 'x-amz-acl', 'x-amz-copy-source', 'x-amz-storage-class',
];
/** Calls whose body is an XML document CloudTrail reproduces in requestParameters. */
const XML_BODIES = new Set([
  'CreateBucket', 'PutBucketAcl', 'PutObjectAcl', 'PutBucketTagging', 'PutObjectTagging', 'PutBucketEncryption', 'PutBucketVersioning',
  'PutPublicAccessBlock', 'PutBucketOwnershipControls', 'DeleteObjects', 'CompleteMultipartUpload',
]);

export function beginAudit(call: S3Call, ownerAccountId: string | undefined): void {
  const { req, target, operation, ctx } = call;
  const params: Record<string, unknown> = {};
  for (const [k, v] of req.query) if (!SECRET_QUERY.test(k) && k !== 'x-id') params[k] = v;
  if (target.bucket !== undefined) params.bucketName = target.bucket;
  params.Host = target.host;
  if (target.key !== undefined) params.key = target.key;
  if (/^(PutObject|CopyObject|CreateMultipartUpload)$/.test(operation)) {
    for (const name of SSE_PARAMS) {
      const v = header(req.headers, name.toLowerCase());
      if (v !== undefined) params[name] = v;
    }
  }
  if (operation === 'PutBucketPolicy') {
    try {
      params.bucketPolicy = JSON.parse(req.body.toString('utf8'));
    } catch {
      /* a malformed policy is refused; the record keeps the other parameters */
    }
  }
  if (XML_BODIES.has(operation)) {
    try {
      Object.assign(params, forAudit(parseXmlBody(req.body)) ?? {});
    } catch {
      /* MalformedXML is the answer; nothing to reproduce */
    }
  }
  ctx.audit.requestParameters = params;
  ctx.audit.readOnly = isReadOnly(operation);
  ctx.audit.eventCategory = DATA_EVENTS.has(operation) ? 'Data' : 'Management';
  ctx.audit.resources = resourcesOf(call, ownerAccountId);
  // The anonymous caller has no account of its own: the bucket owner's trails receive the record.
  if (ownerAccountId && ownerAccountId !== ctx.principal.accountId) ctx.audit.recipientAccountId = ownerAccountId;
}

function resourcesOf(call: S3Call, owner: string | undefined) {
  const { bucket, key } = call.target;
  if (bucket === undefined) return undefined;
  const bucketRes = { ...(owner ? { accountId: owner } : {}), type: 'AWS::S3::Bucket', ARN: bucketArn(bucket) };
  if (key !== undefined) return [{ type: 'AWS::S3::Object', ARN: objectArn(bucket, key) }, bucketRes];
  // A listing (and DeleteObjects) concern the bucket's objects: the recorder writes "ARNPrefix" for this ARN (seed).
  if (call.operation === 'ListObjects' || call.operation === 'ListObjectsV2' || call.operation === 'DeleteObjects') {
    return [bucketRes, { type: 'AWS::S3::Object', ARN: `${bucketArn(bucket)}/` }];
  }
  return [bucketRes];
}

export function finishAudit(call: S3Call, response: WireResponse, ownerAccountId: string | undefined): void {
  const { ctx, req } = call;
  // CreateBucket: the bucket and its owner exist only now.
  if (ownerAccountId === undefined && call.target.bucket !== undefined) {
    const owner = call.state.buckets.get(call.target.bucket)?.ownerAccountId;
    if (owner) ctx.audit.resources = resourcesOf(call, owner);
  }
  const bodyOut = req.method === 'HEAD' ? 0 : typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length;
  ctx.audit.additionalEventData = {
    bytesTransferredIn: req.body.length,
    'x-amz-id-2': hostIdFor(ctx.requestId),
    bytesTransferredOut: bodyOut,
  };
  ctx.audit.responseElements = response.status < 300 && call.responseElements ? call.responseElements : null;
}
