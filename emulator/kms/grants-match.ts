import { checkAccess } from '../core/authorize.js';
import type { Principal } from '../core/principal.js';
import { accountOf } from '../policy/principal-match.js';
import type { KmsCall } from './call.js';
import { equalsContext, satisfiesSubset, type EncryptionContext } from './encryption-context.js';
import type { Grant, KmsKey } from './types.js';

/**
 * Whether a grant lets the caller perform an operation (KMS-DG grants.md):
 * - the grantee (or retiring) principal names the caller: its user ARN, its role's ARN (a role grant covers
 *   the role's sessions) or the exact session ARN, or a service principal; naming an account (root ARN)
 *   delegates to that account's IAM policies, as a key policy's root statement does;
 * - the operation is among the grant's Operations;
 * - grant constraints hold: EncryptionContextSubset / EncryptionContextEquals are checked for operations
 *   that take an encryption context; "grant constraints … apply only to cryptographic operations that
 *   accept an encryption context".
 */

const TAKES_CONTEXT = new Set([
  'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
]);

export function principalNamed(value: string | undefined, p: Principal, k: KmsCall, action: string, key: KmsKey): boolean {
  if (!value) return false;
  if (p.kind === 'service') return value === p.servicePrincipal;
  if (value === p.arn) return true;
  if (p.kind === 'assumed-role' && value === p.role?.arn) return true;
  const account = accountOf(value);
  if (account === undefined || account !== p.accountId) return false;
  if (p.kind === 'root') return true;
  // An account-level grantee: the caller's identity policies must allow the action on the key.
  return checkAccess(k.ctx, { action: `kms:${action}`, resource: key.arn, resourceAccount: key.accountId, mode: 'none' }).decision.allowed;
}

export function constraintsHold(grant: Grant, action: string, ec: EncryptionContext | undefined): boolean {
  const c = grant.Constraints;
  if (!c || !TAKES_CONTEXT.has(action)) return true;
  if (c.EncryptionContextEquals && !equalsContext(ec, c.EncryptionContextEquals)) return false;
  if (c.EncryptionContextSubset && !satisfiesSubset(ec, c.EncryptionContextSubset)) return false;
  return true;
}

/** The grants through which the caller may perform `action` on the key. */
export function grantsFor(k: KmsCall, key: KmsKey, action: string, ec?: EncryptionContext): Grant[] {
  return [...key.grants.values()].filter((g) =>
    g.Operations.includes(action) && principalNamed(g.GranteePrincipal, k.ctx.principal, k, action, key) && constraintsHold(g, action, ec));
}

export function grantAllows(k: KmsCall, key: KmsKey, action: string, ec?: EncryptionContext): boolean {
  return grantsFor(k, key, action, ec).length > 0;
}
