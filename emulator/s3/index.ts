import type { Emulator } from '../core/emulator.js';
import { AwsError } from '../core/errors.js';
import type { CallContext, RestRequest, RestService } from '../core/service.js';
import type { WireResponse } from '../protocols/wire.js';
import { beginAudit, finishAudit } from './audit.js';
import * as config from './bucket-config.js';
import { copyObject } from './copy.js';
import * as buckets from './buckets.js';
import type { Handler, S3Call } from './call.js';
import { accessDenied, errorResponse, hostIdFor } from './errors.js';
import { listObjects, listObjectVersions } from './list.js';
import * as multipart from './multipart.js';
import * as sub from './object-subresources.js';
import * as objects from './objects.js';
import { createS3Port } from './port.js';
import { header, operationOf, resolveTarget } from './router.js';
import { S3State } from './state.js';

/**
 * The emulated S3 (REST-XML): path-style and virtual-host-style requests, dispatched by operation name
 * (router.ts). Every answer carries x-amz-request-id and x-amz-id-2, and every call leaves CloudTrail
 * notes (audit.ts).
 */

const HANDLERS: Record<string, Handler> = {
  ListBuckets: buckets.listBuckets,
  CreateBucket: buckets.createBucket,
  HeadBucket: buckets.headBucket,
  DeleteBucket: buckets.deleteBucket,
  GetBucketLocation: buckets.getBucketLocation,
  PutBucketPolicy: config.putBucketPolicy,
  GetBucketPolicy: config.getBucketPolicy,
  DeleteBucketPolicy: config.deleteBucketPolicy,
  GetBucketPolicyStatus: config.getBucketPolicyStatus,
  PutPublicAccessBlock: config.putPublicAccessBlock,
  GetPublicAccessBlock: config.getPublicAccessBlock,
  DeletePublicAccessBlock: config.deletePublicAccessBlock,
  PutBucketEncryption: config.putBucketEncryption,
  GetBucketEncryption: config.getBucketEncryption,
  DeleteBucketEncryption: config.deleteBucketEncryption,
  PutBucketVersioning: config.putBucketVersioning,
  GetBucketVersioning: config.getBucketVersioning,
  PutBucketAcl: config.putBucketAcl,
  GetBucketAcl: config.getBucketAcl,
  PutBucketTagging: config.putBucketTagging,
  GetBucketTagging: config.getBucketTagging,
  DeleteBucketTagging: config.deleteBucketTagging,
  PutBucketOwnershipControls: config.putBucketOwnershipControls,
  GetBucketOwnershipControls: config.getBucketOwnershipControls,
  DeleteBucketOwnershipControls: config.deleteBucketOwnershipControls,
  ListObjects: listObjects,
  ListObjectsV2: listObjects,
  ListObjectVersions: listObjectVersions,
  PutObject: objects.putObject,
  GetObject: (c) => objects.getObject(c),
  HeadObject: (c) => objects.getObject(c, true),
  DeleteObject: objects.deleteObject,
  DeleteObjects: objects.deleteObjects,
  CopyObject: copyObject,
  CreateMultipartUpload: multipart.createMultipartUpload,
  UploadPart: multipart.uploadPart,
  CompleteMultipartUpload: multipart.completeMultipartUpload,
  AbortMultipartUpload: multipart.abortMultipartUpload,
  ListParts: multipart.listParts,
  ListMultipartUploads: multipart.listMultipartUploads,
  GetObjectAttributes: sub.getObjectAttributes,
  GetObjectTagging: sub.getObjectTagging,
  PutObjectTagging: sub.putObjectTagging,
  DeleteObjectTagging: sub.deleteObjectTagging,
  GetObjectAcl: sub.getObjectAcl,
  PutObjectAcl: sub.putObjectAcl,
};

/** Operations that are not about one bucket in its region (CreateBucket names its own region). */
const REGIONLESS = new Set(['ListBuckets', 'CreateBucket']);

/**
 * A signed request must be signed for the bucket's region: "The authorization header is malformed; the
 * region 'us-east-1' is wrong; expecting 'eu-west-1'" (LS-SNAP test_create_bucket_aws_global shows the
 * form), or for a presigned URL "Error parsing the X-Amz-Credential parameter; the region … is wrong;
 * expecting …". The SDKs read x-amz-bucket-region from the answer and retry in the right region.
 */
function checkRegion(call: S3Call): void {
  const { ctx, req, target, operation, state } = call;
  if (REGIONLESS.has(operation) || target.bucket === undefined || ctx.principal.kind === 'anonymous') return;
  const bucket = state.buckets.get(target.bucket);
  if (!bucket || bucket.region === ctx.region) return;
  if (req.authMethod === 'QueryString') {
    throw new AwsError(
      'AuthorizationQueryParametersError',
      `Error parsing the X-Amz-Credential parameter; the region '${ctx.region}' is wrong; expecting '${bucket.region}'`,
      400,
      { Region: bucket.region },
    );
  }
  throw new AwsError('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${ctx.region}' is wrong; expecting '${bucket.region}'`, 400, {
    Region: bucket.region,
  });
}

/**
 * x-amz-expected-bucket-owner: "If the account ID that you provide does not match the actual owner of the
 * bucket, the request fails with the HTTP status code 403 Forbidden (access denied)" (S3 API reference);
 * a value that is not an account id: LS-SNAP test_get_bucket_policy_invalid_account_id.
 */
function checkExpectedOwner(call: S3Call): void {
  const expected = header(call.req.headers, 'x-amz-expected-bucket-owner');
  if (expected === undefined || call.target.bucket === undefined || call.operation === 'CreateBucket') return;
  if (!/^\d{12}$/.test(expected)) {
    throw new AwsError('InvalidBucketOwnerAWSAccountID', `The value of the expected bucket owner parameter must be an AWS Account ID... [${expected}]`, 400);
  }
  const bucket = call.state.buckets.get(call.target.bucket);
  if (bucket && bucket.ownerAccountId !== expected) throw accessDenied();
}

/**
 * "The name for a key is a sequence of Unicode characters whose UTF-8 encoding is at most 1,024 bytes long"
 * (S3-UG object-keys); a longer one is refused where an object would be created: KeyTooLongError "Your key
 * is too long." (botocore s3 Error.Code list) with Size and MaxSizeAllowed.
 */
const CREATES_OBJECT = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload']);
function checkKeyLength(call: S3Call): void {
  const key = call.target.key;
  if (key === undefined || !CREATES_OBJECT.has(call.operation)) return;
  const size = Buffer.byteLength(key, 'utf8');
  if (size > 1024) throw new AwsError('KeyTooLongError', 'Your key is too long.', 400, { Size: String(size), MaxSizeAllowed: '1024' });
}

export async function handle(state: S3State, req: RestRequest, ctx: CallContext): Promise<WireResponse> {
  const target = resolveTarget(req.path, req.headers);
  const operation = operationOf(req);
  const call: S3Call = { req, ctx, state, target, operation };
  const owner = target.bucket === undefined ? undefined : state.buckets.get(target.bucket)?.ownerAccountId;
  beginAudit(call, owner);
  let response: WireResponse;
  try {
    const handler = HANDLERS[operation];
    // "A header you provided implies functionality that is not implemented" is S3's 501 (LS-SNAP test_put_object_if_none_match_validation).
    if (!handler) throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
    checkRegion(call);
    checkExpectedOwner(call);
    checkKeyLength(call);
    response = await handler(call);
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    response = errorResponse(e, ctx.requestId, req.method);
    const region = e.extra.Region;
    if (region) response.headers['x-amz-bucket-region'] = region;
  }
  response.headers = { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': hostIdFor(ctx.requestId), ...response.headers };
  finishAudit(call, response, owner);
  return response;
}

const states = new WeakMap<Emulator, S3State>();

/** An emulator's S3 state, for tests that look at what is stored at rest (and for nothing else). */
export const s3StateOf = (emulator: Emulator): S3State | undefined => states.get(emulator);

/** Registers S3 on the endpoint, its state for /_emulator/reset, and the S3 port other services use. */
export function registerS3(emulator: Emulator): S3State {
  const state = emulator.track(new S3State());
  states.set(emulator, state);
  const service: RestService = {
    signingName: 's3',
    eventSource: 's3.amazonaws.com',
    operationOf,
    handle: (req, ctx) => handle(state, req, ctx),
    error: (err, requestId, method) => errorResponse(err, requestId, method),
  };
  emulator.registerRest(service);
  emulator.s3 = createS3Port(emulator, state);
  return state;
}
