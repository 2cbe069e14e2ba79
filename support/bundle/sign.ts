import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import {
  CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, GetPublicKeyCommand, SignCommand,
  type KeySpec, type KMSClient, type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FORMAT, type BundleSignature, type Signer, type SigningAlgorithm } from './types.js';

const sha256hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Hex SHA-256 of the key's SPKI DER: the same whether the key came as PEM or from GetPublicKey. */
export function publicKeyFingerprint(key: KeyObject | string): string {
  const k = typeof key === 'string' ? createPublicKey(key) : key;
  return sha256hex(k.export({ type: 'spki', format: 'der' }));
}

/** Checks `signature` over `bytes`; KMS DIGEST signatures over sha256(bytes) verify the same way. */
export function verifySignatureBytes(algorithm: string, key: KeyObject, bytes: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (algorithm) {
      case 'Ed25519': return cryptoVerify(null, bytes, key, signature);
      case 'ECDSA_SHA_256': return cryptoVerify('sha256', bytes, key, signature);
      // KMS: RSASSA-PSS with MGF1-SHA-256 and a salt as long as the digest.
      // (KMS signs sha256(payload) with MessageType DIGEST: the same signature as over the payload itself.)
      case 'RSASSA_PSS_SHA_256': return cryptoVerify('sha256', bytes, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      default: return false;
    }
  } catch {
    return false;
  }
}

/** The fields of a signature file that are signed, in a fixed order: everything but the signature itself. */
export type SignedHeader = Omit<BundleSignature, 'signature'>;

/**
 * What is signed: the header as compact JSON in a fixed field order. It names manifest.json by its SHA-256, so the
 * signature covers the manifest (and through it every file) and every field of the signature file.
 */
export function signedPayload(h: SignedHeader): Buffer {
  const ordered = {
    format: h.format,
    signedFile: h.signedFile,
    manifestSha256: h.manifestSha256,
    algorithm: h.algorithm,
    signer: h.signer.type === 'kms' ? { type: 'kms', keyArn: h.signer.keyArn, ...(h.signer.region ? { region: h.signer.region } : {}) } : { type: h.signer.type },
    publicKeyFile: h.publicKeyFile,
    publicKeySha256: h.publicKeySha256,
    signedAt: h.signedAt,
  };
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

export async function signManifest(manifestBytes: Buffer, signer: Signer, now = new Date()): Promise<BundleSignature> {
  const key = createPublicKey(signer.publicKeyPem);
  const header: SignedHeader = {
    format: SIGNATURE_FORMAT,
    signedFile: MANIFEST_FILE,
    manifestSha256: sha256hex(manifestBytes),
    algorithm: signer.algorithm,
    signer: signer.description,
    publicKeyFile: PUBLIC_KEY_FILE,
    publicKeySha256: publicKeyFingerprint(key),
    signedAt: now.toISOString(),
  };
  const payload = signedPayload(header);
  const signature = await signer.sign(payload);
  // Never hand out a signature that does not check out (wrong algorithm, wrong key): say so now.
  if (!verifySignatureBytes(signer.algorithm, key, payload, signature)) {
    throw new Error(`The ${signer.algorithm} signature made by ${describeSigner(signer)} does not verify with its own public key; the bundle is not signed.`);
  }
  return { ...header, signature: signature.toString('base64') };
}

/** The public key file exactly as kms-lab writes it (so that no byte of it can change unnoticed). */
export function canonicalPublicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

export function describeSigner(s: Signer): string {
  return s.description.type === 'kms' ? `KMS key ${s.description.keyArn}` : 'a local Ed25519 key';
}

/**
 * Ed25519 with a given private key (PKCS#8 PEM), or a fresh key pair whose private half lives only in this
 * process: the bundle then proves it is unchanged since it was written, and the public key's fingerprint
 * (printed by kms-lab run) is what to keep elsewhere to prove who wrote it.
 */
export function localSigner(privateKeyPem?: string): Signer {
  let privateKey: KeyObject;
  if (privateKeyPem) {
    privateKey = createPrivateKey(privateKeyPem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`The local signing key is ${privateKey.asymmetricKeyType}; it must be an Ed25519 private key (openssl genpkey -algorithm ed25519).`);
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey;
  }
  const publicKeyPem = canonicalPublicKeyPem(createPublicKey(privateKey));
  return {
    algorithm: 'Ed25519',
    description: { type: 'local' },
    publicKeyPem,
    sign: async (bytes) => cryptoSign(null, bytes, privateKey),
  };
}

function algorithmFor(keySpec: string | undefined, offered: readonly string[], wanted?: SigningAlgorithm): SigningAlgorithm {
  const pick: SigningAlgorithm | undefined = wanted
    ?? (keySpec?.startsWith('RSA_') ? 'RSASSA_PSS_SHA_256' : keySpec === 'ECC_NIST_P256' ? 'ECDSA_SHA_256' : undefined);
  if (!pick || pick === 'Ed25519' || !offered.includes(pick)) {
    throw new Error(`KMS key spec ${keySpec ?? '?'} offers ${offered.join(', ') || 'no signing algorithms'}; an evidence bundle is signed with RSASSA_PSS_SHA_256 (RSA_2048/3072/4096 keys) or ECDSA_SHA_256 (ECC_NIST_P256 keys).`);
  }
  return pick;
}

/**
 * A KMS asymmetric key (SIGN_VERIFY) in the audited account: the manifest's SHA-256 is signed with
 * MessageType DIGEST, so the manifest may be of any size. The caller needs kms:GetPublicKey and kms:Sign.
 */
export async function kmsSigner(opts: { kms: KMSClient; keyId: string; algorithm?: SigningAlgorithm; region?: string }): Promise<Signer> {
  const { kms, keyId } = opts;
  const pub = await kms.send(new GetPublicKeyCommand({ KeyId: keyId })).catch((e: unknown) => {
    throw new Error(`Cannot sign the evidence bundle with KMS key ${keyId}: GetPublicKey failed (${(e as Error).name}: ${(e as Error).message}). Create one with --create-signing-key, or omit --sign-with to sign with a local Ed25519 key.`);
  });
  if (pub.KeyUsage !== 'SIGN_VERIFY') throw new Error(`KMS key ${pub.KeyId ?? keyId} is for ${pub.KeyUsage ?? 'unknown use'}, not SIGN_VERIFY; an evidence bundle needs an asymmetric signing key (e.g. ECC_NIST_P256).`);
  if (!pub.PublicKey || !pub.KeyId) throw new Error(`KMS GetPublicKey of ${keyId} returned no public key.`);
  const algorithm = algorithmFor(pub.KeySpec, pub.SigningAlgorithms ?? [], opts.algorithm);
  const keyArn = pub.KeyId;
  const publicKeyPem = canonicalPublicKeyPem(createPublicKey({ key: Buffer.from(pub.PublicKey), format: 'der', type: 'spki' }));
  return {
    algorithm,
    description: { type: 'kms', keyArn, ...(opts.region ? { region: opts.region } : {}) },
    publicKeyPem,
    async sign(bytes) {
      const digest = createHash('sha256').update(bytes).digest();
      const out = await kms.send(new SignCommand({ KeyId: keyArn, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: algorithm as SigningAlgorithmSpec })).catch((e: unknown) => {
        throw new Error(`KMS Sign with ${keyArn} failed (${(e as Error).name}: ${(e as Error).message}); the caller needs kms:Sign on that key.`);
      });
      if (!out.Signature) throw new Error(`KMS Sign with ${keyArn} returned no signature.`);
      return Buffer.from(out.Signature);
    },
  };
}

/**
 * The key behind `alias` (alias/…), or a new asymmetric signing key with that alias. It is kept (not deleted
 * at the end of the run): verifying the bundle later through GetPublicKey needs it.
 */
export async function createKmsSigningKey(opts: { kms: KMSClient; alias: string; keySpec?: KeySpec; tags?: Record<string, string> }): Promise<{ keyArn: string; created: boolean }> {
  const { kms, alias } = opts;
  if (!alias.startsWith('alias/')) throw new Error(`--create-signing-key needs --sign-with alias/<name> (got ${alias}).`);
  try {
    const d = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
    if (d.KeyMetadata?.Arn) return { keyArn: d.KeyMetadata.Arn, created: false };
  } catch (e) {
    if ((e as Error).name !== 'NotFoundException') throw e;
  }
  const created = await kms.send(new CreateKeyCommand({
    KeySpec: opts.keySpec ?? 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    Description: 'kms-lab: signs evidence bundles (manifest.json); keep it while its bundles must verify',
    Tags: Object.entries(opts.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
  }));
  const arn = created.KeyMetadata?.Arn;
  if (!arn) throw new Error('KMS CreateKey returned no key ARN.');
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: arn }));
  return { keyArn: arn, created: true };
}
