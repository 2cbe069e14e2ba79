import type { WireResponse } from '../protocols/wire.js';
import type { XmlValue } from '../protocols/xml.js';
import { authorize } from './access.js';
import { admitAcl, aclXml, requestedAcl } from './bucket-config.js';
import { empty, httpDate, requireBucket, xml, type S3Call } from './call.js';
import { invalidArgument } from './errors.js';
import { header } from './router.js';
import { objectArn, parseCustomerKey, recoverDataKey } from './sse.js';
import type { Bucket, S3Object } from './state.js';
import { parseTagging, taggingXml } from './tags.js';
import { existingObject } from './objects.js';
import { parseXmlBody } from './xmlbody.js';

/** GetObjectAttributes, object tagging, object ACLs. */

/** The object a sub-resource call names: authorised first, then NoSuchKey (or 403 without s3:ListBucket). */
const target = (call: S3Call, bucket: Bucket, action: string): S3Object => existingObject(call, bucket, action);

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

/**
 * GetObjectAttributes: "If the bucket is not versioned, you need the s3:GetObject and s3:GetObjectAttributes
 * permissions" (S3 API reference). No KMS call: the attributes are metadata. Shape: LS-SNAP
 * test_get_object_attributes (ETag without quotes, ObjectParts.TotalPartsCount, Checksum + ChecksumType).
 */
export function getObjectAttributes(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const versioned = call.req.query.has('versionId');
  const object = target(call, bucket, versioned ? 's3:GetObjectVersion' : 's3:GetObject');
  authorize(call.ctx, {
    bucket,
    action: versioned ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes',
    resource: objectArn(bucket.name, object.key),
    object,
  });
  const wanted = (header(call.req.headers, 'x-amz-object-attributes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.find((w) => !ATTRIBUTES.has(w));
  if (wanted.length === 0 || unknown !== undefined) throw invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', unknown ?? '');
  if (object.sealed.atRest.kind === 'SSE-C') recoverDataKey(call.ctx, call.state, bucket, object.sealed.atRest, parseCustomerKey(call.req.headers));

  const body: Record<string, XmlValue> = {};
  if (wanted.includes('ETag')) body.ETag = object.etag;
  if (wanted.includes('Checksum') && object.checksum) {
    body.Checksum = { [`Checksum${object.checksum.algorithm}`]: object.checksum.value.split('-')[0]!, ChecksumType: object.checksum.type };
  }
  // TotalPartsCount is written <PartsCount> (its xmlName in the S3 model, BOTO-S3 GetObjectAttributesParts).
  if (wanted.includes('ObjectParts') && object.partSizes) body.ObjectParts = { PartsCount: object.partSizes.length };
  if (wanted.includes('StorageClass')) body.StorageClass = object.storageClass;
  if (wanted.includes('ObjectSize')) body.ObjectSize = object.size;
  const headers: Record<string, string> = { 'last-modified': httpDate(object.lastModified) };
  if (object.versionId) headers['x-amz-version-id'] = object.versionId;
  return xml('GetObjectAttributesResponse', body, headers);
}

export function getObjectTagging(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const object = target(call, bucket, call.req.query.has('versionId') ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging');
  const headers: Record<string, string> = object.versionId ? { 'x-amz-version-id': object.versionId } : {};
  return xml('Tagging', taggingXml(object.tags), headers);
}

export function putObjectTagging(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const object = target(call, bucket, call.req.query.has('versionId') ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging');
  object.tags = parseTagging(parseXmlBody(call.req.body), 'object');
  return empty(200, object.versionId ? { 'x-amz-version-id': object.versionId } : {});
}

export function deleteObjectTagging(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const object = target(call, bucket, call.req.query.has('versionId') ? 's3:DeleteObjectVersionTagging' : 's3:DeleteObjectTagging');
  object.tags = [];
  return empty(204, object.versionId ? { 'x-amz-version-id': object.versionId } : {});
}

export function getObjectAcl(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const object = target(call, bucket, call.req.query.has('versionId') ? 's3:GetObjectVersionAcl' : 's3:GetObjectAcl');
  const acl = object.acl ?? { ownerId: object.ownerId, grants: [{ grantee: { type: 'CanonicalUser' as const, id: object.ownerId }, permission: 'FULL_CONTROL' as const }] };
  return xml('AccessControlPolicy', aclXml(acl));
}

export function putObjectAcl(call: S3Call): WireResponse {
  const bucket = requireBucket(call);
  const object = target(call, bucket, call.req.query.has('versionId') ? 's3:PutObjectVersionAcl' : 's3:PutObjectAcl');
  const acl = requestedAcl(call, object.ownerId, object.ownerId);
  admitAcl(bucket, acl);
  object.acl = acl;
  return empty(200);
}
