import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { CallContext, RestRequest } from '../core/service.js';
import { accessDenied, fromKms, invalidArgument, invalidRequest } from './errors.js';
import { header } from './router.js';
import type { AtRest, Bucket, S3State, Sealed, Segment } from './state.js';

/**
 * Server-side encryption at rest, as S3 does it (aws-behaviour.md §B):
 * - SSE-S3: a per-object data key wrapped with S3's own master key;
 * - SSE-KMS: a data key from KMS GenerateDataKey **as the requester** (kms:ViaService =
 *   s3.<region>.amazonaws.com), encryption context {"aws:s3:arn": object ARN} — or the bucket ARN with a
 *   bucket key (S3-UG UsingKMSEncryption, bucket-key) — plus the caller's own pairs; reads call Decrypt
 *   as the requester, so a caller who may not use the key can neither write nor read;
 * - SSE-C: the caller's key, never stored (only a salted HMAC to recognise it on reads).
 * The bytes are AES-256-GCM with that data key; plaintext bodies and keys never reach the state.
 */

const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
type SseAlgorithm = (typeof SSE_ALGORITHMS)[number];

/** What a write request asks for, from its headers. */
export interface SseRequest {
  algorithm?: SseAlgorithm;
  kmsKeyId?: string;
  /** x-amz-server-side-encryption-context as sent (base64 of a JSON string map) and decoded. */
  context?: { header: string; pairs: Record<string, string> };
  bucketKeyEnabled?: boolean;
  customer?: CustomerKey;
}

export interface CustomerKey {
  key: Buffer;
  keyMd5: string;
}

/** The encryption S3 applies to one write: the request's headers, else the bucket's default. */
export type Plan =
  | { kind: 'AES256' }
  | { kind: 'aws:kms' | 'aws:kms:dsse'; keyId: string; bucketKeyEnabled: boolean; context?: SseRequest['context'] }
  | { kind: 'SSE-C'; customer: CustomerKey };

const KMS_HEADER_MESSAGE = 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms';

/**
 * Reads SSE-C headers (`prefix` is 'x-amz-copy-source-' for a copy's source). Messages are LS-SNAP
 * test_put_object_validation_sse_c.
 */
export function parseCustomerKey(headers: RestRequest['headers'], prefix = 'x-amz-'): CustomerKey | undefined {
  const algorithm = header(headers, `${prefix}server-side-encryption-customer-algorithm`);
  const key = header(headers, `${prefix}server-side-encryption-customer-key`);
  const md5 = header(headers, `${prefix}server-side-encryption-customer-key-md5`);
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (algorithm === undefined) {
    throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.', 'x-amz-server-side-encryption');
  }
  if (algorithm !== 'AES256') {
    throw new AwsError('InvalidEncryptionAlgorithmError', 'The Encryption request you specified is not valid. Supported value: AES256.', 400, {
      ArgumentName: 'x-amz-server-side-encryption',
      ArgumentValue: algorithm,
    });
  }
  if (key === undefined) {
    throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.', 'x-amz-server-side-encryption');
  }
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== 32) throw invalidArgument('The secret key was invalid for the specified algorithm.', 'x-amz-server-side-encryption');
  const actualMd5 = createHash('md5').update(raw).digest('base64');
  if (md5 !== undefined && md5 !== actualMd5) {
    throw invalidArgument('The calculated MD5 hash of the key did not match the hash that was provided.', 'x-amz-server-side-encryption');
  }
  return { key: raw, keyMd5: actualMd5 };
}

/** The SSE headers of a write (PutObject, CopyObject destination, CreateMultipartUpload). */
export function parseSseRequest(headers: RestRequest['headers']): SseRequest {
  const sse = header(headers, 'x-amz-server-side-encryption');
  const kmsKeyId = header(headers, 'x-amz-server-side-encryption-aws-kms-key-id');
  const contextHeader = header(headers, 'x-amz-server-side-encryption-context');
  const bucketKey = header(headers, 'x-amz-server-side-encryption-bucket-key-enabled');
  const customer = parseCustomerKey(headers);

  if (customer) {
    if (sse !== undefined) {
      throw invalidArgument('Server Side Encryption with Customer provided key is incompatible with the encryption method specified', 'x-amz-server-side-encryption', sse);
    }
    return { customer };
  }
  if (sse !== undefined && !(SSE_ALGORITHMS as readonly string[]).includes(sse)) {
    // Secondary sources (S3-compatible servers that mirror AWS) answer an unknown algorithm with this text.
    throw invalidArgument(KMS_HEADER_MESSAGE, 'x-amz-server-side-encryption', sse);
  }
  const algorithm = sse as SseAlgorithm | undefined;
  const kms = algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse';
  if ((kmsKeyId !== undefined || contextHeader !== undefined) && !kms) throw invalidArgument(KMS_HEADER_MESSAGE, 'x-amz-server-side-encryption');
  const out: SseRequest = {};
  if (algorithm) out.algorithm = algorithm;
  if (kmsKeyId !== undefined) out.kmsKeyId = kmsKeyId;
  if (bucketKey !== undefined) out.bucketKeyEnabled = bucketKey.toLowerCase() === 'true';
  if (contextHeader !== undefined) out.context = { header: contextHeader, pairs: decodeContext(contextHeader) };
  return out;
}

/** x-amz-server-side-encryption-context: "a base64-encoded UTF-8 string holding JSON with the encryption context key-value pairs" (BOTO-S3). */
function decodeContext(value: string): Record<string, string> {
  const bad = () =>
    invalidArgument(
      "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
      'x-amz-server-side-encryption-context',
      value,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad();
  const pairs: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw bad();
    pairs[k] = v;
  }
  return pairs;
}

/** GET/HEAD must not name an SSE algorithm: S3-UG UsingKMSEncryption ("you'll get an HTTP 400 Bad Request error"). */
export function refuseSseOnRead(headers: RestRequest['headers']): void {
  const sse = header(headers, 'x-amz-server-side-encryption');
  if (sse !== undefined) throw invalidArgument('x-amz-server-side-encryption header is not supported for this operation.', 'x-amz-server-side-encryption', sse);
}

/**
 * "If your PUT request headers don't include encryption information, Amazon S3 uses the bucket's default
 * encryption settings" (S3-UG default-bucket-encryption); the request's bucket-key header overrides the
 * bucket's setting (S3-UG bucket-key). With no key named anywhere, SSE-KMS uses the AWS managed key aws/s3.
 */
export function planEncryption(ctx: CallContext, request: SseRequest, bucket: Bucket): Plan {
  if (request.customer) return { kind: 'SSE-C', customer: request.customer };
  const fromBucket = request.algorithm === undefined;
  const algorithm = request.algorithm ?? bucket.encryption.algorithm;
  if (algorithm === 'AES256') return { kind: 'AES256' };
  // "If you specify x-amz-server-side-encryption:aws:kms … but do not provide
  // x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the AWS managed key (aws/s3)" (BOTO-S3 PutObject).
  const named = request.kmsKeyId ?? (fromBucket ? bucket.encryption.kmsKeyId : undefined);
  const keyId = named ?? managedKey(ctx, bucket);
  const bucketKeyEnabled = request.bucketKeyEnabled ?? bucket.encryption.bucketKeyEnabled;
  return { kind: algorithm, keyId, bucketKeyEnabled, ...(request.context ? { context: request.context } : {}) };
}

function managedKey(ctx: CallContext, bucket: Bucket): string {
  return kmsPort(ctx).awsManagedKeyArn(bucket.ownerAccountId, bucket.region, 'aws/s3');
}

function kmsPort(ctx: CallContext) {
  const kms = ctx.emulator.kms;
  if (!kms) throw new AwsError('NotImplemented', 'SSE-KMS needs the emulator\'s KMS service, which is not registered in this build.', 501);
  return kms;
}

export const objectArn = (bucket: string, key: string): string => `arn:aws:s3:::${bucket}/${key}`;
export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;

/** KMS is called in the bucket's region, with a CloudTrail note of its own (never S3's). */
function kmsContext(ctx: CallContext, bucket: Bucket): CallContext {
  return { ...ctx, region: bucket.region, audit: {} };
}

const via = (bucket: Bucket) => ({ viaService: `s3.${bucket.region}.amazonaws.com`, invokedBy: 's3.amazonaws.com' });

/** A key ARN must be in the bucket's region: LS-SNAP test_s3_sse_validate_kms_key ("Invalid arn <region_2>"). */
function checkKeyRegion(keyId: string, bucket: Bucket): void {
  const m = /^arn:aws[a-z-]*:kms:([^:]+):/.exec(keyId);
  if (m && m[1] !== bucket.region) throw new AwsError('KMS.NotFoundException', `Invalid arn ${m[1]}`, 400);
}

/** A data key for a new object or multipart upload, and how it is kept at rest. */
export function newDataKey(ctx: CallContext, state: S3State, bucket: Bucket, key: string, plan: Plan): { dataKey: Buffer; atRest: AtRest } {
  switch (plan.kind) {
    case 'AES256': {
      const dataKey = randomBytes(32);
      return { dataKey, atRest: { kind: 'AES256', wrappedKey: wrap(state.masterKey, dataKey) } };
    }
    case 'SSE-C': {
      const salt = randomBytes(16);
      return {
        dataKey: plan.customer.key,
        atRest: { kind: 'SSE-C', keyMd5: plan.customer.keyMd5, salt, keyHmac: createHmac('sha256', salt).update(plan.customer.key).digest() },
      };
    }
    default: {
      checkKeyRegion(plan.keyId, bucket);
      const context = { ...(plan.context?.pairs ?? {}), 'aws:s3:arn': plan.bucketKeyEnabled ? bucketArn(bucket.name) : objectArn(bucket.name, key) };
      let dk;
      try {
        dk = kmsPort(ctx).generateDataKey(kmsContext(ctx, bucket), { keyId: plan.keyId, encryptionContext: context, ...via(bucket) });
      } catch (e) {
        throw fromKms(e);
      }
      const atRest: AtRest = { kind: plan.kind, keyArn: dk.keyArn, ciphertextBlob: dk.ciphertextBlob, bucketKeyEnabled: plan.bucketKeyEnabled, context };
      if (plan.context) atRest.callerContext = plan.context.header;
      return { dataKey: Buffer.from(dk.plaintext), atRest };
    }
  }
}

/**
 * The plaintext data key of something already encrypted: unwraps SSE-S3, asks KMS (Decrypt as the
 * requester) for SSE-KMS, and for SSE-C checks the caller's key. Messages: LS-SNAP test_object_retrieval_sse_c.
 */
export function recoverDataKey(ctx: CallContext, state: S3State, bucket: Bucket, atRest: AtRest, customer: CustomerKey | undefined): Buffer {
  switch (atRest.kind) {
    case 'AES256':
      if (customer) throw invalidRequest('The encryption parameters are not applicable to this object.');
      return unwrap(state.masterKey, atRest.wrappedKey);
    case 'SSE-C': {
      if (!customer) throw invalidRequest('The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.');
      const hmac = createHmac('sha256', atRest.salt).update(customer.key).digest();
      if (!timingSafeEqual(hmac, atRest.keyHmac)) throw accessDenied('Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.');
      return customer.key;
    }
    default: {
      if (customer) throw invalidRequest('The encryption parameters are not applicable to this object.');
      try {
        const out = kmsPort(ctx).decrypt(kmsContext(ctx, bucket), { ciphertextBlob: atRest.ciphertextBlob, encryptionContext: atRest.context, ...via(bucket) });
        return Buffer.from(out.plaintext);
      } catch (e) {
        throw fromKms(e);
      }
    }
  }
}

export function sealWith(dataKey: Buffer, atRest: AtRest, plaintext: Buffer): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { atRest, iv, tag: cipher.getAuthTag(), data };
}

export function openWith(dataKey: Buffer, sealed: Sealed): Buffer {
  const one = (s: Segment): Buffer => {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, s.iv);
    decipher.setAuthTag(s.tag);
    return Buffer.concat([decipher.update(s.data), decipher.final()]);
  };
  return sealed.segments ? Buffer.concat(sealed.segments.map(one)) : one(sealed);
}

/** Encrypts a new object's bytes under the plan. */
export function seal(ctx: CallContext, state: S3State, bucket: Bucket, key: string, plan: Plan, plaintext: Buffer): Sealed {
  const { dataKey, atRest } = newDataKey(ctx, state, bucket, key, plan);
  return sealWith(dataKey, atRest, plaintext);
}

/** Decrypts an object's bytes for the requester. */
export function open(ctx: CallContext, state: S3State, bucket: Bucket, sealed: Sealed, customer: CustomerKey | undefined): Buffer {
  return openWith(recoverDataKey(ctx, state, bucket, sealed.atRest, customer), sealed);
}

function wrap(master: Buffer, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  const ct = Buffer.concat([c.update(dataKey), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]);
}

function unwrap(master: Buffer, wrapped: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', master, wrapped.subarray(0, 12));
  d.setAuthTag(wrapped.subarray(12, 28));
  return Buffer.concat([d.update(wrapped.subarray(28)), d.final()]);
}

export const isKms = (atRest: AtRest): atRest is Extract<AtRest, { kind: 'aws:kms' | 'aws:kms:dsse' }> =>
  atRest.kind === 'aws:kms' || atRest.kind === 'aws:kms:dsse';

/**
 * Response headers that describe the encryption (BOTO-S3 PutObjectOutput/GetObjectOutput): the key is
 * always the full ARN, even when an alias or key id was sent; bucket-key-enabled only when true; the
 * caller's encryption context only on writes.
 */
export function sseHeaders(atRest: AtRest, opts: { write?: boolean } = {}): Record<string, string> {
  switch (atRest.kind) {
    case 'AES256':
      return { 'x-amz-server-side-encryption': 'AES256' };
    case 'SSE-C':
      return { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key-md5': atRest.keyMd5 };
    default: {
      const h: Record<string, string> = { 'x-amz-server-side-encryption': atRest.kind, 'x-amz-server-side-encryption-aws-kms-key-id': atRest.keyArn };
      if (atRest.bucketKeyEnabled) h['x-amz-server-side-encryption-bucket-key-enabled'] = 'true';
      if (opts.write && atRest.callerContext) h['x-amz-server-side-encryption-context'] = atRest.callerContext;
      return h;
    }
  }
}
