import type { ContextValue } from '../policy/types.js';

/**
 * Encryption context: the AAD of symmetric encryption and the source of the kms:EncryptionContext:<k> and
 * kms:EncryptionContextKeys condition keys.
 *
 * "The order of the key-value pairs in the encryption context doesn't matter" and decryption needs "an exact
 * case-sensitive match" (KMS-DG encrypt_context.md). So the AAD is a canonical serialisation: pairs sorted by
 * the UTF-8 bytes of their keys (the same ordering the AWS Encryption SDK uses for its serialised context),
 * each part length-prefixed so that no two different contexts serialise alike.
 */

export type EncryptionContext = Record<string, string>;

export function canonicalContext(ec: EncryptionContext | undefined): Buffer {
  const entries = Object.entries(ec ?? {})
    .map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const)
    .sort(([a], [b]) => Buffer.compare(a, b));
  const parts: Buffer[] = [u32(entries.length)];
  for (const [k, v] of entries) parts.push(u32(k.length), k, u32(v.length), v);
  return Buffer.concat(parts);
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/**
 * Condition keys of a request's context: `kms:EncryptionContext:<key>` per pair (the engine compares key names
 * case-insensitively, as KMS-DG conditions-kms.md says) and the multi-valued `kms:EncryptionContextKeys`,
 * absent when the request has no context.
 */
export function contextConditionKeys(ec: EncryptionContext | undefined): Record<string, ContextValue | undefined> {
  const out: Record<string, ContextValue | undefined> = {};
  const keys = Object.keys(ec ?? {});
  for (const k of keys) out[`kms:EncryptionContext:${k}`] = ec![k];
  if (keys.length > 0) out['kms:EncryptionContextKeys'] = keys;
  return out;
}

/** Grant constraints (KMS-DG grants.md "Grant constraints"): Subset = these pairs present; Equals = exactly these pairs. */
export function satisfiesSubset(ec: EncryptionContext | undefined, required: EncryptionContext): boolean {
  return Object.entries(required).every(([k, v]) => ec !== undefined && Object.hasOwn(ec, k) && ec[k] === v);
}

export function equalsContext(ec: EncryptionContext | undefined, expected: EncryptionContext): boolean {
  const a = ec ?? {};
  const ka = Object.keys(a);
  return ka.length === Object.keys(expected).length && satisfiesSubset(a, expected);
}
