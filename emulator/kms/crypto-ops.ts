import { noteKey, requestParameters } from './audit.js';
import { authorizeKey } from './authz.js';
import type { KmsCall, KmsInput } from './call.js';
import { blob, checkDryRun, context, str } from './call.js';
import { openBlob, readHeader, sealBlob } from './ciphertext.js';
import { ASYMMETRIC_SPECS, maxOaepPlaintext, rsaDecrypt, rsaEncrypt } from './crypto-asymmetric.js';
import type { EncryptionContext } from './encryption-context.js';
import {
  algorithmIncompatible, ciphertextKeyUnavailable, incorrectKey, invalidCiphertext, validation,
} from './errors.js';
import { currentMaterial } from './metadata.js';
import { resolveKey } from './resolve.js';
import { requireEnabled, requireUsage, target } from './target.js';
import type { KmsKey } from './types.js';

/**
 * Encrypt / Decrypt / ReEncrypt, and the two primitives the data-key operations and the KmsPort share:
 * sealing under a key's current material and opening a ciphertext (finding its key, authorizing the caller,
 * checking the key's state, decrypting with the material version that encrypted it).
 */

export interface Sealed {
  blob: Buffer;
  materialId: string;
}

/** AES-256-GCM under the key's current material, the context as AAD (ciphertext.ts). */
export function sealSymmetric(key: KmsKey, plaintext: Buffer, ec: EncryptionContext | undefined): Sealed {
  const m = currentMaterial(key);
  return { blob: sealBlob(key.keyId, m.id, m.secret, plaintext, ec), materialId: m.id };
}

/** Symmetric keys take only SYMMETRIC_DEFAULT, RSA keys only RSAES_OAEP_* (KeyMetadata.EncryptionAlgorithms). */
function checkAlgorithm(key: KmsKey, alg: string): void {
  const allowed = key.keySpec === 'SYMMETRIC_DEFAULT' ? ['SYMMETRIC_DEFAULT'] : ASYMMETRIC_SPECS[key.keySpec]?.encryptionAlgorithms ?? [];
  if (!allowed.includes(alg)) throw algorithmIncompatible(alg, key.keySpec);
}

/** "An encryption context is supported only on operations with symmetric encryption KMS keys" (KMS-DG encrypt_context.md). */
function noContextForAsymmetric(key: KmsKey, ec: EncryptionContext | undefined): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT' && ec && Object.keys(ec).length > 0)
    throw validation(`EncryptionContext is not supported with asymmetric KMS key ${key.arn}.`);
}

export interface Opened {
  key: KmsKey;
  plaintext: Buffer;
  algorithm: string;
  materialId?: string;
}

export interface OpenRequest {
  ciphertext: Buffer;
  /** KeyId as the caller wrote it; required for asymmetric ciphertexts. */
  keyId?: string;
  ec?: EncryptionContext;
  algorithm?: string;
  /** 'Decrypt' or 'ReEncryptFrom' (the IAM action and grant operation). */
  action: 'Decrypt' | 'ReEncryptFrom';
}

/**
 * Decrypt's core. A symmetric ciphertext names its key (Decrypt "can get this information from metadata that it
 * adds to the symmetric ciphertext blob"); a KeyId naming another key is IncorrectKeyException (BOTO-KMS
 * DecryptRequest.KeyId). Authorization is against the key the ciphertext names (cryptographic-details
 * decrypt-operation.html). Any authentication failure — tampering, a wrong context, a wrong material — is
 * InvalidCiphertextException with an empty message (LS-KMS-SNAP).
 */
export function openCiphertext(k: KmsCall, r: OpenRequest): Opened {
  const named = r.keyId !== undefined ? resolveKey(k, r.keyId, { aliases: true, crossAccount: true }) : undefined;
  const algorithm = r.algorithm ?? 'SYMMETRIC_DEFAULT';
  const header = readHeader(r.ciphertext);
  const blobKey = header ? k.store.keyById(header.keyId) : undefined;

  if (header && (blobKey || k.store.wasDeleted(header.keyId))) {
    // A symmetric ciphertext of ours. Its key is gone, or in another Region (keys are Regional): AWS's
    // "refers to a customer master key that does not exist, does not exist in this region, or you are not
    // allowed to access".
    if (!blobKey || blobKey.region !== k.ctx.region) throw ciphertextKeyUnavailable();
    // LS-KMS-SNAP test_error_messaging_for_invalid_keys: a KeyId naming any other key (even an HMAC key).
    if (named && named.key.keyId !== blobKey.keyId) {
      // ct-decrypt.md "Decrypt failure": the record names the key the caller asked for.
      noteKey(k.ctx.audit, named.key);
      throw incorrectKey();
    }
    noteKey(k.ctx.audit, blobKey);
    authorizeKey(k, { action: r.action, key: blobKey, requestAlias: named?.alias, encryptionContext: r.ec, context: { 'kms:EncryptionAlgorithm': algorithm }, fromCiphertext: !named });
    requireEnabled(blobKey);
    checkAlgorithm(blobKey, algorithm);
    const material = blobKey.materials.find((m) => m.id === header.materialId);
    const plaintext = material ? openBlob(r.ciphertext, material.secret, r.ec) : undefined;
    if (!material || !plaintext) throw invalidCiphertext();
    return { key: blobKey, plaintext, algorithm, materialId: material.id };
  }

  if (!named) throw invalidCiphertext();
  const key = named.key;
  noteKey(k.ctx.audit, key);
  if (key.keySpec === 'SYMMETRIC_DEFAULT') throw invalidCiphertext();
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') throw incorrectKey();
  // An RSA key: the ciphertext is a bare RSAES-OAEP block, so KeyId and EncryptionAlgorithm are required.
  authorizeKey(k, { action: r.action, key, requestAlias: named.alias, encryptionContext: r.ec, context: { 'kms:EncryptionAlgorithm': algorithm } });
  requireEnabled(key);
  requireUsage(key, 'ENCRYPT_DECRYPT', r.action === 'Decrypt' ? 'Decrypt' : 'ReEncrypt');
  checkAlgorithm(key, algorithm);
  noContextForAsymmetric(key, r.ec);
  const plaintext = rsaDecrypt(key.asymmetric!, algorithm, r.ciphertext);
  if (!plaintext) throw invalidCiphertext();
  return { key, plaintext, algorithm };
}

export interface SealRequest {
  keyId: string | undefined;
  plaintext: Buffer;
  ec?: EncryptionContext;
  algorithm?: string;
  action: 'Encrypt' | 'ReEncryptTo';
}

export function sealFor(k: KmsCall, r: SealRequest): { key: KmsKey; blob: Buffer; algorithm: string; materialId?: string } {
  const algorithm = r.algorithm ?? 'SYMMETRIC_DEFAULT';
  const { key } = target(k, r.keyId, {
    action: r.action,
    aliases: true,
    crossAccount: true,
    encryptionContext: r.ec,
    context: { 'kms:EncryptionAlgorithm': algorithm },
  });
  requireEnabled(key);
  requireUsage(key, 'ENCRYPT_DECRYPT', r.action === 'Encrypt' ? 'Encrypt' : 'ReEncrypt');
  checkAlgorithm(key, algorithm);
  if (key.keySpec === 'SYMMETRIC_DEFAULT') {
    const sealed = sealSymmetric(key, r.plaintext, r.ec);
    return { key, blob: sealed.blob, algorithm, materialId: sealed.materialId };
  }
  noContextForAsymmetric(key, r.ec);
  // LS-KMS-SNAP test_encrypt_validate_plaintext_size_per_key_type.
  const max = maxOaepPlaintext(key.keySpec, algorithm);
  if (r.plaintext.length > max) throw validation(`Algorithm ${algorithm} and key spec ${key.keySpec} cannot encrypt data larger than ${max} bytes.`);
  return { key, blob: rsaEncrypt(key.asymmetric!, algorithm, r.plaintext), algorithm };
}

export function Encrypt(input: KmsInput, k: KmsCall): unknown {
  const algorithm = str(input, 'EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  // ct-encrypt: {encryptionContext, keyId, encryptionAlgorithm}; the plaintext is never logged.
  k.ctx.audit.requestParameters = requestParameters(input, { encryptionAlgorithm: algorithm });
  const sealed = sealFor(k, { keyId: str(input, 'KeyId'), plaintext: blob(input, 'Plaintext') ?? Buffer.alloc(0), ec: context(input), algorithm, action: 'Encrypt' });
  if (sealed.materialId) k.ctx.audit.additionalEventData = { keyMaterialId: sealed.materialId };
  checkDryRun(input);
  return { CiphertextBlob: sealed.blob, KeyId: sealed.key.arn, EncryptionAlgorithm: sealed.algorithm };
}

export function Decrypt(input: KmsInput, k: KmsCall): unknown {
  const algorithm = str(input, 'EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  // ct-decrypt: "always includes the encryptionAlgorithm in the requestParameters"; keyId is the key's ARN.
  k.ctx.audit.requestParameters = requestParameters(input, { encryptionAlgorithm: algorithm });
  const opened = openCiphertext(k, { ciphertext: blob(input, 'CiphertextBlob') ?? Buffer.alloc(0), keyId: str(input, 'KeyId'), ec: context(input), algorithm, action: 'Decrypt' });
  k.ctx.audit.requestParameters = requestParameters(input, { encryptionAlgorithm: algorithm, keyId: opened.key.arn });
  if (opened.materialId) k.ctx.audit.additionalEventData = { keyMaterialId: opened.materialId };
  checkDryRun(input);
  return { KeyId: opened.key.arn, Plaintext: opened.plaintext, EncryptionAlgorithm: opened.algorithm, KeyMaterialId: opened.materialId };
}

export function ReEncrypt(input: KmsInput, k: KmsCall): unknown {
  const sourceAlgorithm = str(input, 'SourceEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const destinationAlgorithm = str(input, 'DestinationEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  // ct-reencrypt: both algorithms, both contexts and the destination key id; resources list source then destination.
  k.ctx.audit.requestParameters = requestParameters(input, { sourceEncryptionAlgorithm: sourceAlgorithm, destinationEncryptionAlgorithm: destinationAlgorithm });
  const opened = openCiphertext(k, {
    ciphertext: blob(input, 'CiphertextBlob') ?? Buffer.alloc(0),
    keyId: str(input, 'SourceKeyId'),
    ec: context(input, 'SourceEncryptionContext'),
    algorithm: sourceAlgorithm,
    action: 'ReEncryptFrom',
  });
  const sealed = sealFor(k, {
    keyId: str(input, 'DestinationKeyId'),
    plaintext: opened.plaintext,
    ec: context(input, 'DestinationEncryptionContext'),
    algorithm: destinationAlgorithm,
    action: 'ReEncryptTo',
  });
  checkDryRun(input);
  return {
    CiphertextBlob: sealed.blob,
    SourceKeyId: opened.key.arn,
    KeyId: sealed.key.arn,
    SourceEncryptionAlgorithm: opened.algorithm,
    DestinationEncryptionAlgorithm: sealed.algorithm,
    SourceKeyMaterialId: opened.materialId,
    DestinationKeyMaterialId: sealed.materialId,
  };
}
