import { checkAccess, type AccessResult } from '../core/authorize.js';
import { accessDeniedMessage, type MessageOptions } from '../policy/message.js';
import type { ContextValue } from '../policy/types.js';
import type { KmsCall } from './call.js';
import { contextConditionKeys, type EncryptionContext } from './encryption-context.js';
import { accessDenied } from './errors.js';
import { grantAllows } from './grants-match.js';
import type { KmsKey } from './types.js';

/**
 * Who may do what to a key (KMS-DG policy-evaluation.md; aws-behaviour.md §A.3):
 * 1. the key policy ('kms-key' mode: naming the account delegates to IAM, naming the principal grants on its
 *    own) together with the caller's identity policies, evaluated by the policy engine — an explicit deny in
 *    either is final;
 * 2. otherwise a grant on the key for the caller, the operation and (if constrained) the encryption context.
 *    Grants only ever allow ("Grants … can only allow access, not deny it", KMS-DG grants.md).
 * Denials are AccessDeniedException with the engine's IAM-style text, e.g. `User: arn:aws:iam::…:user/alice is
 * not authorized to perform: kms:Encrypt on resource: arn:aws:kms:…:key/… because no resource-based policy
 * allows the kms:Encrypt action`.
 */

export interface KeyAccess {
  /** API operation name; the IAM action is `kms:<action>` (ReEncryptFrom/ReEncryptTo for ReEncrypt). */
  action: string;
  key: KmsKey;
  encryptionContext?: EncryptionContext;
  /** The alias the request named the key by (kms:RequestAlias). */
  requestAlias?: string;
  /** Operation-specific condition keys (kms:EncryptionAlgorithm, kms:GrantOperations, …). */
  context?: Record<string, ContextValue | undefined>;
  /** Decrypt without KeyId: the caller named no key, only a ciphertext. */
  fromCiphertext?: boolean;
}

/** Condition keys every request on a key carries (KMS-DG conditions-kms.md, conditions-aws.md). */
function keyContext(k: KmsCall, a: KeyAccess): Record<string, ContextValue | undefined> {
  const { key } = a;
  const ctx: Record<string, ContextValue | undefined> = {
    'kms:CallerAccount': k.ctx.principal.accountId,
    'kms:ViaService': k.viaService,
    // A service calling on the requester's behalf (IAM global condition keys, aws:ViaAWSService).
    'aws:ViaAWSService': k.viaService !== undefined,
    'kms:KeySpec': key.keySpec,
    'kms:KeyUsage': key.keyUsage,
    'kms:KeyOrigin': 'AWS_KMS',
    'kms:MultiRegion': false,
    'kms:RequestAlias': a.requestAlias,
    ...contextConditionKeys(a.encryptionContext),
    ...a.context,
  };
  const aliases = k.store.aliasesOf(key).map((x) => x.AliasName);
  if (aliases.length > 0) ctx['kms:ResourceAliases'] = aliases;
  for (const t of key.tags) ctx[`aws:ResourceTag/${t.TagKey}`] = t.TagValue;
  return ctx;
}

export function checkKeyAccess(k: KmsCall, a: KeyAccess): AccessResult {
  return checkAccess(k.ctx, {
    action: `kms:${a.action}`,
    resource: a.key.arn,
    resourceAccount: a.key.accountId,
    resourcePolicy: a.key.policy,
    mode: 'kms-key',
    context: keyContext(k, a),
  });
}

/**
 * Throws AccessDeniedException unless the key policy + IAM, or a grant, allow the action.
 * A caller from another account whom the key policy keeps out is not told the key exists: AWS names no
 * resource then — "… kms:GenerateDataKey on this resource because the resource does not exist in this
 * Region, no resource-based policies allow access, or a resource-based policy explicitly denies access"
 * (github.com/buildkite/docs/pull/2344), and for a ciphertext "… kms:Decrypt on the resource associated with
 * this ciphertext because …" (github.com/onnela-lab/beiwe-backend/issues/363).
 */
export function authorizeKey(k: KmsCall, a: KeyAccess): void {
  const result = checkKeyAccess(k, a);
  if (result.decision.allowed) return;
  if (result.decision.effect !== 'ExplicitDeny' && grantAllows(k, a.key, a.action, a.encryptionContext)) return;
  const conceal: MessageOptions['conceal'] = a.key.accountId !== k.ctx.principal.accountId && result.decision.deniedBy === 'resource-based'
    ? (a.fromCiphertext ? 'the resource associated with this ciphertext' : 'this resource')
    : undefined;
  throw accessDenied(accessDeniedMessage(result.request, result.decision, { conceal }), result.decision);
}

/**
 * Operations on no particular key (CreateKey, ListKeys, ListAliases, GenerateRandom, ListRetirableGrants) and
 * the alias side of alias operations: identity policies only ("Principals: IAM policy", BOTO-KMS "Required
 * permissions"). The account root is always allowed.
 */
export function authorizeIdentity(k: KmsCall, action: string, resource = '*', context: Record<string, ContextValue | undefined> = {}): void {
  const result = checkAccess(k.ctx, {
    action: `kms:${action}`,
    resource,
    resourceAccount: resource === '*' ? '' : k.ctx.principal.accountId,
    mode: 'none',
    context: { 'kms:CallerAccount': k.ctx.principal.accountId, 'kms:ViaService': k.viaService, ...context },
  });
  if (!result.decision.allowed) throw accessDenied(accessDeniedMessage(result.request, result.decision), result.decision);
}
