import { randomBytes } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import { requestParameters } from './audit.js';
import type { KmsCall, KmsInput } from './call.js';
import { checkDryRun, context, num, str } from './call.js';
import { ASYMMETRIC_SPECS, generateDataKeyPair } from './crypto-asymmetric.js';
import { sealSymmetric } from './crypto-ops.js';
import type { EncryptionContext } from './encryption-context.js';
import { unsupported, validation } from './errors.js';
import { requireEnabled, requireUsage, target } from './target.js';
import type { KmsKey } from './types.js';

/**
 * GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext.
 * The data key (or the pair's private key) is encrypted exactly as Encrypt would encrypt it, so Decrypt opens
 * it. Only symmetric encryption keys can protect data keys (API reference: "specify a symmetric encryption KMS
 * key").
 */

export interface DataKey {
  key: KmsKey;
  plaintext: Buffer;
  ciphertext: Buffer;
  materialId: string;
}

/** Moto's long-standing text for this case (AWS's own is not recorded). */
const SPEC_OR_BYTES = 'Please specify either number of bytes or key spec.';

function requireSymmetric(key: KmsKey, operation: string): void {
  requireUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT')
    throw new AwsError('InvalidKeyUsageException', `${key.arn} key spec is ${key.keySpec} which is not valid for ${operation}.`);
}

/** Shared by the operations and the KmsPort (S3's SSE-KMS data keys). */
export function makeDataKey(k: KmsCall, operation: string, keyId: string | undefined, ec: EncryptionContext | undefined,
  bytes: number): DataKey {
  const { key } = target(k, keyId, { action: operation, aliases: true, crossAccount: true, encryptionContext: ec });
  requireEnabled(key);
  requireSymmetric(key, operation);
  const plaintext = randomBytes(bytes);
  const sealed = sealSymmetric(key, plaintext, ec);
  k.ctx.audit.additionalEventData = { keyMaterialId: sealed.materialId };
  return { key, plaintext, ciphertext: sealed.blob, materialId: sealed.materialId };
}

function dataKeyBytes(input: KmsInput): number {
  const spec = str(input, 'KeySpec');
  const n = num(input, 'NumberOfBytes');
  if ((spec === undefined) === (n === undefined)) throw validation(SPEC_OR_BYTES);
  return spec === 'AES_128' ? 16 : spec === 'AES_256' ? 32 : n!;
}

export function GenerateDataKey(input: KmsInput, k: KmsCall): unknown {
  // ct-generatedatakey: {keyId, keySpec, encryptionContext} (as sent), responseElements null.
  k.ctx.audit.requestParameters = requestParameters(input);
  const bytes = dataKeyBytes(input);
  const dk = makeDataKey(k, 'GenerateDataKey', str(input, 'KeyId'), context(input), bytes);
  checkDryRun(input);
  return { CiphertextBlob: dk.ciphertext, Plaintext: dk.plaintext, KeyId: dk.key.arn, KeyMaterialId: dk.materialId };
}

export function GenerateDataKeyWithoutPlaintext(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const bytes = dataKeyBytes(input);
  const dk = makeDataKey(k, 'GenerateDataKeyWithoutPlaintext', str(input, 'KeyId'), context(input), bytes);
  checkDryRun(input);
  return { CiphertextBlob: dk.ciphertext, KeyId: dk.key.arn, KeyMaterialId: dk.materialId };
}

async function dataKeyPair(input: KmsInput, k: KmsCall, operation: string): Promise<Record<string, unknown>> {
  // ct-generatedatakeypair: {keyPairSpec, encryptionContext, keyId}.
  k.ctx.audit.requestParameters = requestParameters(input);
  const pairSpec = str(input, 'KeyPairSpec') ?? '';
  const ec = context(input);
  const { key } = target(k, str(input, 'KeyId'), { action: operation, aliases: true, crossAccount: true, encryptionContext: ec, context: { 'kms:DataKeyPairSpec': pairSpec } });
  requireEnabled(key);
  requireSymmetric(key, operation);
  if (!ASYMMETRIC_SPECS[pairSpec]) throw unsupported(`KeyPairSpec ${pairSpec} is not supported in this emulator.`);
  checkDryRun(input);
  const pair = await generateDataKeyPair(pairSpec);
  const sealed = sealSymmetric(key, pair.privateDer, ec);
  k.ctx.audit.additionalEventData = { keyMaterialId: sealed.materialId };
  return {
    PrivateKeyCiphertextBlob: sealed.blob,
    PrivateKeyPlaintext: pair.privateDer,
    PublicKey: pair.publicDer,
    KeyId: key.arn,
    KeyPairSpec: pairSpec,
    KeyMaterialId: sealed.materialId,
  };
}

export async function GenerateDataKeyPair(input: KmsInput, k: KmsCall): Promise<unknown> {
  return dataKeyPair(input, k, 'GenerateDataKeyPair');
}

export async function GenerateDataKeyPairWithoutPlaintext(input: KmsInput, k: KmsCall): Promise<unknown> {
  const out = await dataKeyPair(input, k, 'GenerateDataKeyPairWithoutPlaintext');
  delete out.PrivateKeyPlaintext;
  return out;
}
