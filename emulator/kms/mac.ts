import { authorizeIdentity } from './authz.js';
import { requestParameters } from './audit.js';
import type { KmsCall, KmsInput } from './call.js';
import { blob, checkDryRun, num, str } from './call.js';
import { HMAC_SPECS, mac, macEquals } from './crypto-symmetric.js';
import { randomBytes } from 'node:crypto';
import { algorithmIncompatible, invalidMac, unsupported, validation } from './errors.js';
import { currentMaterial } from './metadata.js';
import { requireEnabled, requireUsage, target } from './target.js';
import type { KmsKey } from './types.js';

/**
 * GenerateMac / VerifyMac with HMAC keys, and GenerateRandom. Recorded against AWS (LS-KMS-SNAP):
 * `Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.` (InvalidKeyUsageException), a MAC that does
 * not verify is KMSInvalidMacException with an empty message, and GenerateRandom's `NumberOfBytes is required.`.
 */

function prepare(input: KmsInput, k: KmsCall, operation: 'GenerateMac' | 'VerifyMac'): { key: KmsKey; algorithm: string; hash: string } {
  // ct-generatemac / ct-verifymac: {macAlgorithm, keyId}.
  k.ctx.audit.requestParameters = requestParameters(input);
  const algorithm = str(input, 'MacAlgorithm') ?? '';
  const { key } = target(k, str(input, 'KeyId'), { action: operation, aliases: true, crossAccount: true, context: { 'kms:MacAlgorithm': algorithm } });
  requireEnabled(key);
  requireUsage(key, 'GENERATE_VERIFY_MAC', operation);
  const spec = HMAC_SPECS[key.keySpec];
  if (spec.algorithm !== algorithm) throw algorithmIncompatible(algorithm, key.keySpec);
  return { key, algorithm, hash: spec.hash };
}

export function GenerateMac(input: KmsInput, k: KmsCall): unknown {
  const r = prepare(input, k, 'GenerateMac');
  checkDryRun(input);
  return { Mac: mac(currentMaterial(r.key).secret, r.hash, blob(input, 'Message') ?? Buffer.alloc(0)), MacAlgorithm: r.algorithm, KeyId: r.key.arn };
}

export function VerifyMac(input: KmsInput, k: KmsCall): unknown {
  const r = prepare(input, k, 'VerifyMac');
  const expected = mac(currentMaterial(r.key).secret, r.hash, blob(input, 'Message') ?? Buffer.alloc(0));
  if (!macEquals(expected, blob(input, 'Mac') ?? Buffer.alloc(0))) throw invalidMac();
  checkDryRun(input);
  return { KeyId: r.key.arn, MacValid: true, MacAlgorithm: r.algorithm };
}

export function GenerateRandom(input: KmsInput, k: KmsCall): unknown {
  // ct-generaterandom: requestParameters null, resources [].
  k.ctx.audit.requestParameters = null;
  k.ctx.audit.resources = [];
  const n = num(input, 'NumberOfBytes');
  if (n === undefined) throw validation('NumberOfBytes is required.');
  if (str(input, 'CustomKeyStoreId') !== undefined) throw unsupported('Custom key stores are not supported in this emulator.');
  authorizeIdentity(k, 'GenerateRandom');
  return { Plaintext: randomBytes(n) };
}
