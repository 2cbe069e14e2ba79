import { AwsError } from '../core/errors.js';
import type { WireResponse } from '../protocols/wire.js';
import { authorize, canonicalIdOf, cannedAcl, decide, mayDo } from './access.js';
import { admitAcl } from './bucket-config.js';
import { empty, httpDate, requireBucket, toSecond, xml, type S3Call } from './call.js';
import { checksumHeaderOf, checksumWasSent, md5Hex, verifyPayload } from './checksums.js';
import { accessDenied, invalidArgument, invalidRequest, kmsNeedsSigV4, malformedXml, noSuchKey } from './errors.js';
import { header } from './router.js';
import {
  bucketArn, isKms, objectArn, open, parseCustomerKey, parseSseRequest, planEncryption, recoverDataKey, refuseSseOnRead, seal, sseHeaders,
} from './sse.js';
import type { Acl, Bucket, S3Object, Sealed } from './state.js';
import { parseTaggingHeader } from './tags.js';
import { find, newVersionId, removeVersion, store } from './versions.js';
import { many, parseXmlBody, text } from './xmlbody.js';

/** PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects (CopyObject: copy.ts). */

const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE',
]);

/** Headers S3 stores with an object and returns on GET/HEAD. */
export const STORED_HEADERS = [
  ['content-type', 'contentType'],
  ['content-encoding', 'contentEncoding'],
  ['content-disposition', 'contentDisposition'],
  ['content-language', 'contentLanguage'],
  ['cache-control', 'cacheControl'],
  ['expires', 'expires'],
] as const;

export type StoredHeaders = Pick<S3Object, (typeof STORED_HEADERS)[number][1] | 'metadata'>;

export function storedHeadersOf(h: S3Call['req']['headers']): StoredHeaders {
  const out: StoredHeaders = { metadata: {} };
  for (const [name, field] of STORED_HEADERS) {
    const v = header(h, name);
    if (v !== undefined) out[field] = v;
  }
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) out.metadata[name.slice(11)] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

export function storageClassOf(call: S3Call): string {
  const sc = header(call.req.headers, 'x-amz-storage-class') ?? 'STANDARD';
  // LS-SNAP test_put_object_storage_class_outposts
  if (!STORAGE_CLASSES.has(sc)) throw new AwsError('InvalidStorageClass', 'The storage class you specified is not valid', 400, { StorageClassRequested: sc });
  return sc;
}

/** Condition keys of a write that bucket policies commonly test (S3 condition keys reference). */
export function writeContext(call: S3Call): Record<string, string | undefined> {
  const h = call.req.headers;
  return {
    's3:x-amz-server-side-encryption': header(h, 'x-amz-server-side-encryption'),
    's3:x-amz-server-side-encryption-aws-kms-key-id': header(h, 'x-amz-server-side-encryption-aws-kms-key-id'),
    's3:x-amz-server-side-encryption-customer-algorithm': header(h, 'x-amz-server-side-encryption-customer-algorithm'),
    's3:x-amz-acl': header(h, 'x-amz-acl'),
    's3:x-amz-storage-class': header(h, 'x-amz-storage-class'),
    's3:x-amz-copy-source': header(h, 'x-amz-copy-source'),
    's3:x-amz-metadata-directive': header(h, 'x-amz-metadata-directive'),
    's3:x-amz-content-sha256': header(h, 'x-amz-content-sha256'),
  };
}

/**
 * The object owner: with Object Ownership BucketOwnerEnforced (the default) the bucket owner owns every
 * object; otherwise the writer does, unless BucketOwnerPreferred and bucket-owner-full-control.
 */
export function objectOwner(call: S3Call, bucket: Bucket): string {
  const p = call.ctx.principal;
  const bucketOwner = canonicalIdOf(bucket.ownerAccountId);
  if (bucket.objectOwnership === 'BucketOwnerEnforced' || p.kind === 'anonymous' || p.kind === 'service') return bucketOwner;
  if (bucket.objectOwnership === 'BucketOwnerPreferred' && header(call.req.headers, 'x-amz-acl') === 'bucket-owner-full-control') return bucketOwner;
  return canonicalIdOf(p.accountId);
}

/** x-amz-acl on a write: refused where ACLs are disabled or public ACLs blocked (see admitAcl). */
export function objectAcl(call: S3Call, bucket: Bucket, ownerId: string): Acl | undefined {
  const canned = header(call.req.headers, 'x-amz-acl');
  if (canned === undefined) return undefined;
  const acl = cannedAcl(canned, ownerId, canonicalIdOf(bucket.ownerAccountId));
  admitAcl(bucket, acl);
  return acl;
}

/**
 * Unsigned (anonymous) requests cannot write or read SSE-KMS objects: S3 answers 400 InvalidArgument
 * "… require AWS Signature Version 4." once the caller is otherwise allowed (aws-behaviour.md §B.2).
 */
export function requireSigV4ForKms(call: S3Call): void {
  if (call.ctx.principal.kind === 'anonymous') throw kmsNeedsSigV4();
}

/**
 * PutObject and CreateMultipartUpload: s3:PutObject on the key, then the encryption the request (or the
 * bucket default) asks for, which for SSE-KMS needs a signed request.
 */
export function authorizedWrite(call: S3Call): { bucket: Bucket; key: string; plan: ReturnType<typeof planEncryption> } {
  const bucket = requireBucket(call);
  const key = call.target.key!;
  const sse = parseSseRequest(call.req.headers);
  authorize(call.ctx, { bucket, action: 's3:PutObject', resource: objectArn(bucket.name, key), context: writeContext(call) });
  const plan = planEncryption(call.ctx, sse, bucket);
  if (plan.kind === 'aws:kms' || plan.kind === 'aws:kms:dsse') requireSigV4ForKms(call);
  return { bucket, key, plan };
}

export function putObject(call: S3Call): WireResponse {
  const { ctx, req, state } = call;
  const { bucket, key, plan } = authorizedWrite(call);
  const checksum = verifyPayload(req, req.body);
  const storageClass = storageClassOf(call);
  const tags = parseTaggingHeader(header(req.headers, 'x-amz-tagging'));
  const ownerId = objectOwner(call, bucket);
  const acl = objectAcl(call, bucket, ownerId);

  const sealed = seal(ctx, state, bucket, key, plan, req.body);
  const object: S3Object = {
    key,
    sealed,
    size: req.body.length,
    etag: etagOf(sealed, req.body),
    lastModified: toSecond(ctx.now),
    ...storedHeadersOf(req.headers),
    checksum,
    tags,
    ownerId,
    storageClass,
  };
  if (acl) object.acl = acl;
  store(bucket, object);
  return written(call, object, checksumWasSent(req));
}

/**
 * ETag: the MD5 of the bytes for SSE-S3 and unencrypted objects; "Objects encrypted by SSE-C or SSE-KMS
 * have ETags that are not an MD5 digest of their object data" (S3 API reference, Object) — here the MD5
 * of the stored ciphertext (LS-SNAP test_s3_sse_validate_kms_key_state shows a non-MD5 ETag for SSE-KMS).
 */
export function etagOf(sealed: Sealed, plaintext: Buffer): string {
  return sealed.atRest.kind === 'AES256' ? md5Hex(plaintext) : md5Hex(sealed.data);
}

/** The response to a write (PutObject, CompleteMultipartUpload headers) and its CloudTrail responseElements. */
function written(call: S3Call, object: S3Object, echoChecksum: boolean): WireResponse {
  const headers: Record<string, string> = { etag: `"${object.etag}"`, ...sseHeaders(object.sealed.atRest, { write: true }) };
  if (object.versionId) headers['x-amz-version-id'] = object.versionId;
  if (echoChecksum && object.checksum) {
    headers[checksumHeaderOf(object.checksum.algorithm)] = object.checksum.value;
    headers['x-amz-checksum-type'] = object.checksum.type;
  }
  call.responseElements = responseElementsOf(headers);
  return empty(200, headers);
}

/** CloudTrail keeps the SSE and version headers of a write's response (S3-UG cloudtrail-logging-understanding-s3-entries, PutObject example). */
export function responseElementsOf(headers: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-amz-server-side-encryption') || k === 'x-amz-version-id') out[k] = v;
  return out;
}

// ---- reads ---------------------------------------------------------------------------------------

/**
 * Conditional reads (RFC 7232 §6, as S3 documents for GetObject): If-Match then If-Unmodified-Since
 * (412), If-None-Match then If-Modified-Since (304). Error: LS-SNAP test_precondition_failed_error.
 */
export function preconditions(h: S3Call['req']['headers'], object: S3Object, prefix = ''): 304 | undefined {
  const etagMatches = (list: string) => list.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/"/g, '')).some((e) => e === '*' || e === object.etag);
  const date = (name: string) => {
    const v = header(h, name);
    if (v === undefined) return undefined;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  };
  const failed = (condition: string) =>
    new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });
  const ifMatch = header(h, `${prefix}if-match`);
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch)) throw failed(prefix ? `${prefix}If-Match` : 'If-Match');
  } else {
    const since = date(`${prefix}if-unmodified-since`);
    if (since && object.lastModified.getTime() > since.getTime()) throw failed(prefix ? `${prefix}If-Unmodified-Since` : 'If-Unmodified-Since');
  }
  const ifNoneMatch = header(h, `${prefix}if-none-match`);
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch)) {
      if (prefix) throw failed(`${prefix}If-None-Match`);
      return 304;
    }
  } else {
    const since = date(`${prefix}if-modified-since`);
    if (since && object.lastModified.getTime() <= since.getTime()) {
      if (prefix) throw failed(`${prefix}If-Modified-Since`);
      return 304;
    }
  }
  return undefined;
}

/**
 * The object a call names, authorised for `action` before the caller may learn whether it exists: then
 * NoSuchKey only for callers who may list the bucket, else 403 ("If you don't have the s3:ListBucket
 * permission, Amazon S3 returns an HTTP status code 403 Access Denied", S3 API reference, GetObject).
 * `versionedAction` names the action for a versionId request; `deleteMarkerVersion` refuses reading a delete
 * marker by version id, as GetObject/HeadObject do.
 */
export function existingObject(call: S3Call, bucket: Bucket, action: string,
  opts: { versionedAction?: string; deleteMarkerVersion?: boolean } = {}): S3Object {
  const key = call.target.key!;
  const versionId = call.req.query.get('versionId') ?? undefined;
  let object: S3Object | undefined;
  let lookupError: unknown;
  try {
    object = find(bucket, key, versionId);
  } catch (e) {
    lookupError = e;
  }
  const authorized = versionId && opts.versionedAction ? opts.versionedAction : action;
  authorize(call.ctx, { bucket, action: authorized, resource: objectArn(bucket.name, key), ...(object ? { object } : {}) });
  if (lookupError) throw lookupError;
  if (!object || object.deleteMarker) {
    if (!mayDo(call.ctx, { bucket, action: 's3:ListBucket', resource: bucketArn(bucket.name) })) throw accessDenied();
    if (object?.deleteMarker && versionId && opts.deleteMarkerVersion)
      throw new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: call.req.method, ResourceType: 'DeleteMarker' });
    throw noSuchKey(key);
  }
  return object;
}

const readable = (call: S3Call, bucket: Bucket, action: string): S3Object =>
  existingObject(call, bucket, action, { versionedAction: `${action}Version`, deleteMarkerVersion: true });

const OVERRIDES = ['response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding'];

export function getObject(call: S3Call, head = false): WireResponse {
  const { ctx, req, state } = call;
  const bucket = requireBucket(call);
  const object = readable(call, bucket, 's3:GetObject');
  if (isKms(object.sealed.atRest)) requireSigV4ForKms(call);
  refuseSseOnRead(req.headers);
  const overrides = OVERRIDES.filter((o) => req.query.has(o));
  // "Request specific response headers cannot be used for anonymous GET requests." (S3 API reference, GetObject: overrides need a signed request)
  if (overrides.length > 0 && ctx.principal.kind === 'anonymous') throw invalidRequest('Request specific response headers cannot be used for anonymous GET requests.');

  const headers = objectHeaders(object, header(req.headers, 'x-amz-checksum-mode'));
  if (!head && object.tags.length > 0) headers['x-amz-tagging-count'] = String(object.tags.length);
  for (const o of overrides) {
    const value = req.query.get(o)!;
    // A header value is ISO-8859-1 text without control characters; S3 refuses anything else (captured answers:
    // "InvalidArgument: Header value cannot be represented using ISO-8859-1." with ArgumentName/ArgumentValue).
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) throw invalidArgument('Header value cannot be represented using ISO-8859-1.', o, value);
    headers[o.slice('response-'.length)] = value;
  }

  if (preconditions(req.headers, object) === 304) {
    const keep = ['etag', 'last-modified', 'x-amz-version-id', 'cache-control', 'expires'];
    return empty(304, Object.fromEntries(Object.entries(headers).filter(([k]) => keep.includes(k))));
  }
  const customer = parseCustomerKey(req.headers);
  let body: Buffer;
  if (head) {
    // HEAD needs no KMS call (only SSE-C proves the caller's key), and no bytes: Content-Length is set below.
    if (object.sealed.atRest.kind === 'SSE-C' || customer) recoverDataKey(ctx, state, bucket, object.sealed.atRest, customer);
    body = Buffer.alloc(0);
  } else {
    body = open(ctx, state, bucket, object.sealed, customer);
  }

  const range = header(req.headers, 'range');
  const partNumber = req.query.get('partNumber');
  const r = partNumber !== null ? partRange(object, partNumber, range) : range === undefined ? undefined : parseRange(range, object.size);
  if (partNumber !== null) headers['x-amz-mp-parts-count'] = String(object.partSizes?.length ?? 1);
  if (r) {
    // A checksum describes the whole object: a ranged answer carries none (S3-UG checking-object-integrity).
    for (const k of Object.keys(headers)) if (k.startsWith('x-amz-checksum-')) delete headers[k];
    headers['content-range'] = `bytes ${r.start}-${r.end}/${object.size}`;
    if (head) headers['content-length'] = String(r.end - r.start + 1);
    return { status: 206, headers, body: body.subarray(r.start, r.end + 1) };
  }
  if (head) headers['content-length'] = String(object.size);
  return { status: 200, headers, body };
}

export function objectHeaders(object: S3Object, checksumMode?: string | null): Record<string, string> {
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    'last-modified': httpDate(object.lastModified),
    etag: `"${object.etag}"`,
    'content-type': object.contentType ?? 'binary/octet-stream',
    ...sseHeaders(object.sealed.atRest),
  };
  for (const [name, field] of STORED_HEADERS) if (field !== 'contentType' && object[field] !== undefined) headers[name] = object[field]!;
  for (const [k, v] of Object.entries(object.metadata)) headers[`x-amz-meta-${k}`] = v;
  if (object.versionId) headers['x-amz-version-id'] = object.versionId;
  if (object.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = object.storageClass;
  if (object.partSizes) headers['x-amz-mp-parts-count'] = String(object.partSizes.length);
  if (checksumMode?.toUpperCase() === 'ENABLED' && object.checksum) {
    headers[checksumHeaderOf(object.checksum.algorithm)] = object.checksum.value;
    headers['x-amz-checksum-type'] = object.checksum.type;
  }
  return headers;
}

/**
 * Range: bytes=first-last | first- | -suffix (RFC 9110 §14.1.2). Unparseable ranges are ignored (the
 * whole object is returned); unsatisfiable ones are 416 InvalidRange (LS-SNAP test_invalid_range_error).
 */
export function parseRange(value: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const unsatisfiable = () =>
    new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: value, ActualObjectSize: String(size) });
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Number(m[2]);
  if (end < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end: Math.min(end, size - 1) };
}

/**
 * ?partNumber=N reads one part of a multipart object (a single-part object is part 1). Errors: LS-SNAP
 * test_get_object_part ("Cannot specify both Range header and partNumber query parameter", 416 InvalidPartNumber).
 */
function partRange(object: S3Object, raw: string, range: string | undefined): { start: number; end: number } {
  if (range !== undefined) throw invalidRequest('Cannot specify both Range header and partNumber query parameter');
  const n = Number(raw);
  const sizes = object.partSizes ?? [object.size];
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', raw);
  if (n > sizes.length) {
    throw new AwsError('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, { PartNumberRequested: raw, ActualPartCount: String(sizes.length) });
  }
  const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return { start, end: start + sizes[n - 1]! - 1 };
}

// ---- deletes -------------------------------------------------------------------------------------

/** Deletes one key (or version) and says what happened, for DeleteObject's headers and DeleteObjects' result. */
function deleteOne(call: S3Call, bucket: Bucket, key: string, versionId: string | undefined): { versionId?: string; deleteMarker?: boolean; markerVersionId?: string } {
  if (versionId !== undefined) {
    find(bucket, key, versionId); // validates the id
    const removed = removeVersion(bucket, key, versionId);
    return { versionId, ...(removed?.deleteMarker ? { deleteMarker: true } : {}) };
  }
  if (bucket.versioning === undefined) {
    bucket.objects.delete(key);
    return {};
  }
  const marker: S3Object = {
    key,
    deleteMarker: true,
    sealed: { atRest: { kind: 'AES256', wrappedKey: Buffer.alloc(0) }, iv: Buffer.alloc(0), tag: Buffer.alloc(0), data: Buffer.alloc(0) },
    size: 0,
    etag: '',
    lastModified: toSecond(call.ctx.now),
    metadata: {},
    tags: [],
    ownerId: canonicalIdOf(bucket.ownerAccountId),
    storageClass: 'STANDARD',
  };
  store(bucket, marker);
  return { deleteMarker: true, markerVersionId: marker.versionId ?? newVersionId() };
}

export function deleteObject(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const key = call.target.key!;
  const versionId = call.req.query.get('versionId') ?? undefined;
  authorize(call.ctx, { bucket, action: versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: objectArn(bucket.name, key) });
  const r = deleteOne(call, bucket, key, versionId);
  const headers: Record<string, string> = {};
  if (r.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  if (r.versionId ?? r.markerVersionId) headers['x-amz-version-id'] = (r.versionId ?? r.markerVersionId)!;
  return empty(204, headers);
}

/** DeleteObjects: up to 1000 keys, each authorised on its own; failures are listed, not thrown (S3 API reference). */
export function deleteObjects(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const doc = parseXmlBody(call.req.body);
  const del = doc?.Delete;
  if (!del || typeof del !== 'object') throw malformedXml();
  const objects = many((del as Record<string, unknown>).Object);
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  verifyPayload(call.req, call.req.body);
  const quiet = text(del, 'Quiet') === 'true';
  const deleted: unknown[] = [];
  const errors: unknown[] = [];
  for (const o of objects) {
    const key = text(o, 'Key');
    if (key === undefined) throw malformedXml();
    const versionId = text(o, 'VersionId');
    const d = decide(call.ctx, { bucket, action: versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: objectArn(bucket.name, key) });
    if (!d.allowed) {
      errors.push({ Key: key, VersionId: versionId, Code: 'AccessDenied', Message: d.message });
      continue;
    }
    try {
      const r = deleteOne(call, bucket, key, versionId);
      if (!quiet) deleted.push({ Key: key, VersionId: r.versionId, DeleteMarker: r.deleteMarker, DeleteMarkerVersionId: r.markerVersionId });
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      errors.push({ Key: key, VersionId: versionId, Code: e.code, Message: e.message });
    }
  }
  return xml('DeleteResult', { Deleted: deleted as never, Error: errors as never });
}
