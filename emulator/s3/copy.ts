import type { WireResponse } from '../protocols/wire.js';
import { authorize } from './access.js';
import { requireBucket, toSecond, xml, type S3Call } from './call.js';
import { invalidArgument, invalidRequest, noSuchBucket, noSuchKey } from './errors.js';
import {
  etagOf, objectAcl, objectOwner, preconditions, requireSigV4ForKms, responseElementsOf, storageClassOf, STORED_HEADERS, storedHeadersOf, writeContext,
} from './objects.js';
import { header } from './router.js';
import { isKms, objectArn, open, parseCustomerKey, parseSseRequest, planEncryption, seal, sseHeaders } from './sse.js';
import type { S3Object } from './state.js';
import { parseTaggingHeader } from './tags.js';
import { find, store } from './versions.js';

/** CopyObject. */

/** x-amz-copy-source: "/bucket/key" or "bucket/key", URL-encoded, optionally "?versionId=…" (S3 API reference, CopyObject). */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const [path = '', query = ''] = value.split('?');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    decoded = '';
  }
  const slash = decoded.indexOf('/');
  // LS-SNAP test_s3_copy_object_wrong_format
  if (slash <= 0 || slash === decoded.length - 1) throw invalidArgument('Invalid copy source object key', 'x-amz-copy-source', 'x-amz-copy-source');
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), ...(versionId ? { versionId } : {}) };
}

/**
 * CopyObject reads the source as the requester (KMS Decrypt for an SSE-KMS source) and writes the
 * destination with the request's encryption or the destination bucket's default — never the source's
 * ("the destination object is not encrypted unless you explicitly request server-side encryption",
 * S3-UG specifying-kms-encryption; since 2023 the bucket default applies).
 */
export function copyObject(call: S3Call): WireResponse {
  const { ctx, req, state } = call;
  const bucket = requireBucket(call);
  const key = call.target.key!;
  const source = parseCopySource(header(req.headers, 'x-amz-copy-source')!);
  const sourceBucket = state.buckets.get(source.bucket);
  if (!sourceBucket) throw noSuchBucket(source.bucket);
  let sourceObject: S3Object | undefined;
  let lookupError: unknown;
  try {
    sourceObject = find(sourceBucket, source.key, source.versionId);
  } catch (e) {
    lookupError = e;
  }
  authorize(ctx, {
    bucket: sourceBucket,
    action: source.versionId ? 's3:GetObjectVersion' : 's3:GetObject',
    resource: objectArn(sourceBucket.name, source.key),
    ...(sourceObject ? { object: sourceObject } : {}),
  });
  if (lookupError) throw lookupError;
  if (!sourceObject || sourceObject.deleteMarker) {
    if (sourceObject?.deleteMarker && source.versionId) {
      throw invalidRequest('The source of a copy request may not specifically refer to a delete marker by version id.');
    }
    throw noSuchKey(source.key);
  }
  const sse = parseSseRequest(req.headers);
  authorize(ctx, { bucket, action: 's3:PutObject', resource: objectArn(bucket.name, key), context: writeContext(call) });
  if (isKms(sourceObject.sealed.atRest)) requireSigV4ForKms(call);
  preconditions(req.headers, sourceObject, 'x-amz-copy-source-');

  const directive = (header(req.headers, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  const taggingDirective = (header(req.headers, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  const plan = planEncryption(ctx, sse, bucket);
  if (plan.kind === 'aws:kms' || plan.kind === 'aws:kms:dsse') requireSigV4ForKms(call);
  const sameObject = sourceBucket === bucket && source.key === key && !source.versionId;
  const changesEncryption = header(req.headers, 'x-amz-server-side-encryption') !== undefined || sse.customer !== undefined;
  if (sameObject && directive === 'COPY' && !changesEncryption && header(req.headers, 'x-amz-storage-class') === undefined) {
    // LS-SNAP test_s3_copy_object_in_place
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }

  const plaintext = open(ctx, state, sourceBucket, sourceObject.sealed, parseCustomerKey(req.headers, 'x-amz-copy-source-'));
  const src = sourceObject;
  const sealed = seal(ctx, state, bucket, key, plan, plaintext);
  const stored =
    directive === 'REPLACE'
      ? storedHeadersOf(req.headers)
      : {
          metadata: { ...src.metadata },
          ...Object.fromEntries(STORED_HEADERS.filter(([, f]) => src[f] !== undefined).map(([, f]) => [f, src[f]])),
        };
  const ownerId = objectOwner(call, bucket);
  const acl = objectAcl(call, bucket, ownerId);
  const object: S3Object = {
    key,
    sealed,
    size: plaintext.length,
    etag: etagOf(sealed, plaintext),
    lastModified: toSecond(ctx.now),
    ...stored,
    ...(sourceObject.checksum ? { checksum: sourceObject.checksum } : {}),
    tags: taggingDirective === 'REPLACE' ? parseTaggingHeader(header(req.headers, 'x-amz-tagging')) : [...sourceObject.tags],
    ownerId,
    storageClass: header(req.headers, 'x-amz-storage-class') ? storageClassOf(call) : sourceObject.storageClass,
  };
  if (acl) object.acl = acl;
  store(bucket, object);
  const headers: Record<string, string> = { ...sseHeaders(sealed.atRest, { write: true }) };
  if (object.versionId) headers['x-amz-version-id'] = object.versionId;
  if (source.versionId) headers['x-amz-copy-source-version-id'] = source.versionId;
  call.responseElements = responseElementsOf(headers);
  return xml('CopyObjectResult', { LastModified: object.lastModified, ETag: `"${object.etag}"` }, headers);
}
