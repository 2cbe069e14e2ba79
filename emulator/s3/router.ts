import type { RestRequest } from '../core/service.js';

type Headers = RestRequest['headers'];

export interface Target {
  bucket?: string;
  key?: string;
  /** The Host header as sent (CloudTrail requestParameters.Host). */
  host: string;
  style: 'path' | 'virtual';
}

export const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Virtual-host style: the bucket is the host's first labels, before `.s3.` / `.s3-<region>.`
 * (`bucket.s3.amazonaws.com`, `bucket.s3.us-east-1.amazonaws.com`, `bucket.s3.localhost.localstack.cloud`,
 * `my.bucket.s3.<anything>`), or before `.localhost` (`bucket.localhost:4566`). The greedy first group
 * makes `a.s3-logs.s3.amazonaws.com` the bucket `a.s3-logs`. Anything else (an IP, `localhost`,
 * `s3.amazonaws.com`) is path style.
 */
const VIRTUAL_S3 = /^(.+)\.s3(?:-[a-z0-9-]+)?\.[^.].*$/;
const VIRTUAL_LOCALHOST = /^(.+)\.localhost$/;

export function bucketFromHost(hostHeader: string): string | undefined {
  const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return undefined;
  const s3 = VIRTUAL_S3.exec(host);
  if (s3) return s3[1];
  const local = VIRTUAL_LOCALHOST.exec(host);
  if (local && local[1] !== 's3') return local[1];
  return undefined;
}

/** Where a request points: bucket and key, decoded from the raw (still %-encoded) path. */
export function resolveTarget(path: string, headers: Headers): Target {
  const host = header(headers, 'host') ?? '';
  const fromHost = bucketFromHost(host);
  if (fromHost !== undefined) {
    const rest = path.startsWith('/') ? path.slice(1) : path;
    return { bucket: fromHost, key: rest === '' ? undefined : decode(rest), host, style: 'virtual' };
  }
  const rest = path.replace(/^\/+/, '');
  if (rest === '') return { host, style: 'path' };
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: decode(rest), host, style: 'path' };
  const key = rest.slice(slash + 1);
  return { bucket: decode(rest.slice(0, slash)), key: key === '' ? undefined : decode(key), host, style: 'path' };
}

/**
 * The AWS operation a request names, decided from method, path, sub-resource and headers only (the
 * CloudTrail recorder needs it even when authentication fails). Names are CloudTrail's eventName values;
 * note that CloudTrail records ListObjectsV2 as "ListObjects" with requestParameters "list-type": "2"
 * (the lab's own trail record, shared/seed/000_ceabfa6cfed72b48.txt); the recorder makes that alias.
 */
/**
 * Bucket sub-resources this emulator does not serve. Naming them keeps, say, GET ?lifecycle from being
 * mistaken for a listing; they are answered NotImplemented (index.ts).
 */
const UNSUPPORTED = ['cors', 'lifecycle', 'website', 'logging', 'notification', 'replication', 'requestPayment', 'accelerate', 'analytics',
  'inventory', 'metrics', 'intelligent-tiering', 'object-lock', 'metadataTable', 'abac'];
const cap = (s: string): string => s.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());

export function operationOf(req: Pick<RestRequest, 'method' | 'path' | 'rawQuery' | 'query' | 'headers'>): string {
  const t = resolveTarget(req.path, req.headers);
  const q = req.query;
  const has = (name: string): boolean => q.has(name);
  const method = req.method.toUpperCase();
  if (t.bucket === undefined) return method === 'GET' ? 'ListBuckets' : 'UnknownOperation';
  if (t.key === undefined) {
    switch (method) {
      case 'PUT':
        if (has('policy')) return 'PutBucketPolicy';
        if (has('publicAccessBlock')) return 'PutPublicAccessBlock';
        if (has('encryption')) return 'PutBucketEncryption';
        if (has('versioning')) return 'PutBucketVersioning';
        if (has('acl')) return 'PutBucketAcl';
        if (has('tagging')) return 'PutBucketTagging';
        if (has('ownershipControls')) return 'PutBucketOwnershipControls';
        for (const sub of UNSUPPORTED) if (has(sub)) return `PutBucket${cap(sub)}`;
        return 'CreateBucket';
      case 'GET':
        if (has('policy')) return 'GetBucketPolicy';
        if (has('policyStatus')) return 'GetBucketPolicyStatus';
        if (has('publicAccessBlock')) return 'GetPublicAccessBlock';
        if (has('encryption')) return 'GetBucketEncryption';
        if (has('versioning')) return 'GetBucketVersioning';
        if (has('acl')) return 'GetBucketAcl';
        if (has('tagging')) return 'GetBucketTagging';
        if (has('ownershipControls')) return 'GetBucketOwnershipControls';
        if (has('location')) return 'GetBucketLocation';
        if (has('uploads')) return 'ListMultipartUploads';
        if (has('versions')) return 'ListObjectVersions';
        for (const sub of UNSUPPORTED) if (has(sub)) return `GetBucket${cap(sub)}`;
        return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'HEAD':
        return 'HeadBucket';
      case 'DELETE':
        if (has('policy')) return 'DeleteBucketPolicy';
        if (has('publicAccessBlock')) return 'DeletePublicAccessBlock';
        if (has('encryption')) return 'DeleteBucketEncryption';
        if (has('tagging')) return 'DeleteBucketTagging';
        if (has('ownershipControls')) return 'DeleteBucketOwnershipControls';
        for (const sub of UNSUPPORTED) if (has(sub)) return `DeleteBucket${cap(sub)}`;
        return 'DeleteBucket';
      case 'POST':
        if (has('delete')) return 'DeleteObjects';
        return 'UnknownOperation';
      default:
        return 'UnknownOperation';
    }
  }
  switch (method) {
    case 'PUT':
      if (has('tagging')) return 'PutObjectTagging';
      if (has('acl')) return 'PutObjectAcl';
      if (has('uploadId') && has('partNumber')) return header(req.headers, 'x-amz-copy-source') ? 'UploadPartCopy' : 'UploadPart';
      if (header(req.headers, 'x-amz-copy-source')) return 'CopyObject';
      return 'PutObject';
    case 'GET':
      if (has('tagging')) return 'GetObjectTagging';
      if (has('acl')) return 'GetObjectAcl';
      if (has('attributes')) return 'GetObjectAttributes';
      if (has('uploadId')) return 'ListParts';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      if (has('tagging')) return 'DeleteObjectTagging';
      if (has('uploadId')) return 'AbortMultipartUpload';
      return 'DeleteObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      return 'UnknownOperation';
    default:
      return 'UnknownOperation';
  }
}

/** Object-level operations are CloudTrail data events; everything else is a management event. */
export const DATA_EVENTS: ReadonlySet<string> = new Set([
  'PutObject', 'GetObject', 'HeadObject', 'DeleteObject', 'DeleteObjects', 'CopyObject', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions',
  'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts',
  'ListMultipartUploads', 'GetObjectAttributes', 'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging',
  'GetObjectAcl', 'PutObjectAcl',
]);

export const isReadOnly = (operation: string): boolean => /^(Get|List|Head)/.test(operation);
