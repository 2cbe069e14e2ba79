import { AwsError } from '../core/errors.js';
import type { Emulator } from '../core/emulator.js';
import { requestId } from '../core/ids.js';
import type { S3Port } from '../core/ports.js';
import { servicePrincipal, type Principal } from '../core/principal.js';
import type { CallContext } from '../core/service.js';
import { rootPrincipal } from '../identity/store.js';
import { authorize, canonicalIdOf, cannedAcl } from './access.js';
import { admitAcl } from './bucket-config.js';
import { toSecond } from './call.js';
import { computeChecksum } from './checksums.js';
import { noSuchBucket } from './errors.js';
import { etagOf } from './objects.js';
import { objectArn, open, planEncryption, seal } from './sse.js';
import type { S3Object, S3State } from './state.js';
import { store } from './versions.js';

/**
 * S3 as other emulated services use it (ports.ts): CloudTrail delivers log files as its service
 * principal, which the bucket policy must allow (CT-UG create-s3-bucket-policy-for-cloudtrail:
 * s3:PutObject with s3:x-amz-acl = bucket-owner-full-control and aws:SourceArn), and encrypted with the
 * bucket's default or the trail's KMS key (KMS then authorises cloudtrail.amazonaws.com).
 */
export function createS3Port(emulator: Emulator, state: S3State): S3Port {
  const contextFor = (principal: Principal, region: string): CallContext => ({
    requestId: requestId(),
    principal,
    region,
    sourceIp: principal.servicePrincipal ?? 'internal.amazonaws.com',
    userAgent: principal.servicePrincipal ?? 'internal.amazonaws.com',
    now: emulator.clock(),
    emulator,
    headers: {},
    // AWS services reach S3 over TLS.
    secureTransport: true,
    audit: {},
  });

  return {
    bucketExists: (bucket) => state.buckets.has(bucket),

    bucketInfo(bucket) {
      const b = state.buckets.get(bucket);
      if (!b) return undefined;
      return { ownerAccountId: b.ownerAccountId, region: b.region, ...(b.policy !== undefined ? { policy: b.policy } : {}) };
    },

    putObjectAsService(req) {
      const bucket = state.buckets.get(req.bucket);
      if (!bucket) throw noSuchBucket(req.bucket);
      const ctx = contextFor(servicePrincipal(req.servicePrincipal), bucket.region);
      authorize(ctx, {
        bucket,
        action: 's3:PutObject',
        resource: objectArn(bucket.name, req.key),
        context: { 's3:x-amz-acl': req.acl, 'aws:SourceArn': req.sourceArn, 'aws:SourceAccount': req.sourceAccount },
      });
      const ownerId = canonicalIdOf(bucket.ownerAccountId);
      const acl = req.acl ? cannedAcl(req.acl, ownerId, ownerId) : undefined;
      if (acl) admitAcl(bucket, acl);
      const pairs = req.sseKmsEncryptionContext;
      const context = pairs ? { header: Buffer.from(JSON.stringify(pairs)).toString('base64'), pairs } : undefined;
      const plan = planEncryption(ctx, req.sseKmsKeyId ? { algorithm: 'aws:kms', kmsKeyId: req.sseKmsKeyId, ...(context ? { context } : {}) } : {}, bucket);
      const sealed = seal(ctx, state, bucket, req.key, plan, req.body);
      const object: S3Object = {
        key: req.key,
        sealed,
        size: req.body.length,
        etag: etagOf(sealed, req.body),
        lastModified: toSecond(ctx.now),
        metadata: { ...(req.metadata ?? {}) },
        checksum: { algorithm: 'CRC64NVME', value: computeChecksum('CRC64NVME', req.body), type: 'FULL_OBJECT' },
        tags: [],
        ownerId,
        storageClass: 'STANDARD',
        ...(req.contentType ? { contentType: req.contentType } : {}),
        ...(req.contentEncoding ? { contentEncoding: req.contentEncoding } : {}),
        ...(acl ? { acl } : {}),
      };
      store(bucket, object);
    },

    readObject(bucket, key) {
      const b = state.buckets.get(bucket);
      const object = b?.objects.get(key);
      if (!b || !object || object.deleteMarker) return undefined;
      if (object.sealed.atRest.kind === 'SSE-C') return undefined;
      // The emulator's own read (e.g. digest chaining): as the bucket owner's root, whom a default key policy lets in.
      const ctx = contextFor(rootPrincipal(b.ownerAccountId), b.region);
      try {
        return { body: open(ctx, state, b, object.sealed, undefined), metadata: { ...object.metadata } };
      } catch (e) {
        if (e instanceof AwsError) return undefined;
        throw e;
      }
    },
  };
}
