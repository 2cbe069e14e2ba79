import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyMaterial } from './types.js';

/**
 * Secret key material: 256-bit AES keys for SYMMETRIC_DEFAULT (AES-256-GCM, KMS-DG symm-asymm-choose-key-spec.md)
 * and HMAC keys whose length is the spec's size (HMAC_224 … HMAC_512). A material id is the API's
 * KeyMaterialId: 64 hex characters (BackingKeyIdType pattern ^[a-f0-9]+$, length 64).
 */

export const HMAC_SPECS: Record<string, { bytes: number; algorithm: string; hash: string }> = {
  HMAC_224: { bytes: 28, algorithm: 'HMAC_SHA_224', hash: 'sha224' },
  HMAC_256: { bytes: 32, algorithm: 'HMAC_SHA_256', hash: 'sha256' },
  HMAC_384: { bytes: 48, algorithm: 'HMAC_SHA_384', hash: 'sha384' },
  HMAC_512: { bytes: 64, algorithm: 'HMAC_SHA_512', hash: 'sha512' },
};

export function newMaterial(now: Date, bytes = 32, rotationType?: KeyMaterial['rotationType']): KeyMaterial {
  return { id: randomBytes(32).toString('hex'), secret: randomBytes(bytes), createdAt: now, rotationType };
}

export function mac(secret: Buffer, hash: string, message: Buffer): Buffer {
  return createHmac(hash, secret).update(message).digest();
}

export function macEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
