import { AwsError } from '../core/errors.js';
import { aliasResource, requestParameters } from './audit.js';
import { authorizeIdentity } from './authz.js';
import type { KmsCall, KmsInput } from './call.js';
import { num, str } from './call.js';
import { aliasAlreadyExists, aliasNotFound, validation } from './errors.js';
import { HMAC_SPECS } from './crypto-symmetric.js';
import { paginate } from './pagination.js';
import { aliasArn, resolveKey } from './resolve.js';
import { requireNotPendingDeletion, target } from './target.js';
import type { KmsKey } from './types.js';

/**
 * CreateAlias / UpdateAlias / DeleteAlias / ListAliases. Permissions, as the API reference lists them:
 * `kms:<Op>` on the alias ARN from an IAM policy, and on the key(s) from the key policy. Aliases live in one
 * account and Region and cannot be used across accounts ("Cross-account use: No").
 */

/** LS-KMS-SNAP test_create_alias. */
const PREFIX_MESSAGE = 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html';

function checkAliasName(name: string): void {
  if (!name.startsWith('alias/')) throw validation(PREFIX_MESSAGE);
  // "Alias names cannot begin with alias/aws/. That alias name prefix is reserved for AWS managed keys"
  // (KMS-DG kms-alias.md). No capture of the error text; the code is the one BOTO-KMS lists for this case.
  if (name.startsWith('alias/aws/')) throw new AwsError('NotAuthorizedException', `${name} is reserved for AWS managed keys and cannot be created, updated or deleted by a caller.`);
}

function aliasTarget(k: KmsCall, name: string): { arn: string } {
  const arn = aliasArn(k.ctx.region, k.ctx.principal.accountId, name);
  k.ctx.audit.resources ??= [];
  k.ctx.audit.resources.push(aliasResource(arn, k.ctx.principal.accountId));
  return { arn };
}

const keyKind = (key: KmsKey): string =>
  key.keySpec === 'SYMMETRIC_DEFAULT' ? 'symmetric' : HMAC_SPECS[key.keySpec] ? 'HMAC' : 'asymmetric';

export function CreateAlias(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const name = str(input, 'AliasName') ?? '';
  checkAliasName(name);
  const { key } = target(k, str(input, 'TargetKeyId'), { action: 'CreateAlias' });
  const { arn } = aliasTarget(k, name);
  authorizeIdentity(k, 'CreateAlias', arn);
  requireNotPendingDeletion(key);
  const aliases = k.store.region(k.ctx.principal.accountId, k.ctx.region).aliases;
  if (aliases.has(name)) throw aliasAlreadyExists(arn);
  aliases.set(name, { AliasName: name, AliasArn: arn, TargetKeyId: key.keyId, CreationDate: k.ctx.now, LastUpdatedDate: k.ctx.now });
  return {};
}

/** UpdateAlias/DeleteAlias: the named alias of the caller's account and region, which IAM must let them change. */
function existingAlias(input: KmsInput, k: KmsCall, action: 'UpdateAlias' | 'DeleteAlias') {
  k.ctx.audit.requestParameters = requestParameters(input);
  const name = str(input, 'AliasName') ?? '';
  checkAliasName(name);
  const { arn } = aliasTarget(k, name);
  const aliases = k.store.region(k.ctx.principal.accountId, k.ctx.region).aliases;
  const alias = aliases.get(name);
  if (!alias) throw aliasNotFound(arn);
  authorizeIdentity(k, action, arn);
  return { name, aliases, alias };
}

export function UpdateAlias(input: KmsInput, k: KmsCall): Record<string, never> {
  const { name, aliases, alias } = existingAlias(input, k, 'UpdateAlias');
  const current = resolveKey(k, alias.TargetKeyId, { aliases: false, crossAccount: false }).key;
  target(k, current.keyId, { action: 'UpdateAlias' });
  const { key: next } = target(k, str(input, 'TargetKeyId'), { action: 'UpdateAlias' });
  // key-state.md [10]: the new key must not be pending deletion.
  requireNotPendingDeletion(next);
  // "The current and new KMS key must be the same type … and they must have the same key usage" (API reference).
  if (keyKind(current) !== keyKind(next) || current.keyUsage !== next.keyUsage)
    throw validation(`${next.arn} cannot replace ${current.arn} as the target of ${name}: the keys must be of the same type (${keyKind(current)}) and key usage (${current.keyUsage}).`);
  alias.TargetKeyId = next.keyId;
  alias.LastUpdatedDate = k.ctx.now;
  return {};
}

export function DeleteAlias(input: KmsInput, k: KmsCall): Record<string, never> {
  const { name, aliases, alias } = existingAlias(input, k, 'DeleteAlias');
  target(k, alias.TargetKeyId, { action: 'DeleteAlias' });
  aliases.delete(name);
  return {};
}

export function ListAliases(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  k.ctx.audit.resources = [];
  authorizeIdentity(k, 'ListAliases');
  const keyId = str(input, 'KeyId');
  const only = keyId !== undefined ? resolveKey(k, keyId, { aliases: false, crossAccount: false }).key : undefined;
  const all = [...(k.store.peekRegion(k.ctx.principal.accountId, k.ctx.region)?.aliases.values() ?? [])]
    .filter((a) => !only || a.TargetKeyId === only.keyId);
  const page = paginate(all, num(input, 'Limit'), str(input, 'Marker'), { default: 50, max: 100 });
  return { Aliases: page.items.map((a) => ({ ...a })), NextMarker: page.NextMarker, Truncated: page.Truncated };
}
