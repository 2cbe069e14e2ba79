import type { KeyObject } from 'node:crypto';
import type { PolicyDocument } from '../policy/types.js';

/**
 * The KMS data model: what one key, alias and grant hold. Field names follow the API (KeyMetadata,
 * AliasListEntry, GrantListEntry) so that responses are plain projections of state.
 */

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC';
export type KeySpec =
  | 'SYMMETRIC_DEFAULT'
  | 'RSA_2048' | 'RSA_3072' | 'RSA_4096'
  | 'ECC_NIST_P256' | 'ECC_NIST_P384' | 'ECC_NIST_P521' | 'ECC_SECG_P256K1'
  | 'HMAC_224' | 'HMAC_256' | 'HMAC_384' | 'HMAC_512';

/** One version of a symmetric key's (or HMAC key's) secret. Old versions are kept forever (rotate-keys.md). */
export interface KeyMaterial {
  /** 64 lowercase hex characters, the API's KeyMaterialId / CurrentKeyMaterialId (BackingKeyIdType). */
  id: string;
  secret: Buffer;
  createdAt: Date;
  /** Absent for the first material; how the later ones came to be (RotationsListEntry.RotationType). */
  rotationType?: 'AUTOMATIC' | 'ON_DEMAND';
}

export interface AsymmetricMaterial {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo, what GetPublicKey returns. */
  publicDer: Buffer;
}

export interface RotationConfig {
  enabled: boolean;
  periodInDays: number;
  nextRotationDate?: Date;
  onDemandCount: number;
  onDemandStartDate?: Date;
}

export interface GrantConstraints {
  EncryptionContextSubset?: Record<string, string>;
  EncryptionContextEquals?: Record<string, string>;
}

export interface Grant {
  GrantId: string;
  /** Opaque token returned by CreateGrant; RetireGrant accepts it in place of KeyId + GrantId. */
  token: string;
  KeyId: string; // key ARN
  Name?: string;
  CreationDate: Date;
  /** The grantee: a principal ARN, or (GranteeServicePrincipal) an AWS service principal name. */
  GranteePrincipal: string;
  RetiringPrincipal?: string;
  /** Whether GranteePrincipal / RetiringPrincipal came as service principals (listed under those names). */
  granteeIsService?: boolean;
  retiringIsService?: boolean;
  /** arn:aws:iam::ACCT:root of the account the grant was created in. */
  IssuingAccount: string;
  Operations: string[];
  Constraints?: GrantConstraints;
}

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface KmsKey {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  creationDate: Date;
  description: string;
  keyUsage: KeyUsage;
  keySpec: KeySpec;
  keyManager: 'CUSTOMER' | 'AWS';
  state: KeyState;
  deletionDate?: Date;
  pendingWindowInDays?: number;
  /** The key policy exactly as it was set: GetKeyPolicy returns the caller's own text. */
  policyText: string;
  policy: PolicyDocument;
  tags: Tag[];
  /** Symmetric and HMAC keys: every version, oldest first; the last one is current. */
  materials: KeyMaterial[];
  asymmetric?: AsymmetricMaterial;
  rotation: RotationConfig;
  grants: Map<string, Grant>;
}

export interface Alias {
  AliasName: string;
  AliasArn: string;
  /** Key id (not ARN) of the target key. */
  TargetKeyId: string;
  CreationDate: Date;
  LastUpdatedDate: Date;
}
