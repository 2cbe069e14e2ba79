import { createHash, randomBytes } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { WireResponse } from '../protocols/wire.js';
import type { XmlValue } from '../protocols/xml.js';
import { authorize, canonicalIdOf } from './access.js';
import { empty, requireBucket, toSecond, xml, type S3Call } from './call.js';
import { checksumHeaderOf, computeChecksum, md5Hex, verifyPayload } from './checksums.js';
import { invalidArgument, invalidRequest, malformedXml, noSuchUpload } from './errors.js';
import { authorizedWrite, objectAcl, objectOwner, requireSigV4ForKms, responseElementsOf, storageClassOf, storedHeadersOf, writeContext } from './objects.js';
import { header } from './router.js';
import { bucketArn, isKms, newDataKey, objectArn, openWith, parseCustomerKey, recoverDataKey, sealWith, sseHeaders } from './sse.js';
import type { Bucket, Checksum, MultipartUpload, S3Object, UploadPart } from './state.js';
import { parseTaggingHeader } from './tags.js';
import { store } from './versions.js';
import { many, parseXmlBody, text } from './xmlbody.js';

/**
 * Multipart upload with server-side encryption. SSE-KMS: CreateMultipartUpload asks KMS for the data key
 * (GenerateDataKey as the requester) and keeps only its ciphertext blob; every UploadPart asks KMS to
 * decrypt it (Decrypt as the requester) — which is why "multipart uploads also need kms:Decrypt"
 * (S3-UG UsingKMSEncryption). Completed objects keep their parts' ciphertext segments.
 * Errors: LS-SNAP test_multipart_*, test_complete_multipart_*.
 */

const MIN_PART = 5 * 1024 * 1024;
const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;

function upload(call: S3Call, bucket: Bucket): MultipartUpload {
  const id = call.req.query.get('uploadId') ?? '';
  const u = bucket.uploads.get(id);
  if (!u || u.key !== call.target.key) throw noSuchUpload(id);
  return u;
}

/** x-amz-checksum-algorithm / x-amz-checksum-type of CreateMultipartUpload (LS-SNAP test_multipart_checksum_type_compatibility). */
function checksumMode(call: S3Call): { algorithm?: Checksum['algorithm']; type: Checksum['type'] } {
  const algorithm = header(call.req.headers, 'x-amz-checksum-algorithm')?.toUpperCase();
  const type = header(call.req.headers, 'x-amz-checksum-type')?.toUpperCase();
  if (algorithm === undefined) {
    if (type !== undefined) throw invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    return { type: 'FULL_OBJECT' };
  }
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  }
  const a = algorithm as Checksum['algorithm'];
  const t = (type ?? (a === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE')) as Checksum['type'];
  if (t === 'COMPOSITE' && a === 'CRC64NVME') throw invalidRequest('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  if (t === 'FULL_OBJECT' && (a === 'SHA1' || a === 'SHA256')) throw invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${a.toLowerCase()} checksum algorithm.`);
  return { algorithm: a, type: t };
}

export function createMultipartUpload(call: S3Call): WireResponse {
  const { ctx, req, state } = call;
  const { bucket, key, plan } = authorizedWrite(call);
  const mode = checksumMode(call);
  const ownerId = objectOwner(call, bucket);
  const acl = objectAcl(call, bucket, ownerId);
  const { atRest } = newDataKey(ctx, state, bucket, key, plan);
  const uploadId = randomBytes(48).toString('base64url');
  const u: MultipartUpload = {
    uploadId,
    key,
    initiated: toSecond(ctx.now),
    initiatorArn: ctx.principal.arn,
    initiatorId: ctx.principal.principalId,
    ownerId,
    atRest,
    parts: new Map(),
    checksumType: mode.type,
    ...storedHeadersOf(req.headers),
    tags: parseTaggingHeader(header(req.headers, 'x-amz-tagging')),
    storageClass: storageClassOf(call),
  };
  if (mode.algorithm) u.checksumAlgorithm = mode.algorithm;
  if (acl) u.acl = acl;
  bucket.uploads.set(uploadId, u);
  const headers = { ...sseHeaders(atRest, { write: true }) } as Record<string, string>;
  if (mode.algorithm) {
    headers['x-amz-checksum-algorithm'] = mode.algorithm;
    headers['x-amz-checksum-type'] = mode.type;
  }
  call.responseElements = { ...responseElementsOf(headers), bucket: bucket.name, key, uploadId };
  return xml('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: uploadId }, headers);
}

/** The data key of an upload, for the requester; SSE-C parts must repeat the initiating key (LS-SNAP test_multipart_upload_sse_c_validation). */
function uploadKey(call: S3Call, bucket: Bucket, u: MultipartUpload): Buffer {
  const customer = parseCustomerKey(call.req.headers);
  if (u.atRest.kind === 'SSE-C') {
    if (!customer) throw invalidRequest('The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.');
    try {
      return recoverDataKey(call.ctx, call.state, bucket, u.atRest, customer);
    } catch {
      throw invalidRequest('The provided encryption parameters did not match the ones used originally.');
    }
  }
  return recoverDataKey(call.ctx, call.state, bucket, u.atRest, customer);
}

export function uploadPart(call: S3Call): WireResponse {
  const { ctx, req } = call;
  const bucket = requireBucket(call);
  const key = call.target.key!;
  authorize(ctx, { bucket, action: 's3:PutObject', resource: objectArn(bucket.name, key), context: writeContext(call) });
  const raw = req.query.get('partNumber') ?? '';
  const partNumber = Number(raw);
  if (!/^\d+$/.test(raw) || partNumber < 1 || partNumber > 10000) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', raw);
  }
  const u = upload(call, bucket);
  if (isKms(u.atRest)) requireSigV4ForKms(call);
  const sent = verifyPayload(req, req.body);
  const checksum = u.checksumAlgorithm && sent.algorithm !== u.checksumAlgorithm
    ? { algorithm: u.checksumAlgorithm, value: computeChecksum(u.checksumAlgorithm, req.body), type: u.checksumType }
    : sent;
  const dataKey = uploadKey(call, bucket, u);
  const sealed = sealWith(dataKey, u.atRest, req.body);
  const etag = u.atRest.kind === 'AES256' ? md5Hex(req.body) : md5Hex(sealed.data);
  u.parts.set(partNumber, { partNumber, sealed, size: req.body.length, etag, lastModified: toSecond(ctx.now), checksum });
  const headers: Record<string, string> = { etag: `"${etag}"`, ...sseHeaders(u.atRest) };
  if (u.checksumAlgorithm) headers[checksumHeaderOf(u.checksumAlgorithm)] = checksum.value;
  return empty(200, headers);
}

export function completeMultipartUpload(call: S3Call): WireResponse {
  const { ctx, req } = call;
  const bucket = requireBucket(call);
  const key = call.target.key!;
  authorize(ctx, { bucket, action: 's3:PutObject', resource: objectArn(bucket.name, key), context: writeContext(call) });
  const u = upload(call, bucket);
  if (isKms(u.atRest)) requireSigV4ForKms(call);
  const doc = parseXmlBody(req.body);
  const root = doc?.CompleteMultipartUpload;
  if (doc === undefined || root === undefined) throw malformedXml();
  const requested = many((root as Record<string, unknown>).Part);
  if (requested.length === 0) throw invalidRequest('You must specify at least one part');

  // Order and existence are checked over the whole list before any part's size (LS-SNAP test_complete_multipart_parts_order).
  const chosen: UploadPart[] = [];
  let previous = 0;
  for (const p of requested) {
    const number = Number(text(p, 'PartNumber'));
    const etag = (text(p, 'ETag') ?? '').replace(/"/g, '');
    if (!Number.isInteger(number)) throw malformedXml();
    if (number <= previous) throw new AwsError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400, { UploadId: u.uploadId });
    previous = number;
    const part = u.parts.get(number);
    const invalidPart = () =>
      new AwsError(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        { UploadId: u.uploadId, PartNumber: String(number), ETag: etag },
      );
    if (!part || part.etag !== etag) throw invalidPart();
    if (u.checksumAlgorithm && u.checksumType === 'COMPOSITE') {
      const given = text(p, `Checksum${u.checksumAlgorithm}`);
      if (given === undefined) {
        throw invalidRequest(
          `The upload was created using a ${u.checksumAlgorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${number} in the request.`,
        );
      }
      if (given !== part.checksum?.value) throw invalidPart();
    }
    chosen.push(part);
  }
  for (const [i, part] of chosen.entries()) {
    if (i < chosen.length - 1 && part.size < MIN_PART) {
      throw new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
        ProposedSize: String(part.size),
        MinSizeAllowed: String(MIN_PART),
        PartNumber: String(part.partNumber),
        ETag: part.etag,
      });
    }
  }

  // The multipart ETag: MD5 of the concatenated binary part MD5s, "-" and the part count.
  const etag = `${createHash('md5').update(Buffer.concat(chosen.map((p) => Buffer.from(p.etag, 'hex')))).digest('hex')}-${chosen.length}`;
  const sealed = { atRest: u.atRest, iv: Buffer.alloc(0), tag: Buffer.alloc(0), data: Buffer.alloc(0), segments: chosen.map((p) => p.sealed) };
  let checksum: Checksum | undefined;
  if (u.checksumType === 'COMPOSITE' && u.checksumAlgorithm) {
    const joined = Buffer.concat(chosen.map((p) => Buffer.from(p.checksum!.value, 'base64')));
    checksum = { algorithm: u.checksumAlgorithm, value: `${computeChecksum(u.checksumAlgorithm, joined)}-${chosen.length}`, type: 'COMPOSITE' };
  } else if (u.atRest.kind !== 'SSE-C' || parseCustomerKey(req.headers)) {
    // A full-object checksum needs the bytes: S3 "must decrypt and read data from the encrypted file parts
    // before it completes the multipart upload" (S3-UG UsingKMSEncryption) — Decrypt as the requester again.
    const algorithm = u.checksumAlgorithm ?? 'CRC64NVME';
    const plaintext = openWith(uploadKey(call, bucket, u), sealed);
    checksum = { algorithm, value: computeChecksum(algorithm, plaintext), type: 'FULL_OBJECT' };
  }
  const object: S3Object = {
    key,
    sealed,
    size: chosen.reduce((n, p) => n + p.size, 0),
    etag,
    lastModified: toSecond(ctx.now),
    metadata: u.metadata,
    tags: u.tags,
    ownerId: u.ownerId,
    storageClass: u.storageClass,
    partSizes: chosen.map((p) => p.size),
    ...(checksum ? { checksum } : {}),
  };
  for (const f of ['contentType', 'contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl', 'expires'] as const) if (u[f] !== undefined) object[f] = u[f];
  if (u.acl) object.acl = u.acl;
  store(bucket, object);
  bucket.uploads.delete(u.uploadId);

  const headers: Record<string, string> = { ...sseHeaders(u.atRest, { write: true }) };
  if (object.versionId) headers['x-amz-version-id'] = object.versionId;
  call.responseElements = responseElementsOf(headers);
  const location = `http://${call.target.host}${call.target.style === 'path' ? `/${bucket.name}` : ''}/${encodeURI(key)}`;
  const body: Record<string, XmlValue> = { Location: location, Bucket: bucket.name, Key: key, ETag: `"${etag}"` };
  if (checksum && u.checksumAlgorithm) {
    body[`Checksum${checksum.algorithm}`] = checksum.value;
    body.ChecksumType = checksum.type;
  }
  return xml('CompleteMultipartUploadResult', body, headers);
}

export function abortMultipartUpload(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  authorize(call.ctx, { bucket, action: 's3:AbortMultipartUpload', resource: objectArn(bucket.name, call.target.key!) });
  const u = upload(call, bucket);
  bucket.uploads.delete(u.uploadId);
  return empty(204);
}

export function listParts(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  authorize(call.ctx, { bucket, action: 's3:ListMultipartUploadParts', resource: objectArn(bucket.name, call.target.key!) });
  const u = upload(call, bucket);
  const q = call.req.query;
  const max = Math.min(Number(q.get('max-parts') ?? 1000) || 1000, 1000);
  const marker = Number(q.get('part-number-marker') ?? 0) || 0;
  const all = [...u.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  return xml('ListPartsResult', {
    Bucket: bucket.name,
    Key: u.key,
    UploadId: u.uploadId,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length ? page[page.length - 1]!.partNumber : undefined,
    MaxParts: max,
    IsTruncated: truncated,
    Part: page.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: p.lastModified,
      ETag: `"${p.etag}"`,
      Size: p.size,
      ...(u.checksumAlgorithm && p.checksum ? { [`Checksum${u.checksumAlgorithm}`]: p.checksum.value } : {}),
    })),
    Initiator: { ID: u.initiatorArn, DisplayName: undefined },
    Owner: { ID: u.ownerId },
    StorageClass: u.storageClass,
    ChecksumAlgorithm: u.checksumAlgorithm,
    ChecksumType: u.checksumAlgorithm ? u.checksumType : undefined,
  });
}

export function listMultipartUploads(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  authorize(call.ctx, { bucket, action: 's3:ListBucketMultipartUploads', resource: bucketArn(bucket.name) });
  const prefix = call.req.query.get('prefix') ?? '';
  const uploads = [...bucket.uploads.values()]
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated.getTime() - b.initiated.getTime()));
  return xml('ListMultipartUploadsResult', {
    Bucket: bucket.name,
    KeyMarker: '',
    UploadIdMarker: '',
    Prefix: prefix || undefined,
    MaxUploads: 1000,
    IsTruncated: false,
    Upload: uploads.map((u) => ({
      Key: u.key,
      UploadId: u.uploadId,
      Initiator: { ID: u.initiatorArn },
      Owner: { ID: u.ownerId || canonicalIdOf(bucket.ownerAccountId) },
      StorageClass: u.storageClass,
      Initiated: u.initiated,
      ChecksumAlgorithm: u.checksumAlgorithm,
      ChecksumType: u.checksumAlgorithm ? u.checksumType : undefined,
    })),
  });
}
