import { requestParameters } from './audit.js';
import type { KmsCall, KmsInput } from './call.js';
import { num, str } from './call.js';
import { newMaterial } from './crypto-symmetric.js';
import { limitExceeded, unsupported } from './errors.js';
import { paginate } from './pagination.js';
import { daysFrom } from './state.js';
import { requireEnabled, target } from './target.js';
import type { KmsKey } from './types.js';

/**
 * Key rotation: automatic (EnableKeyRotation, every RotationPeriodInDays, 90–2560, default 365) and on demand
 * (RotateKeyOnDemand, at most 25 per key). "AWS KMS saves all previous versions of the cryptographic material
 * in perpetuity so you can decrypt any data encrypted with that KMS key" (KMS-DG rotate-keys.md): a rotation
 * appends a material and makes it current; ciphertexts keep naming the material that sealed them.
 * Automatic rotations happen when the emulator's clock passes NextRotationDate (state.ts tick).
 * Only symmetric encryption keys rotate: others get UnsupportedOperationException with an empty message
 * (LS-KMS-SNAP test_rotate_key_on_demand_raises_error_given_non_symmetric_key).
 */

const ON_DEMAND_LIMIT = 25;

function requireRotatable(key: KmsKey): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT' || key.keyManager === 'AWS') throw unsupported();
}

export function EnableKeyRotation(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const period = num(input, 'RotationPeriodInDays') ?? 365;
  const { key } = target(k, str(input, 'KeyId'), { action: 'EnableKeyRotation', context: { 'kms:RotationPeriodInDays': period } });
  requireEnabled(key); // key-state.md: Disabled → [1], PendingDeletion → [3]
  requireRotatable(key);
  key.rotation.enabled = true;
  key.rotation.periodInDays = period;
  key.rotation.nextRotationDate = daysFrom(k.ctx.now, period);
  return {};
}

export function DisableKeyRotation(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'DisableKeyRotation' });
  requireEnabled(key);
  requireRotatable(key);
  key.rotation.enabled = false;
  key.rotation.nextRotationDate = undefined;
  return {};
}

export function GetKeyRotationStatus(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'GetKeyRotationStatus', crossAccount: true });
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupported();
  const r = key.rotation;
  // LS-KMS-SNAP test_key_enable_rotation_status / …_automatic_rotation_disabled: period and next date only while enabled.
  return r.enabled
    ? { KeyId: key.arn, KeyRotationEnabled: true, RotationPeriodInDays: r.periodInDays, NextRotationDate: r.nextRotationDate }
    : { KeyId: key.arn, KeyRotationEnabled: false };
}

export function RotateKeyOnDemand(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'RotateKeyOnDemand' });
  requireEnabled(key); // LS-KMS-SNAP test_rotate_key_on_demand_raises_error_given_key_is_disabled
  requireRotatable(key);
  // LS-KMS-SNAP test_key_rotations_limits.
  if (key.rotation.onDemandCount >= ON_DEMAND_LIMIT)
    throw limitExceeded(`The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`);
  key.rotation.onDemandCount += 1;
  key.materials.push(newMaterial(k.ctx.now, 32, 'ON_DEMAND'));
  return { KeyId: key.arn };
}

export function ListKeyRotations(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'ListKeyRotations' });
  requireRotatable(key);
  const all = str(input, 'IncludeKeyMaterial') === 'ALL_KEY_MATERIAL';
  const current = key.materials[key.materials.length - 1];
  // ROTATIONS_ONLY (the default) leaves out the first material, which no rotation created (BOTO-KMS IncludeKeyMaterial).
  const entries = key.materials
    .filter((m) => all || m.rotationType !== undefined)
    .map((m) => ({
      KeyId: key.arn,
      KeyMaterialId: m.id,
      KeyMaterialState: m === current ? 'CURRENT' : 'NON_CURRENT',
      RotationDate: m.rotationType ? m.createdAt : undefined,
      RotationType: m.rotationType,
    }));
  const page = paginate(entries, num(input, 'Limit'), str(input, 'Marker'), { default: 100, max: 1000 });
  return { Rotations: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
}
