import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants, createHash, createPublicKey, publicEncrypt, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import {
  CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateMacCommand, GetPublicKeyCommand, SignCommand,
  VerifyCommand, VerifyMacCommand, type KMSClient, type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import type { RunningEmulator } from '../../emulator/server.js';
import { failure, scratchFile, start } from './support.js';

/**
 * Asymmetric keys and HMAC keys: signatures checked outside the emulator (node:crypto and openssl) against
 * GetPublicKey's DER. "LS-KMS-SNAP" = localstack test_kms.snapshot.json, recorded against AWS.
 */
describe('KMS asymmetric and HMAC keys', () => {
  let running: RunningEmulator;
  let kms: KMSClient;
  before(async () => ({ running, kms } = await start()));
  after(() => running.stop());

  const newKey = async (KeySpec: string, KeyUsage: string) =>
    (await kms.send(new CreateKeyCommand({ KeySpec: KeySpec as never, KeyUsage: KeyUsage as never }))).KeyMetadata!;
  const publicKeyOf = async (keyId: string): Promise<KeyObject> =>
    createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey!), format: 'der', type: 'spki' });
  const hashOf = (alg: string) => (alg.endsWith('256') ? 'sha256' : alg.endsWith('384') ? 'sha384' : 'sha512');
  const nodeVerifyOptions = (pub: KeyObject, alg: string) => alg.startsWith('RSASSA_PSS')
    ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : alg.startsWith('RSASSA_PKCS1') ? { key: pub, padding: constants.RSA_PKCS1_PADDING } : pub;

  test('an RSA_2048 SIGN_VERIFY key describes its signing algorithms and no encryption algorithms', async () => {
    const m = await newKey('RSA_2048', 'SIGN_VERIFY');
    assert.deepEqual(m.SigningAlgorithms, ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512']);
    assert.equal(m.EncryptionAlgorithms, undefined);
    assert.equal(m.CurrentKeyMaterialId, undefined);
    const pk = await kms.send(new GetPublicKeyCommand({ KeyId: m.KeyId }));
    assert.deepEqual([pk.KeyId, pk.KeySpec, pk.KeyUsage], [m.Arn, 'RSA_2048', 'SIGN_VERIFY']);
  });

  test('RSA signatures of RAW messages verify with node:crypto against GetPublicKey (PSS salt = digest length)', async () => {
    const m = await newKey('RSA_2048', 'SIGN_VERIFY');
    const pub = await publicKeyOf(m.KeyId!);
    const message = Buffer.from('test message 123!@#');
    for (const alg of m.SigningAlgorithms!) {
      const r = await kms.send(new SignCommand({ KeyId: m.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: alg }));
      assert.deepEqual([r.KeyId, r.SigningAlgorithm], [m.Arn, alg]);
      assert.ok(verify(hashOf(alg), message, nodeVerifyOptions(pub, alg), Buffer.from(r.Signature!)), alg);
      const v = await kms.send(new VerifyCommand({ KeyId: m.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: alg, Signature: r.Signature }));
      assert.equal(v.SignatureValid, true);
    }
  });

  test('DIGEST signatures (RSA PSS, RSA PKCS#1, ECDSA on every curve) verify with node:crypto over the original message', async () => {
    const cases: Array<[string, SigningAlgorithmSpec]> = [
      ['RSA_3072', 'RSASSA_PSS_SHA_384'], ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_512'],
      ['ECC_NIST_P256', 'ECDSA_SHA_256'], ['ECC_NIST_P384', 'ECDSA_SHA_384'], ['ECC_NIST_P521', 'ECDSA_SHA_512'], ['ECC_SECG_P256K1', 'ECDSA_SHA_256'],
    ];
    const message = Buffer.from('a large document, hashed by the caller');
    for (const [spec, alg] of cases) {
      const m = await newKey(spec, 'SIGN_VERIFY');
      const pub = await publicKeyOf(m.KeyId!);
      const digest = createHash(hashOf(alg)).update(message).digest();
      const r = await kms.send(new SignCommand({ KeyId: m.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: alg }));
      assert.ok(verify(hashOf(alg), message, nodeVerifyOptions(pub, alg), Buffer.from(r.Signature!)), `${spec} ${alg}`);
      const v = await kms.send(new VerifyCommand({ KeyId: m.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: alg, Signature: r.Signature }));
      assert.equal(v.SignatureValid, true, `${spec} ${alg}`);
    }
  });

  test('an ECDSA signature verifies with openssl dgst against GetPublicKey\'s DER', async (t) => {
    const openssl = await promisify(execFile)('openssl', ['version']).then(() => true, () => false);
    if (!openssl) return t.skip('openssl is not installed here');
    const m = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const pk = await kms.send(new GetPublicKeyCommand({ KeyId: m.KeyId }));
    const message = Buffer.from('verify me with openssl');
    const sig = await kms.send(new SignCommand({ KeyId: m.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    const files = {
      pub: await scratchFile('pub.der', Buffer.from(pk.PublicKey!)),
      sig: await scratchFile('sig.bin', Buffer.from(sig.Signature!)),
      msg: await scratchFile('msg.txt', message),
    };
    const r = await promisify(execFile)('openssl', ['dgst', '-sha256', '-verify', files.pub, '-keyform', 'DER', '-signature', files.sig, files.msg]);
    assert.match(r.stdout, /Verified OK/);
  });

  test('a signature that does not verify is KMSInvalidSignatureException, not SignatureValid=false (LS-KMS-SNAP test_sign_verify bad-signature)', async () => {
    const m = await newKey('ECC_NIST_P384', 'SIGN_VERIFY');
    const sig = await kms.send(new SignCommand({ KeyId: m.KeyId, Message: Buffer.from('a'), SigningAlgorithm: 'ECDSA_SHA_384' }));
    const e = await failure(kms.send(new VerifyCommand({ KeyId: m.KeyId, Message: Buffer.from('b'), SigningAlgorithm: 'ECDSA_SHA_384', Signature: sig.Signature })));
    assert.equal(e.name, 'KMSInvalidSignatureException');
  });

  test('a DIGEST of the wrong length is "Digest is invalid length for algorithm …" (LS-KMS-SNAP test_sign_verify bad-digest)', async () => {
    const m = await newKey('RSA_2048', 'SIGN_VERIFY');
    const e = await failure(kms.send(new SignCommand({ KeyId: m.KeyId, Message: Buffer.alloc(31), MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.message, 'Digest is invalid length for algorithm RSASSA_PSS_SHA_256.');
  });

  test('Sign with an HMAC key is "<arn> key usage is GENERATE_VERIFY_MAC which is not valid for Sign." (LS-KMS-SNAP)', async () => {
    const m = await newKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    const e = await failure(kms.send(new SignCommand({ KeyId: m.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    assert.equal(e.name, 'InvalidKeyUsageException');
    assert.equal(e.message, `${m.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.`);
  });

  test('RSA ENCRYPT_DECRYPT: data node:crypto encrypts with the DER public key, KMS decrypts (RSAES_OAEP_SHA_256)', async () => {
    const m = await newKey('RSA_2048', 'ENCRYPT_DECRYPT');
    assert.deepEqual(m.EncryptionAlgorithms, ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
    const pub = await publicKeyOf(m.KeyId!);
    const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('offline encrypted'));
    const d = await kms.send(new DecryptCommand({ KeyId: m.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
    assert.equal(Buffer.from(d.Plaintext!).toString(), 'offline encrypted');
    const enc = await kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('round trip'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
    const back = await kms.send(new DecryptCommand({ KeyId: m.KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
    assert.equal(Buffer.from(back.Plaintext!).toString(), 'round trip');
  });

  test('RSA plaintexts over the OAEP limit are refused with AWS\'s text (LS-KMS-SNAP test_encrypt_validate_plaintext_size_per_key_type)', async () => {
    const m = await newKey('RSA_2048', 'ENCRYPT_DECRYPT');
    for (const [alg, max] of [['RSAES_OAEP_SHA_1', 214], ['RSAES_OAEP_SHA_256', 190]] as const) {
      const e = await failure(kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.alloc(max + 1), EncryptionAlgorithm: alg })));
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.message, `Algorithm ${alg} and key spec RSA_2048 cannot encrypt data larger than ${max} bytes.`);
    }
  });

  test('HMAC keys: CreateKey shape, GenerateMac/VerifyMac, and a wrong MAC is KMSInvalidMacException (LS-KMS-SNAP test_hmac_create_key, test_invalid_verify_mac)', async () => {
    const m = await newKey('HMAC_384', 'GENERATE_VERIFY_MAC');
    assert.deepEqual([m.KeySpec, m.KeyUsage, m.MacAlgorithms, m.EncryptionAlgorithms], ['HMAC_384', 'GENERATE_VERIFY_MAC', ['HMAC_SHA_384'], undefined]);
    const g = await kms.send(new GenerateMacCommand({ KeyId: m.KeyId, Message: Buffer.from('msg'), MacAlgorithm: 'HMAC_SHA_384' }));
    assert.equal(g.Mac!.length, 48);
    assert.equal((await kms.send(new VerifyMacCommand({ KeyId: m.KeyId, Message: Buffer.from('msg'), MacAlgorithm: 'HMAC_SHA_384', Mac: g.Mac }))).MacValid, true);
    const e = await failure(kms.send(new VerifyMacCommand({ KeyId: m.KeyId, Message: Buffer.from('other'), MacAlgorithm: 'HMAC_SHA_384', Mac: g.Mac })));
    assert.equal(e.name, 'KMSInvalidMacException');
  });

  test('a MAC algorithm that does not fit the key is "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224." (LS-KMS-SNAP test_invalid_generate_mac)', async () => {
    const m = await newKey('HMAC_224', 'GENERATE_VERIFY_MAC');
    const e = await failure(kms.send(new GenerateMacCommand({ KeyId: m.KeyId, Message: Buffer.from('x'), MacAlgorithm: 'HMAC_SHA_256' })));
    assert.equal(e.name, 'InvalidKeyUsageException');
    assert.equal(e.message, 'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.');
  });

  test('CreateKey of an HMAC key without KeyUsage, or with an unknown KeySpec, fails as AWS does (LS-KMS-SNAP test_hmac_create_key_invalid_operations)', async () => {
    const noUsage = await failure(kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256' })));
    assert.equal(noUsage.message, 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
    const badSpec = await failure(kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_random' as never, KeyUsage: 'GENERATE_VERIFY_MAC' })));
    assert.equal(badSpec.name, 'ValidationException');
    assert.equal(badSpec.message, "1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, ECC_NIST_P384, ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, RSA_4096, SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512]");
    const badUsage = await failure(kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'RANDOM' as never })));
    assert.equal(badUsage.message, "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC]");
  });

  test('GetPublicKey of a symmetric key is UnsupportedOperationException', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    assert.equal((await failure(kms.send(new GetPublicKeyCommand({ KeyId: m.KeyId })))).name, 'UnsupportedOperationException');
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!.KeySpec, 'SYMMETRIC_DEFAULT');
  });
});
