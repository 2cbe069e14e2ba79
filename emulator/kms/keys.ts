import { randomUUID } from 'node:crypto';
import { cloudTrailDate, keyMetadataForTrail, noteKey, requestParameters } from './audit.js';
import { authorizeIdentity } from './authz.js';
import type { KmsCall, KmsInput } from './call.js';
import { bool, num, str } from './call.js';
import { ASYMMETRIC_SPECS } from './crypto-asymmetric.js';
import { HMAC_SPECS } from './crypto-symmetric.js';
import { keyNotPendingDeletion, unsupported, validation } from './errors.js';
import { keyMetadata, makeKey } from './metadata.js';
import { paginate } from './pagination.js';
import { checkNewPolicy, defaultKeyPolicy } from './policy.js';
import { keyArn } from './resolve.js';
import { daysFrom } from './state.js';
import { checkTags, mergeTags, tagsOf } from './tags.js';
import { requireNotPendingDeletion, target } from './target.js';
import type { KeySpec, KeyUsage } from './types.js';

/** Key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription. */

/** Which KeyUsage each KeySpec allows (API reference CreateKey, KeySpec; KEY_AGREEMENT is not emulated). */
function allowedUsages(spec: KeySpec): KeyUsage[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['ENCRYPT_DECRYPT'];
  if (HMAC_SPECS[spec]) return ['GENERATE_VERIFY_MAC'];
  if (spec.startsWith('RSA_')) return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
  return ['SIGN_VERIFY'];
}

export async function CreateKey(input: KmsInput, k: KmsCall): Promise<unknown> {
  const keySpec = (str(input, 'KeySpec') ?? str(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT') as KeySpec;
  const cmkSpec = str(input, 'CustomerMasterKeySpec');
  const bypass = bool(input, 'BypassPolicyLockoutSafetyCheck') ?? false;
  const description = str(input, 'Description') ?? '';
  const tags = tagsOf(input);
  const origin = str(input, 'Origin') ?? 'AWS_KMS';
  // ct-createkey.md: requestParameters carry the defaults KMS applied, not only what the caller sent.
  k.ctx.audit.requestParameters = requestParameters(input, {
    description,
    keySpec,
    customerMasterKeySpec: keySpec,
    origin,
    bypassPolicyLockoutSafetyCheck: bypass,
  });

  if (cmkSpec && str(input, 'KeySpec') && cmkSpec !== str(input, 'KeySpec'))
    throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request.');
  if (keySpec !== 'SYMMETRIC_DEFAULT' && !HMAC_SPECS[keySpec] && !ASYMMETRIC_SPECS[keySpec]) throw unsupported(`KeySpec ${keySpec} is not supported in this emulator.`);
  const usageInput = str(input, 'KeyUsage') as KeyUsage | undefined;
  // LS-KMS-SNAP test_hmac_create_key_invalid_operations.
  if (!usageInput && keySpec !== 'SYMMETRIC_DEFAULT')
    throw validation('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  const keyUsage = usageInput ?? 'ENCRYPT_DECRYPT';
  if ((keyUsage as string) === 'KEY_AGREEMENT') throw unsupported('KeyUsage KEY_AGREEMENT is not supported in this emulator.');
  const allowed = allowedUsages(keySpec);
  // Text captured from AWS for SYMMETRIC_DEFAULT + SIGN_VERIFY (github.com/aws/aws-sdk/issues/125); used for every mismatch.
  if (!allowed.includes(keyUsage))
    throw validation(`The operation failed because the KeyUsage value of the CMK is ${keyUsage}. To perform this operation, the KeyUsage value must be ${allowed.join(' or ')}.`);
  if (origin !== 'AWS_KMS') throw unsupported(`Origin ${origin} is not supported in this emulator.`);
  if (str(input, 'CustomKeyStoreId') !== undefined) throw unsupported('Custom key stores are not supported in this emulator.');
  if (bool(input, 'MultiRegion') === true) throw unsupported('Multi-Region keys are not supported in this emulator.');

  // "Required permissions: kms:CreateKey (IAM policy). To use the Tags parameter, kms:TagResource (IAM policy)."
  authorizeIdentity(k, 'CreateKey', '*', { 'kms:KeySpec': keySpec, 'kms:KeyUsage': keyUsage, 'kms:KeyOrigin': origin, 'kms:MultiRegion': false, 'kms:BypassPolicyLockoutSafetyCheck': bypass });
  if (tags.length > 0) authorizeIdentity(k, 'TagResource', '*', { 'aws:TagKeys': tags.map((t) => t.TagKey) });
  checkTags(tags);
  mergeTags([], tags);

  const accountId = k.ctx.principal.accountId;
  const region = k.ctx.region;
  const policyInput = str(input, 'Policy');
  const keyId = randomUUID();
  let policyText = defaultKeyPolicy(accountId);
  if (policyInput !== undefined) {
    // The lockout check asks whether the caller could PutKeyPolicy on the new key under the new policy.
    await checkNewPolicy(k, policyInput, keyArn(region, accountId, keyId), accountId, bypass);
    policyText = policyInput;
  }
  const key = await makeKey({ keyId, accountId, region, now: k.ctx.now, keySpec, keyUsage, description, policyText, tags });
  k.store.addKey(key);
  noteKey(k.ctx.audit, key);
  const meta = keyMetadata(key);
  k.ctx.audit.responseElements = { keyMetadata: keyMetadataForTrail(meta) };
  return { KeyMetadata: meta };
}

export function DescribeKey(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'DescribeKey', aliases: true, crossAccount: true });
  return { KeyMetadata: keyMetadata(key) };
}

export function ListKeys(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  k.ctx.audit.resources = [];
  authorizeIdentity(k, 'ListKeys');
  const keys = [...(k.store.peekRegion(k.ctx.principal.accountId, k.ctx.region)?.keys.values() ?? [])];
  const page = paginate(keys, num(input, 'Limit'), str(input, 'Marker'), { default: 100, max: 1000 });
  return { Keys: page.items.map((x) => ({ KeyId: x.keyId, KeyArn: x.arn })), NextMarker: page.NextMarker, Truncated: page.Truncated };
}

export function EnableKey(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'EnableKey' });
  requireNotPendingDeletion(key);
  key.state = 'Enabled';
  return {};
}

export function DisableKey(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'DisableKey' });
  requireNotPendingDeletion(key);
  key.state = 'Disabled';
  return {};
}

export function ScheduleKeyDeletion(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const days = num(input, 'PendingWindowInDays') ?? 30;
  const { key } = target(k, str(input, 'KeyId'), { action: 'ScheduleKeyDeletion', context: { 'kms:ScheduleKeyDeletionPendingWindowInDays': days } });
  // The model allows 1–365; the service allows 7–30 (BOTO-KMS; text from github.com/Skyscanner/kms-issuer/issues/8).
  if (days < 7 || days > 30) throw validation('PendingWindowInDays must be between 7 and 30');
  requireNotPendingDeletion(key);
  if (key.keyManager === 'AWS') throw unsupported(`${key.arn} is an AWS managed key, which cannot be deleted.`);
  key.state = 'PendingDeletion';
  key.deletionDate = daysFrom(k.ctx.now, days);
  key.pendingWindowInDays = days;
  k.ctx.audit.responseElements = { keyId: key.arn, deletionDate: cloudTrailDate(key.deletionDate), keyState: 'PendingDeletion', pendingWindowInDays: days };
  return { KeyId: key.arn, DeletionDate: key.deletionDate, KeyState: 'PendingDeletion', PendingWindowInDays: days };
}

export function CancelKeyDeletion(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'CancelKeyDeletion' });
  if (key.state !== 'PendingDeletion') throw keyNotPendingDeletion(key.arn);
  // "If the operation succeeds, the key state of the KMS key is Disabled" (API reference CancelKeyDeletion).
  key.state = 'Disabled';
  key.deletionDate = undefined;
  key.pendingWindowInDays = undefined;
  k.ctx.audit.responseElements = { keyId: key.arn };
  return { KeyId: key.arn };
}

export function UpdateKeyDescription(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'UpdateKeyDescription' });
  requireNotPendingDeletion(key);
  key.description = str(input, 'Description') ?? '';
  return {};
}
