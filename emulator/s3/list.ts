import type { WireResponse } from '../protocols/wire.js';
import type { XmlValue } from '../protocols/xml.js';
import { authorize } from './access.js';
import { requireBucket, xml, type S3Call } from './call.js';
import { invalidArgument } from './errors.js';
import { bucketArn } from './sse.js';
import type { Bucket, S3Object } from './state.js';

/**
 * ListObjects (V1) and ListObjectsV2: keys in UTF-8 binary order, grouped into CommonPrefixes by the
 * delimiter, paged by max-keys with marker / continuation-token / start-after, optionally URL-encoded.
 * Shapes and errors: LS-SNAP test_s3_list_operations.snapshot.json (recorded against AWS).
 */

/** S3 sorts keys by their UTF-8 bytes ("List results are always returned in UTF-8 binary order", S3 API reference). */
const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** encoding-type=url: everything but unreserved characters and '/' is %-encoded (what Python's quote() does; LocalStack matches AWS with it). */
export function urlEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~/-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

interface Page {
  contents: S3Object[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned (NextMarker / continuation). */
  last?: string;
}

function listPage(bucket: Bucket, prefix: string, delimiter: string, after: string, max: number): Page {
  const keys = [...bucket.objects.values()]
    .filter((o) => !o.deleteMarker && o.key.startsWith(prefix) && utf8Order(o.key, after) > 0)
    .sort((a, b) => utf8Order(a.key, b.key));
  const contents: S3Object[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  let count = 0;
  for (const o of keys) {
    let common: string | undefined;
    if (delimiter) {
      const at = o.key.indexOf(delimiter, prefix.length);
      if (at >= 0) common = o.key.slice(0, at + delimiter.length);
    }
    if (common !== undefined && common === prefixes[prefixes.length - 1]) continue;
    if (count === max) return { contents, prefixes, truncated: true, ...(last !== undefined ? { last } : {}) };
    if (common !== undefined) {
      prefixes.push(common);
      last = common;
    } else {
      contents.push(o);
      last = o.key;
    }
    count++;
  }
  return { contents, prefixes, truncated: false, ...(last !== undefined ? { last } : {}) };
}

/** The next key after a common prefix: every key that starts with it sorts before this. */
const pastPrefix = (p: string): string => `${p}\u{10FFFF}`;

function params(call: S3Call) {
  const q = call.req.query;
  const encoding = q.get('encoding-type') ?? undefined;
  if (encoding !== undefined && encoding !== 'url') {
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  }
  const maxRaw = q.get('max-keys');
  const max = maxRaw === null ? 1000 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 0) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxRaw ?? '');
  return {
    prefix: q.get('prefix') ?? '',
    delimiter: q.get('delimiter') ?? '',
    max: Math.min(max, 1000),
    encode: encoding === 'url' ? urlEncode : (s: string) => s,
    encoding,
  };
}

function contentsXml(o: S3Object, encode: (s: string) => string, owner: boolean): XmlValue {
  return {
    Key: encode(o.key),
    LastModified: o.lastModified,
    ETag: `"${o.etag}"`,
    ChecksumAlgorithm: o.checksum?.algorithm,
    ChecksumType: o.checksum?.type,
    Size: o.size,
    Owner: owner ? { ID: o.ownerId } : undefined,
    StorageClass: o.storageClass,
  };
}

function authorizeList(call: S3Call, bucket: Bucket, p: ReturnType<typeof params>): void {
  authorize(call.ctx, {
    bucket,
    action: 's3:ListBucket',
    resource: bucketArn(bucket.name),
    context: { 's3:prefix': p.prefix, 's3:delimiter': p.delimiter || undefined, 's3:max-keys': String(p.max) },
  });
}

export function listObjects(call: S3Call): WireResponse {
  return call.req.query.get('list-type') === '2' ? listObjectsV2(call) : listObjectsV1(call);
}

function listObjectsV1(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const p = params(call);
  authorizeList(call, bucket, p);
  const marker = call.req.query.get('marker') ?? '';
  const after = marker && p.delimiter && marker.endsWith(p.delimiter) ? pastPrefix(marker) : marker;
  const page = listPage(bucket, p.prefix, p.delimiter, after, p.max);
  return xml('ListBucketResult', {
    Name: bucket.name,
    Prefix: p.encode(p.prefix),
    Marker: p.encode(marker),
    // "NextMarker … is returned only if you have the delimiter request parameter specified" (S3 API reference, ListObjects).
    NextMarker: page.truncated && p.delimiter && page.last ? p.encode(page.last) : undefined,
    MaxKeys: p.max,
    Delimiter: p.delimiter ? p.encode(p.delimiter) : undefined,
    IsTruncated: page.truncated,
    EncodingType: p.encoding,
    Contents: page.contents.map((o) => contentsXml(o, p.encode, true)),
    CommonPrefixes: page.prefixes.map((c) => ({ Prefix: p.encode(c) })),
  });
}

/** Continuation tokens are opaque to clients; here the base64 of the last key or prefix returned. */
const token = (last: string): string => Buffer.from(`v1:${last}`, 'utf8').toString('base64');

function untoken(value: string): string {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  // LS-SNAP test_list_objects_v2_continuation_start_after
  if (!decoded.startsWith('v1:') || value === '') throw invalidArgument('The continuation token provided is incorrect', 'continuation-token');
  return decoded.slice(3);
}

function listObjectsV2(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const q = call.req.query;
  const p = params(call);
  authorizeList(call, bucket, p);
  const continuation = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? '';
  const fetchOwner = q.get('fetch-owner') === 'true';
  let after = startAfter;
  if (continuation !== null) {
    const last = untoken(continuation);
    after = p.delimiter && last.endsWith(p.delimiter) ? pastPrefix(last) : last;
  }
  const page = listPage(bucket, p.prefix, p.delimiter, after, p.max);
  return xml('ListBucketResult', {
    Name: bucket.name,
    Prefix: p.encode(p.prefix),
    Delimiter: p.delimiter ? p.encode(p.delimiter) : undefined,
    MaxKeys: p.max,
    EncodingType: p.encoding,
    KeyCount: page.contents.length + page.prefixes.length,
    IsTruncated: page.truncated,
    ContinuationToken: continuation ?? undefined,
    NextContinuationToken: page.truncated && page.last !== undefined ? token(page.last) : undefined,
    StartAfter: startAfter ? p.encode(startAfter) : undefined,
    Contents: page.contents.map((o) => contentsXml(o, p.encode, fetchOwner)),
    CommonPrefixes: page.prefixes.map((c) => ({ Prefix: p.encode(c) })),
  });
}

/**
 * ListObjectVersions: every version of every key (current first, then noncurrent, newest first), delete
 * markers as <DeleteMarker>, filtered by prefix, paged by key-marker / version-id-marker (S3 API reference,
 * ListObjectVersions). Needs s3:ListBucketVersions.
 */
export function listObjectVersions(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const q = call.req.query;
  const p = params(call);
  authorize(call.ctx, { bucket, action: 's3:ListBucketVersions', resource: bucketArn(bucket.name), context: { 's3:prefix': p.prefix } });
  const keyMarker = q.get('key-marker') ?? '';
  const versionMarker = q.get('version-id-marker') ?? '';
  // LS-SNAP test_list_objects_versions_markers
  if (versionMarker && !keyMarker) throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionMarker);
  const all: Array<{ o: S3Object; latest: boolean }> = [];
  const keys = [...new Set([...bucket.objects.keys(), ...bucket.history.keys()])].filter((k) => k.startsWith(p.prefix)).sort(utf8Order);
  for (const k of keys) {
    const current = bucket.objects.get(k);
    if (current) all.push({ o: current, latest: true });
    for (const old of bucket.history.get(k) ?? []) all.push({ o: old, latest: false });
  }
  let start = 0;
  if (keyMarker) {
    start = all.findIndex(({ o }) => utf8Order(o.key, keyMarker) > 0);
    if (versionMarker) {
      const at = all.findIndex(({ o }) => o.key === keyMarker && (o.versionId ?? 'null') === versionMarker);
      if (at >= 0) start = at + 1;
    }
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + p.max);
  const truncated = start + p.max < all.length;
  const last = page[page.length - 1]?.o;
  const entry = ({ o, latest }: { o: S3Object; latest: boolean }): XmlValue => ({
    Key: p.encode(o.key),
    VersionId: o.versionId ?? 'null',
    IsLatest: latest,
    LastModified: o.lastModified,
    ...(o.deleteMarker ? {} : { ETag: `"${o.etag}"`, Size: o.size, StorageClass: o.storageClass }),
    Owner: { ID: o.ownerId },
  });
  return xml('ListVersionsResult', {
    Name: bucket.name,
    Prefix: p.encode(p.prefix),
    KeyMarker: p.encode(keyMarker),
    VersionIdMarker: versionMarker,
    NextKeyMarker: truncated && last ? p.encode(last.key) : undefined,
    NextVersionIdMarker: truncated && last ? (last.versionId ?? 'null') : undefined,
    MaxKeys: p.max,
    IsTruncated: truncated,
    EncodingType: p.encoding,
    Version: page.filter((v) => !v.o.deleteMarker).map(entry),
    DeleteMarker: page.filter((v) => v.o.deleteMarker).map(entry),
  });
}
