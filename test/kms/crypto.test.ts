import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import {
  CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand, GenerateDataKeyWithoutPlaintextCommand, GenerateRandomCommand, ReEncryptCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { RunningEmulator } from '../../emulator/server.js';
import { failure, start } from './support.js';

/** Symmetric encryption, data keys and random bytes. "LS-KMS-SNAP" = localstack test_kms.snapshot.json (recorded against AWS). */
describe('KMS symmetric cryptography', () => {
  let running: RunningEmulator;
  let kms: KMSClient;
  let keyId: string;
  let keyArn: string;
  before(async () => {
    ({ running, kms } = await start());
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    [keyId, keyArn] = [m.KeyId!, m.Arn!];
  });
  after(() => running.stop());

  const encrypt = (plaintext: string, ec?: Record<string, string>) =>
    kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(plaintext), EncryptionContext: ec }));

  test('Encrypt then Decrypt without KeyId returns the plaintext, the key ARN and SYMMETRIC_DEFAULT', async () => {
    const enc = await encrypt('hello kms');
    assert.equal(enc.KeyId, keyArn);
    assert.equal(enc.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'hello kms');
    assert.equal(dec.KeyId, keyArn);
    assert.equal(dec.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.match(dec.KeyMaterialId!, /^[0-9a-f]{64}$/);
  });

  test('the encryption context binds the ciphertext; the order of its pairs does not matter', async () => {
    const enc = await encrypt('bound', { Department: 'Engineering', Project: 'Alpha' });
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { Project: 'Alpha', Department: 'Engineering' } }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'bound');
  });

  test('Decrypt without, or with a different, encryption context is InvalidCiphertextException with an empty message (LS-KMS-SNAP test_encrypt_decrypt_encryption_context)', async () => {
    const enc = await encrypt('bound', { Department: 'Engineering' });
    const contexts: Array<Record<string, string> | undefined> = [undefined, { Department: 'engineering' }, { Department: 'Engineering', Extra: 'x' }];
    for (const ec of contexts) {
      const e = await failure(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec })));
      assert.equal(e.name, 'InvalidCiphertextException');
      assert.equal(e.$metadata?.httpStatusCode, 400);
    }
  });

  test('a ciphertext changed in any byte is InvalidCiphertextException', async () => {
    const blob = Buffer.from((await encrypt('tamper me')).CiphertextBlob!);
    for (const i of [0, 20, 40, 60, blob.length - 1]) {
      const t = Buffer.from(blob);
      t[i] ^= 0x01;
      const e = await failure(kms.send(new DecryptCommand({ CiphertextBlob: t })));
      assert.equal(e.name, 'InvalidCiphertextException', `byte ${i}`);
    }
  });

  test('Decrypt with a KeyId naming another key is IncorrectKeyException (LS-KMS-SNAP test_error_messaging_for_invalid_keys)', async () => {
    const enc = await encrypt('x');
    const other = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    const e = await failure(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: other.KeyId })));
    assert.equal(e.name, 'IncorrectKeyException');
    assert.equal(e.message, 'The key ID in the request does not identify a CMK that can perform this operation.');
  });

  test('a plaintext over 4096 bytes is ValidationException without the value (LS-KMS-SNAP test_plaintext_size_for_encrypt)', async () => {
    const e = await failure(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4097, 1) })));
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.message, "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
  });

  test('Encrypt with a SIGN_VERIFY key is InvalidKeyUsageException "<arn> key usage is SIGN_VERIFY which is not valid for Encrypt." (LS-KMS-SNAP)', async () => {
    const m = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    const e = await failure(kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'InvalidKeyUsageException');
    assert.equal(e.message, `${m.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`);
  });

  test('GenerateDataKey returns a 32-byte key whose CiphertextBlob Decrypt opens with the same context', async () => {
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { purpose: 'sse' } }));
    assert.equal(dk.KeyId, keyArn);
    assert.equal(dk.Plaintext!.length, 32);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { purpose: 'sse' } }));
    assert.deepEqual(Buffer.from(dec.Plaintext!), Buffer.from(dk.Plaintext!));
    const without = await failure(kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob })));
    assert.equal(without.name, 'InvalidCiphertextException');
  });

  test('GenerateDataKey honours AES_128 and NumberOfBytes; neither or both is a ValidationException', async () => {
    assert.equal((await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_128' }))).Plaintext!.length, 16);
    assert.equal((await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }))).Plaintext!.length, 64);
    for (const input of [{ KeyId: keyId }, { KeyId: keyId, KeySpec: 'AES_256' as const, NumberOfBytes: 32 }]) {
      const e = await failure(kms.send(new GenerateDataKeyCommand(input)));
      assert.equal(e.name, 'ValidationException');
    }
  });

  test('GenerateDataKeyWithoutPlaintext returns only the encrypted key', async () => {
    const dk = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    assert.ok(!('Plaintext' in dk));
    assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }))).Plaintext!.length, 32);
  });

  test('GenerateDataKeyPair returns a DER key pair whose private half decrypts from PrivateKeyCiphertextBlob', async () => {
    const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256', EncryptionContext: { k: 'v' } }));
    assert.equal(pair.KeyPairSpec, 'ECC_NIST_P256');
    const priv = createPrivateKey({ key: Buffer.from(pair.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey({ key: Buffer.from(pair.PublicKey!), format: 'der', type: 'spki' });
    const sig = sign('sha256', Buffer.from('m'), priv);
    assert.ok(verify('sha256', Buffer.from('m'), pub, sig));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob, EncryptionContext: { k: 'v' } }));
    assert.deepEqual(Buffer.from(dec.Plaintext!), Buffer.from(pair.PrivateKeyPlaintext!));
    const withoutPlain = await kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: keyId, KeyPairSpec: 'RSA_2048' }));
    assert.ok(!('PrivateKeyPlaintext' in withoutPlain));
    assert.equal(createPublicKey({ key: Buffer.from(withoutPlain.PublicKey!), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength, 2048);
  });

  test('DryRun answers DryRunOperationException after every check passed (LS-KMS-SNAP test_generate_data_key_pair_dry_run)', async () => {
    const e = await failure(kms.send(new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: 'RSA_2048', DryRun: true })));
    assert.equal(e.name, 'DryRunOperationException');
    assert.equal(e.message, 'The request would have succeeded, but the DryRun option is set.');
  });

  test('ReEncrypt moves a ciphertext to another key without exposing the plaintext', async () => {
    const dest = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await encrypt('moving', { from: 'a' });
    const re = await kms.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: dest.KeyId, DestinationEncryptionContext: { to: 'b' },
    }));
    assert.deepEqual([re.SourceKeyId, re.KeyId, re.SourceEncryptionAlgorithm, re.DestinationEncryptionAlgorithm], [keyArn, dest.Arn, 'SYMMETRIC_DEFAULT', 'SYMMETRIC_DEFAULT']);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { to: 'b' } }));
    assert.equal(dec.KeyId, dest.Arn);
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'moving');
  });

  test('ReEncrypt with a SourceKeyId that did not encrypt the data is IncorrectKeyException (LS-KMS-SNAP test_re_encrypt_incorrect_source_key)', async () => {
    const dest = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await encrypt('x');
    const e = await failure(kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, SourceKeyId: dest.KeyId, DestinationKeyId: dest.KeyId })));
    assert.equal(e.name, 'IncorrectKeyException');
  });

  test('GenerateRandom returns NumberOfBytes random bytes', async () => {
    for (const n of [1, 12, 1024]) assert.equal((await kms.send(new GenerateRandomCommand({ NumberOfBytes: n }))).Plaintext!.length, n);
  });

  test('GenerateRandom validates NumberOfBytes as AWS does (LS-KMS-SNAP test_generate_random_invalid_number_of_bytes)', async () => {
    const cases: Array<[number | undefined, string]> = [
      [undefined, 'NumberOfBytes is required.'],
      [0, "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"],
      [1025, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"],
    ];
    for (const [n, message] of cases) {
      const e = await failure(kms.send(new GenerateRandomCommand({ NumberOfBytes: n })));
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.message, message);
    }
  });
});
