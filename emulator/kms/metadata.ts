import { randomUUID } from 'node:crypto';
import { parsePolicy } from '../policy/validate.js';
import { ASYMMETRIC_SPECS, generateAsymmetric } from './crypto-asymmetric.js';
import { HMAC_SPECS, newMaterial } from './crypto-symmetric.js';
import { keyArn } from './resolve.js';
import type { KeySpec, KeyUsage, KmsKey, Tag } from './types.js';

/**
 * Building a key and describing it. KeyMetadata's shape is the one AWS returns (LS-KMS-SNAP test_create_key,
 * test_hmac_create_key): AWSAccountId, Arn, CreationDate, CurrentKeyMaterialId (symmetric encryption keys
 * only, BOTO-KMS), CustomerMasterKeySpec (= KeySpec), Description, Enabled, EncryptionAlgorithms (only for
 * ENCRYPT_DECRYPT), SigningAlgorithms (SIGN_VERIFY), MacAlgorithms (GENERATE_VERIFY_MAC), KeyId, KeyManager,
 * KeySpec, KeyState, KeyUsage, MultiRegion, Origin, and DeletionDate while pending deletion.
 */

export interface NewKey {
  accountId: string;
  region: string;
  now: Date;
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  description: string;
  policyText: string;
  tags: Tag[];
  keyManager?: 'CUSTOMER' | 'AWS';
  /** Chosen by the caller when the id must be known before the key exists (CreateKey's lockout check). */
  keyId?: string;
}

/** A symmetric or HMAC key, built synchronously (the KmsPort creates AWS managed keys mid-request). */
export function buildKey(o: NewKey): KmsKey {
  const keyId = o.keyId ?? randomUUID();
  const key: KmsKey = {
    keyId,
    arn: keyArn(o.region, o.accountId, keyId),
    accountId: o.accountId,
    region: o.region,
    creationDate: o.now,
    description: o.description,
    keyUsage: o.keyUsage,
    keySpec: o.keySpec,
    keyManager: o.keyManager ?? 'CUSTOMER',
    state: 'Enabled',
    policyText: o.policyText,
    policy: parsePolicy(o.policyText),
    tags: o.tags,
    materials: [],
    // Automatic rotation is off for customer managed keys; AWS managed keys rotate every year (KMS-DG rotate-keys.md).
    rotation: { enabled: false, periodInDays: 365, onDemandCount: 0 },
    grants: new Map(),
  };
  if (o.keySpec === 'SYMMETRIC_DEFAULT') key.materials.push(newMaterial(o.now));
  else if (HMAC_SPECS[o.keySpec]) key.materials.push(newMaterial(o.now, HMAC_SPECS[o.keySpec].bytes));
  return key;
}

/** Any key; RSA and ECC pairs are generated off the event loop. */
export async function makeKey(o: NewKey): Promise<KmsKey> {
  const key = buildKey(o);
  if (ASYMMETRIC_SPECS[o.keySpec]) key.asymmetric = await generateAsymmetric(o.keySpec);
  return key;
}

export const currentMaterial = (key: KmsKey) => key.materials[key.materials.length - 1];

export function encryptionAlgorithms(key: KmsKey): string[] | undefined {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') return undefined;
  return key.keySpec === 'SYMMETRIC_DEFAULT' ? ['SYMMETRIC_DEFAULT'] : ASYMMETRIC_SPECS[key.keySpec].encryptionAlgorithms;
}

export function signingAlgorithms(key: KmsKey): string[] | undefined {
  return key.keyUsage === 'SIGN_VERIFY' ? ASYMMETRIC_SPECS[key.keySpec].signingAlgorithms : undefined;
}

export function macAlgorithms(key: KmsKey): string[] | undefined {
  return key.keyUsage === 'GENERATE_VERIFY_MAC' ? [HMAC_SPECS[key.keySpec].algorithm] : undefined;
}

export function keyMetadata(key: KmsKey): Record<string, unknown> {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.creationDate,
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    DeletionDate: key.state === 'PendingDeletion' ? key.deletionDate : undefined,
    Origin: 'AWS_KMS',
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: encryptionAlgorithms(key),
    SigningAlgorithms: signingAlgorithms(key),
    MacAlgorithms: macAlgorithms(key),
    MultiRegion: false,
    CurrentKeyMaterialId: key.keySpec === 'SYMMETRIC_DEFAULT' ? currentMaterial(key).id : undefined,
  };
}
