import {
  constants,
  createHash,
  generateKeyPair,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { ecdsaSignDigest, ecdsaVerifyDigest } from './crypto-ecdsa.js';
import type { AsymmetricMaterial } from './types.js';

/**
 * RSA and ECC key pairs with node:crypto: generation, RSAES-OAEP, RSASSA-PSS / PKCS#1 v1.5 and ECDSA.
 * Which algorithms each key spec offers is AWS's table (KMS-DG asymmetric-key-specs.md; KeyMetadata
 * EncryptionAlgorithms / SigningAlgorithms). Signatures are what AWS returns and what openssl verifies
 * against GetPublicKey's DER: RSA PSS with salt length = digest length, ECDSA as a DER SEQUENCE{r, s}.
 */

const generate = promisify(generateKeyPair);

interface AsymSpec {
  kind: 'rsa' | 'ec';
  modulusLength?: number;
  /** OpenSSL curve name. */
  curve?: string;
  encryptionAlgorithms: string[];
  signingAlgorithms: string[];
}

const RSA_SIGNING = ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'];
const RSA_ENCRYPTION = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];

export const ASYMMETRIC_SPECS: Record<string, AsymSpec> = {
  RSA_2048: { kind: 'rsa', modulusLength: 2048, encryptionAlgorithms: RSA_ENCRYPTION, signingAlgorithms: RSA_SIGNING },
  RSA_3072: { kind: 'rsa', modulusLength: 3072, encryptionAlgorithms: RSA_ENCRYPTION, signingAlgorithms: RSA_SIGNING },
  RSA_4096: { kind: 'rsa', modulusLength: 4096, encryptionAlgorithms: RSA_ENCRYPTION, signingAlgorithms: RSA_SIGNING },
  ECC_NIST_P256: { kind: 'ec', curve: 'prime256v1', encryptionAlgorithms: [], signingAlgorithms: ['ECDSA_SHA_256'] },
  ECC_NIST_P384: { kind: 'ec', curve: 'secp384r1', encryptionAlgorithms: [], signingAlgorithms: ['ECDSA_SHA_384'] },
  ECC_NIST_P521: { kind: 'ec', curve: 'secp521r1', encryptionAlgorithms: [], signingAlgorithms: ['ECDSA_SHA_512'] },
  ECC_SECG_P256K1: { kind: 'ec', curve: 'secp256k1', encryptionAlgorithms: [], signingAlgorithms: ['ECDSA_SHA_256'] },
};

export async function generateAsymmetric(spec: string): Promise<AsymmetricMaterial> {
  const s = ASYMMETRIC_SPECS[spec];
  const pair = s.kind === 'rsa'
    ? await generate('rsa', { modulusLength: s.modulusLength!, publicExponent: 0x10001 })
    : await generate('ec', { namedCurve: s.curve! });
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicDer: pair.publicKey.export({ format: 'der', type: 'spki' }),
  };
}

/** GenerateDataKeyPair: a fresh pair as DER (PKCS#8 private key, SPKI public key), as AWS returns them. */
export async function generateDataKeyPair(spec: string): Promise<{ privateDer: Buffer; publicDer: Buffer }> {
  const m = await generateAsymmetric(spec);
  return { privateDer: m.privateKey.export({ format: 'der', type: 'pkcs8' }), publicDer: m.publicDer };
}

// ---- signing -----------------------------------------------------------------------------------

const HASH_OF = (alg: string): 'sha256' | 'sha384' | 'sha512' =>
  alg.endsWith('_256') ? 'sha256' : alg.endsWith('_384') ? 'sha384' : 'sha512';

export const digestLength = (alg: string): number => ({ sha256: 32, sha384: 48, sha512: 64 })[HASH_OF(alg)];

// DER DigestInfo prefixes of EMSA-PKCS1-v1_5 (RFC 8017 §9.2 note 1).
const DIGEST_INFO: Record<string, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

const modulusBits = (key: KeyObject): number => key.asymmetricKeyDetails?.modulusLength ?? 0;

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with sLen = hLen, for signing a precomputed digest. */
function pssEncode(hash: string, mHash: Buffer, emBits: number): Buffer {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hLen);
  const H = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(hash, H, emLen - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, H, Buffer.from([0xbc])]);
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with sLen = hLen. */
function pssVerify(hash: string, mHash: Buffer, em: Buffer, emBits: number): boolean {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const H = em.subarray(emLen - hLen - 1, emLen - 1);
  if (db[0] & ~(0xff >> (8 * emLen - emBits)) & 0xff) return false;
  const mask = mgf1(hash, H, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const psLen = emLen - 2 * hLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 1) return false;
  const salt = db.subarray(db.length - hLen);
  return createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest().equals(H);
}

/** The signature of `message` (RAW) or of a precomputed digest (DIGEST). */
export function signMessage(m: AsymmetricMaterial, alg: string, message: Buffer, digest: boolean): Buffer {
  const hash = HASH_OF(alg);
  if (alg.startsWith('ECDSA_')) return digest ? ecdsaSignDigest(m.privateKey, message) : nodeSign(hash, message, m.privateKey);
  const pss = alg.startsWith('RSASSA_PSS_');
  if (!digest) {
    return nodeSign(hash, message, pss
      ? { key: m.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : { key: m.privateKey, padding: constants.RSA_PKCS1_PADDING });
  }
  if (!pss) return privateEncrypt({ key: m.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO[hash], message]));
  const bits = modulusBits(m.privateKey);
  const em = pssEncode(hash, message, bits - 1);
  const k = Math.ceil(bits / 8);
  return privateEncrypt({ key: m.privateKey, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(k - em.length), em]));
}

export function verifySignature(m: AsymmetricMaterial, alg: string, message: Buffer, digest: boolean, signature: Buffer): boolean {
  const hash = HASH_OF(alg);
  try {
    if (alg.startsWith('ECDSA_')) return digest ? ecdsaVerifyDigest(m.publicKey, message, signature) : nodeVerify(hash, message, m.publicKey, signature);
    const pss = alg.startsWith('RSASSA_PSS_');
    if (!digest) {
      return nodeVerify(hash, message, pss
        ? { key: m.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : { key: m.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
    }
    const bits = modulusBits(m.publicKey);
    const k = Math.ceil(bits / 8);
    if (signature.length !== k) return false;
    if (!pss) {
      const recovered = publicDecrypt({ key: m.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      return recovered.equals(Buffer.concat([DIGEST_INFO[hash], message]));
    }
    const em = publicDecrypt({ key: m.publicKey, padding: constants.RSA_NO_PADDING }, signature);
    const emLen = Math.ceil((bits - 1) / 8);
    return pssVerify(hash, message, em.subarray(em.length - emLen), bits - 1);
  } catch {
    return false;
  }
}

// ---- RSA encryption ----------------------------------------------------------------------------

const OAEP_HASH = (alg: string): 'sha1' | 'sha256' => (alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256');

/** RFC 8017 §7.1.1: k − 2·hLen − 2 bytes (214/190 for RSA_2048, as LS-KMS-SNAP records). */
export function maxOaepPlaintext(keySpec: string, alg: string): number {
  const k = (ASYMMETRIC_SPECS[keySpec].modulusLength ?? 0) / 8;
  return k - 2 * (alg === 'RSAES_OAEP_SHA_1' ? 20 : 32) - 2;
}

export function rsaEncrypt(m: AsymmetricMaterial, alg: string, plaintext: Buffer): Buffer {
  return publicEncrypt({ key: m.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH(alg) }, plaintext);
}

/** undefined when the ciphertext does not decrypt (wrong key, wrong algorithm, tampered). */
export function rsaDecrypt(m: AsymmetricMaterial, alg: string, ciphertext: Buffer): Buffer | undefined {
  try {
    return privateDecrypt({ key: m.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH(alg) }, ciphertext);
  } catch {
    return undefined;
  }
}
