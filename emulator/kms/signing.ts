import { requestParameters } from './audit.js';
import type { KmsCall, KmsInput } from './call.js';
import { blob, checkDryRun, str } from './call.js';
import { digestLength, signMessage, verifySignature } from './crypto-asymmetric.js';
import { algorithmIncompatible, invalidSignature, unsupported, validation } from './errors.js';
import { encryptionAlgorithms, signingAlgorithms } from './metadata.js';
import { requireEnabled, requireUsage, target } from './target.js';
import type { KmsKey } from './types.js';

/**
 * Sign / Verify / GetPublicKey with asymmetric keys. Messages are RAW (KMS hashes them) or DIGEST (the caller
 * hashed them; the length must match the algorithm's hash: `Digest is invalid length for algorithm
 * RSASSA_PSS_SHA_256.`, LS-KMS-SNAP test_sign_verify). A signature that does not verify is
 * KMSInvalidSignatureException with an empty message, not SignatureValid=false (LS-KMS-SNAP "bad-signature").
 */

interface SignRequest {
  key: KmsKey;
  algorithm: string;
  message: Buffer;
  digest: boolean;
}

function prepare(input: KmsInput, k: KmsCall, operation: 'Sign' | 'Verify'): SignRequest {
  const messageType = str(input, 'MessageType') ?? 'RAW';
  const algorithm = str(input, 'SigningAlgorithm') ?? '';
  // ct-sign / ct-verify: {messageType, keyId, signingAlgorithm}.
  k.ctx.audit.requestParameters = requestParameters(input, { messageType });
  const { key } = target(k, str(input, 'KeyId'), {
    action: operation,
    aliases: true,
    crossAccount: true,
    context: { 'kms:SigningAlgorithm': algorithm, 'kms:MessageType': messageType },
  });
  requireEnabled(key);
  requireUsage(key, 'SIGN_VERIFY', operation);
  if (!(signingAlgorithms(key) ?? []).includes(algorithm)) throw algorithmIncompatible(algorithm, key.keySpec);
  if (messageType === 'EXTERNAL_MU') throw unsupported('MessageType EXTERNAL_MU is only for ML-DSA keys, which this emulator does not create.');
  const message = blob(input, 'Message') ?? Buffer.alloc(0);
  const digest = messageType === 'DIGEST';
  if (digest && message.length !== digestLength(algorithm)) throw validation(`Digest is invalid length for algorithm ${algorithm}.`);
  return { key, algorithm, message, digest };
}

export function Sign(input: KmsInput, k: KmsCall): unknown {
  const r = prepare(input, k, 'Sign');
  checkDryRun(input);
  return { KeyId: r.key.arn, Signature: signMessage(r.key.asymmetric!, r.algorithm, r.message, r.digest), SigningAlgorithm: r.algorithm };
}

export function Verify(input: KmsInput, k: KmsCall): unknown {
  const r = prepare(input, k, 'Verify');
  const valid = verifySignature(r.key.asymmetric!, r.algorithm, r.message, r.digest, blob(input, 'Signature') ?? Buffer.alloc(0));
  if (!valid) throw invalidSignature();
  checkDryRun(input);
  return { KeyId: r.key.arn, SignatureValid: true, SigningAlgorithm: r.algorithm };
}

export function GetPublicKey(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'GetPublicKey', aliases: true, crossAccount: true });
  requireEnabled(key);
  // Symmetric and HMAC keys have no public key (BOTO-KMS GetPublicKey errors: UnsupportedOperationException).
  if (!key.asymmetric) throw unsupported(`${key.arn} key spec is ${key.keySpec} which is not valid for GetPublicKey.`);
  return {
    KeyId: key.arn,
    PublicKey: key.asymmetric.publicDer,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    EncryptionAlgorithms: encryptionAlgorithms(key),
    SigningAlgorithms: signingAlgorithms(key),
  };
}
