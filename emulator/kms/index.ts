import type { Emulator } from '../core/emulator.js';
import type { Operation } from '../core/service.js';
import { CreateAlias, DeleteAlias, ListAliases, UpdateAlias } from './aliases.js';
import { requestParameters } from './audit.js';
import type { KmsOperation } from './call.js';
import { Decrypt, Encrypt, ReEncrypt } from './crypto-ops.js';
import {
  GenerateDataKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateDataKeyWithoutPlaintext,
} from './data-keys.js';
import { checkGrantTokens, CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant } from './grants.js';
import { GetKeyPolicy, ListKeyPolicies, PutKeyPolicy } from './key-policy.js';
import {
  CancelKeyDeletion, CreateKey, DescribeKey, DisableKey, EnableKey, ListKeys, ScheduleKeyDeletion, UpdateKeyDescription,
} from './keys.js';
import { GenerateMac, GenerateRandom, VerifyMac } from './mac.js';
import { KmsPortImpl } from './port.js';
import {
  DisableKeyRotation, EnableKeyRotation, GetKeyRotationStatus, ListKeyRotations, RotateKeyOnDemand,
} from './rotation.js';
import { GetPublicKey, Sign, Verify } from './signing.js';
import { KmsStore } from './state.js';
import { ListResourceTags, TagResource, UntagResource } from './tags.js';
import { validateInput } from './validate.js';

/**
 * The KMS service: JSON 1.1 under `TrentService.*` (BOTO-KMS metadata), its state per account and Region, and
 * the KmsPort other services use. Registered from emulator/services.ts.
 */

const OPERATIONS: Record<string, KmsOperation> = {
  CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription,
  GetKeyPolicy, PutKeyPolicy, ListKeyPolicies,
  CreateAlias, UpdateAlias, DeleteAlias, ListAliases,
  Encrypt, Decrypt, ReEncrypt,
  GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext,
  GenerateRandom, GenerateMac, VerifyMac,
  Sign, Verify, GetPublicKey,
  EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations,
  CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant,
  TagResource, UntagResource, ListResourceTags,
};

/**
 * CloudTrail readOnly: the examples mark the cryptographic operations and the Describe/Get/List operations
 * read-only (ct-*.md: Encrypt, Decrypt, GenerateDataKey*, ReEncrypt, Sign, Verify, GenerateMac, VerifyMac,
 * GenerateRandom, DescribeKey, GetKeyPolicy, ListAliases, ListGrants → "readOnly": true; CT-UG
 * logging-management-events: "KMS Encrypt, Decrypt, GenerateDataKey … are logged as Read events").
 */
export const READ_ONLY: ReadonlySet<string> = new Set([
  'DescribeKey', 'ListKeys', 'ListAliases', 'GetKeyPolicy', 'ListKeyPolicies', 'GetKeyRotationStatus', 'ListKeyRotations',
  'ListGrants', 'ListRetirableGrants', 'ListResourceTags', 'GetPublicKey',
  'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom', 'Sign', 'Verify', 'GenerateMac', 'VerifyMac',
]);

export function registerKms(emulator: Emulator): KmsStore {
  const store = emulator.track(new KmsStore());
  const operations: Record<string, Operation> = {};
  for (const [name, fn] of Object.entries(OPERATIONS)) {
    operations[name] = async (input: Record<string, unknown>, ctx) => {
      // What reaches CloudTrail if the request fails before the operation says more (never secrets: audit.ts).
      ctx.audit.requestParameters = requestParameters(input);
      validateInput(name, input);
      checkGrantTokens(input);
      store.tick(ctx.now);
      // Operations that may change a key's state, deletion date or rotation make the next tick look again.
      if (READ_ONLY.has(name)) return fn(input, { ctx, store });
      try {
        return await fn(input, { ctx, store });
      } finally {
        store.changed();
      }
    };
  }
  emulator.register({
    signingName: 'kms',
    eventSource: 'kms.amazonaws.com',
    protocol: 'json',
    targetPrefix: 'TrentService',
    operations,
    readOnly: READ_ONLY,
  });
  emulator.kms = new KmsPortImpl(emulator, store);
  return store;
}
