import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, KMS, type KMSClient } from '@aws-sdk/client-kms';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import type { RunningEmulator } from '../../emulator/server.js';
import { clientConfig, ROOT } from '../helpers/emulator.js';
import { start } from './support.js';

// The AWS Encryption SDK is a demanding KMS client: it calls GenerateDataKey with an encryption context of
// its own and Decrypt with KeyId set, and it checks the key ARN KMS answers with against the one it asked for.
let running: RunningEmulator;
let kms: KMSClient;
before(async () => ({ running, kms } = await start()));
after(() => running.stop());

test('the AWS Encryption SDK with a KMS keyring encrypts and decrypts a message through the emulator', async () => {
  const key = await kms.send(new CreateKeyCommand({ Description: 'encryption sdk' }));
  const keyArn = key.KeyMetadata!.Arn!;
  // The Encryption SDK calls the aggregated client's methods (generateDataKey, decrypt), not send().
  const client = new KMS(clientConfig(running, ROOT));
  const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => client as never });
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

  const plaintext = Buffer.from('the lab is about who may use this key');
  const { result } = await encrypt(keyring, plaintext, { encryptionContext: { purpose: 'kms-lab' } });
  assert.equal(result.includes(plaintext), false, 'the message must not contain the plaintext');

  const { plaintext: decrypted, messageHeader } = await decrypt(keyring, result);
  assert.deepEqual(Buffer.from(decrypted), plaintext);
  assert.equal(messageHeader.encryptionContext.purpose, 'kms-lab');
  assert.equal(messageHeader.encryptedDataKeys[0].providerInfo, keyArn);
});
