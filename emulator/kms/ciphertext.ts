import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalContext, type EncryptionContext } from './encryption-context.js';

/**
 * The emulator's symmetric ciphertext blob. AWS's own format is undocumented; what AWS documents is its
 * structure — "an unencrypted header … protected by the authenticated encryption scheme as the additional
 * authenticated data, and an encrypted portion. The cleartext portion includes the HBK identifier"
 * (docs.aws.amazon.com/kms/latest/cryptographic-details/customer-data-operations.html) — so that Decrypt needs
 * no KeyId and still uses the key material version that encrypted the data (rotate-keys.md). This one is:
 *
 *   offset  size  field
 *   0       1     format version (0x01)
 *   1       16    key id (the key's UUID, raw bytes)
 *   17      32    key material id (the 64-hex KeyMaterialId, raw bytes)
 *   49      12    AES-GCM IV
 *   61      16    AES-GCM tag
 *   77      n     AES-256-GCM ciphertext of the plaintext
 *
 * AAD = bytes 0..48 (the header) ‖ canonical encryption context, so changing any header byte, the context,
 * or the ciphertext fails authentication. 77 bytes of overhead keep the largest blob (4096-byte plaintext)
 * under the API's 6144-byte CiphertextBlob limit. The key's account and Region are not in the blob: key ids are
 * unique in the emulator and the store knows where each key lives (and refuses other Regions, as AWS does).
 */

export const FORMAT_VERSION = 0x01;
const HEADER = 49;
const IV = 12;
const TAG = 16;
export const OVERHEAD = HEADER + IV + TAG;

export interface BlobHeader {
  keyId: string;
  materialId: string;
}

const uuidToBytes = (id: string): Buffer => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesToUuid = (b: Buffer): string => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export function sealBlob(keyId: string, materialId: string, secret: Buffer, plaintext: Buffer, ec: EncryptionContext | undefined): Buffer {
  const header = Buffer.concat([Buffer.from([FORMAT_VERSION]), uuidToBytes(keyId), Buffer.from(materialId, 'hex')]);
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  cipher.setAAD(Buffer.concat([header, canonicalContext(ec)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

/** The key reference in a blob, or undefined when the bytes are not one of our blobs. */
export function readHeader(blob: Buffer): BlobHeader | undefined {
  if (blob.length < OVERHEAD || blob[0] !== FORMAT_VERSION) return undefined;
  return { keyId: bytesToUuid(blob.subarray(1, 17)), materialId: blob.subarray(17, HEADER).toString('hex') };
}

/** The plaintext, or undefined when authentication fails (tampering, wrong context, wrong key material). */
export function openBlob(blob: Buffer, secret: Buffer, ec: EncryptionContext | undefined): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, blob.subarray(HEADER, HEADER + IV));
    decipher.setAAD(Buffer.concat([blob.subarray(0, HEADER), canonicalContext(ec)]));
    decipher.setAuthTag(blob.subarray(HEADER + IV, OVERHEAD));
    return Buffer.concat([decipher.update(blob.subarray(OVERHEAD)), decipher.final()]);
  } catch {
    return undefined;
  }
}
