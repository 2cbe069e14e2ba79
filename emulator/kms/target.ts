import type { ContextValue } from '../policy/types.js';
import { noteKey } from './audit.js';
import { authorizeKey } from './authz.js';
import type { KmsCall } from './call.js';
import type { EncryptionContext } from './encryption-context.js';
import { invalidKeyUsage, keyDisabled, keyPendingDeletion, validation } from './errors.js';
import { resolveKey, type Resolved } from './resolve.js';
import type { KeyUsage, KmsKey } from './types.js';

/**
 * The first steps of every operation on a key, in AWS's order: find the key (NotFoundException), note it for
 * CloudTrail, authorize the caller (AccessDeniedException) — state and key-usage checks follow in the
 * operation, since which states an operation tolerates differs (KMS-DG key-state.md).
 */

export interface TargetOptions {
  /** API operation; also the IAM action unless `iamAction` says otherwise. */
  action: string;
  iamAction?: string;
  /** Alias names / alias ARNs accepted (cryptographic operations, DescribeKey, GetPublicKey). */
  aliases?: boolean;
  /** "Cross-account use: Yes" in the API reference. */
  crossAccount?: boolean;
  encryptionContext?: EncryptionContext;
  context?: Record<string, ContextValue | undefined>;
}

export function target(k: KmsCall, keyIdInput: string | undefined, o: TargetOptions): Resolved {
  if (keyIdInput === undefined) throw validation(`1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null`);
  const resolved = resolveKey(k, keyIdInput, { aliases: o.aliases ?? false, crossAccount: o.crossAccount ?? false });
  noteKey(k.ctx.audit, resolved.key);
  authorizeKey(k, {
    action: o.iamAction ?? o.action,
    key: resolved.key,
    encryptionContext: o.encryptionContext,
    requestAlias: resolved.alias,
    context: o.context,
  });
  return resolved;
}

/** Cryptographic operations (and CreateGrant, EnableKeyRotation…): KMS-DG key-state.md footnotes [1] and [3]. */
export function requireEnabled(key: KmsKey): void {
  if (key.state === 'Disabled') throw keyDisabled(key.arn);
  if (key.state === 'PendingDeletion') throw keyPendingDeletion(key.arn);
}

/** Management operations that a pending-deletion key refuses (key-state.md [3]) but a disabled one allows. */
export function requireNotPendingDeletion(key: KmsKey): void {
  if (key.state === 'PendingDeletion') throw keyPendingDeletion(key.arn);
}

/** LS-KMS-SNAP test_error_messaging_for_invalid_keys: `<arn> key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.` */
export function requireUsage(key: KmsKey, usage: KeyUsage, operation: string): void {
  if (key.keyUsage !== usage) throw invalidKeyUsage(key.arn, key.keyUsage, operation);
}
