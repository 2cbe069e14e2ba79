import { randomBytes } from 'node:crypto';

/**
 * S3's state: one global bucket namespace (bucket names are unique across all accounts and regions,
 * as on AWS), each bucket with its configuration, objects and multipart uploads. Object bytes are kept
 * encrypted at rest (see sse.ts): nothing here holds a plaintext body.
 */

export interface Tag {
  Key: string;
  Value: string;
}

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface BucketEncryption {
  algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** KMSMasterKeyID exactly as the owner wrote it (GetBucketEncryption returns it unchanged). */
  kmsKeyId?: string;
  bucketKeyEnabled: boolean;
}

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

/** One ACL grant. Grantees are canonical users (by id) or the two public groups. */
export interface Grant {
  grantee: { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };
  permission: 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
}

export interface Acl {
  ownerId: string;
  grants: Grant[];
}

/** How an object's bytes are encrypted at rest: AES-256-GCM with a per-object data key. */
export type AtRest =
  /** SSE-S3: the data key is wrapped with the emulator's S3 master key. */
  | { kind: 'AES256'; wrappedKey: Buffer }
  /** SSE-KMS: the data key is the KMS ciphertext blob; S3 never keeps the plaintext key. */
  | {
      kind: 'aws:kms' | 'aws:kms:dsse';
      keyArn: string;
      ciphertextBlob: Buffer;
      bucketKeyEnabled: boolean;
      /** The encryption context S3 sent to KMS (aws:s3:arn plus the caller's own pairs). */
      context: Record<string, string>;
      /** x-amz-server-side-encryption-context as the caller sent it (returned on GET/HEAD). */
      callerContext?: string;
    }
  /** SSE-C: the caller's key is never stored, only a salted HMAC to recognise it (as AWS does). */
  | { kind: 'SSE-C'; keyMd5: string; salt: Buffer; keyHmac: Buffer };

export interface Segment {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

/** An object's bytes at rest: one AES-256-GCM segment, or one per part for a completed multipart upload. */
export interface Sealed extends Segment {
  atRest: AtRest;
  /** Multipart objects keep their parts' segments (same data key), so completing needs no re-encryption. */
  segments?: Segment[];
}

export interface Checksum {
  algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface S3Object {
  key: string;
  sealed: Sealed;
  size: number;
  /** Without quotes. */
  etag: string;
  lastModified: Date;
  versionId?: string;
  /** A delete marker of a versioned bucket (no body). */
  deleteMarker?: boolean;
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  metadata: Record<string, string>;
  checksum?: Checksum;
  tags: Tag[];
  ownerId: string;
  acl?: Acl;
  /** Multipart objects: the size of each part, in order (GetObjectAttributes ObjectParts). */
  partSizes?: number[];
  storageClass: string;
}

export interface UploadPart {
  partNumber: number;
  sealed: Sealed;
  size: number;
  etag: string;
  lastModified: Date;
  checksum?: Checksum;
}

export interface MultipartUpload {
  uploadId: string;
  key: string;
  initiated: Date;
  initiatorArn: string;
  initiatorId: string;
  ownerId: string;
  /** Encryption chosen at initiation; SSE-KMS uploads hold the data key's KMS ciphertext blob. */
  atRest: AtRest;
  /** The data key wrapped for SSE-S3/SSE-KMS parts is `atRest`'s; SSE-C parts use the caller's key each time. */
  parts: Map<number, UploadPart>;
  checksumAlgorithm?: Checksum['algorithm'];
  checksumType: Checksum['type'];
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  metadata: Record<string, string>;
  tags: Tag[];
  acl?: Acl;
  storageClass: string;
}

export interface Bucket {
  name: string;
  ownerAccountId: string;
  region: string;
  /** '' for us-east-1 (GetBucketLocation answers an empty LocationConstraint there). */
  locationConstraint: string;
  createdAt: Date;
  /** The bucket policy text as the owner sent it (GetBucketPolicy returns it unchanged). */
  policy?: string;
  /** undefined = no configuration (GetPublicAccessBlock → NoSuchPublicAccessBlockConfiguration). */
  publicAccessBlock?: PublicAccessBlock;
  encryption: BucketEncryption;
  versioning?: 'Enabled' | 'Suspended';
  /** undefined = ownership controls deleted (ACLs then work as before 2023: ObjectWriter). */
  objectOwnership?: ObjectOwnership;
  acl: Acl;
  tags?: Tag[];
  /** Current version of every key (delete markers included for versioned buckets). */
  objects: Map<string, S3Object>;
  /** Noncurrent versions, newest first, per key (versioned buckets only). */
  history: Map<string, S3Object[]>;
  uploads: Map<string, MultipartUpload>;
}

/** Since 2023-01-05 every bucket's default encryption is SSE-S3 (S3-UG default-bucket-encryption). */
export const DEFAULT_ENCRYPTION: BucketEncryption = Object.freeze({ algorithm: 'AES256', bucketKeyEnabled: false });

/** New buckets block all public access and disable ACLs by default (AWS, April 2023). */
export const BLOCK_ALL: PublicAccessBlock = Object.freeze({
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
});

export class S3State {
  readonly buckets = new Map<string, Bucket>();
  /** Wraps SSE-S3 data keys. Per emulator process; a reset keeps it (objects are gone anyway). */
  readonly masterKey: Buffer = randomBytes(32);

  reset(): void {
    this.buckets.clear();
  }
}
