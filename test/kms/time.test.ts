import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyRotationCommand, EncryptCommand,
  GetKeyRotationStatusCommand, ListAliasesCommand, ListKeyRotationsCommand, ListKeysCommand, RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import type { RunningEmulator } from '../../emulator/server.js';
import { ACCOUNT, REGION, failure, start } from './support.js';

/**
 * What time does to keys, with the emulator's injectable clock (emulator.clock): deletion at the end of the
 * waiting period, automatic rotation, and decryption of old ciphertexts after rotations.
 */
describe('KMS over time', () => {
  let running: RunningEmulator;
  let kms: KMSClient;
  let now: number;
  const DAY = 86_400_000;
  const travel = (days: number): void => {
    now += days * DAY;
  };

  beforeEach(async () => {
    ({ running, kms } = await start());
    now = Date.parse('2026-03-01T12:00:00Z');
    running.emulator.clock = () => new Date(now);
  });
  afterEach(() => running.stop());

  test('when the waiting period passes the key is deleted: DescribeKey is NotFound and its aliases are gone', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: m.KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId, PendingWindowInDays: 7 }));
    travel(6.9);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!.KeyState, 'PendingDeletion');
    travel(0.2);
    const e = await failure(kms.send(new DescribeKeyCommand({ KeyId: m.KeyId })));
    assert.equal(e.name, 'NotFoundException');
    assert.equal(e.message, `Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/${m.KeyId}' does not exist`);
    // "… deletes the KMS key, its key material, and all AWS KMS metadata associated with it, including all aliases" (KMS-DG deleting-keys.md)
    assert.deepEqual((await kms.send(new ListAliasesCommand({}))).Aliases, []);
    assert.deepEqual((await kms.send(new ListKeysCommand({}))).Keys, []);
  });

  test('a ciphertext of a deleted key is AccessDeniedException "The ciphertext refers to a customer master key that does not exist…" (aws-encryption-sdk-javascript#1005)', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('secret') }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId, PendingWindowInDays: 7 }));
    travel(8);
    const e = await failure(kms.send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.message, 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.');
  });

  test('RotateKeyOnDemand makes new material current and old ciphertexts still decrypt with their own material', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const old = await kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('before rotation'), EncryptionContext: { v: '1' } }));
    assert.equal((await kms.send(new RotateKeyOnDemandCommand({ KeyId: m.KeyId }))).KeyId, m.Arn);
    const after = (await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!;
    assert.notEqual(after.CurrentKeyMaterialId, m.CurrentKeyMaterialId);
    const d = await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob, EncryptionContext: { v: '1' } }));
    assert.equal(Buffer.from(d.Plaintext!).toString(), 'before rotation');
    assert.equal(d.KeyMaterialId, m.CurrentKeyMaterialId);
    const fresh = await kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('after rotation') }));
    assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob }))).KeyMaterialId, after.CurrentKeyMaterialId);
  });

  test('automatic rotation happens when the clock passes NextRotationDate; ListKeyRotations shows it', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const old = await kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('year one') }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: m.KeyId, RotationPeriodInDays: 90 }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: m.KeyId }));
    assert.equal(status.KeyRotationEnabled, true);
    assert.equal(status.RotationPeriodInDays, 90);
    assert.equal(status.NextRotationDate!.getTime(), now + 90 * DAY);
    travel(91);
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: m.KeyId }))).Rotations!;
    assert.equal(rotations.length, 1);
    assert.equal(rotations[0].RotationType, 'AUTOMATIC');
    assert.equal(rotations[0].KeyMaterialState, 'CURRENT');
    assert.notEqual(rotations[0].KeyMaterialId, m.CurrentKeyMaterialId);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!.CurrentKeyMaterialId, rotations[0].KeyMaterialId);
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob }))).Plaintext!).toString(), 'year one');
    const all = (await kms.send(new ListKeyRotationsCommand({ KeyId: m.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))).Rotations!;
    assert.deepEqual(all.map((r) => r.KeyMaterialState), ['NON_CURRENT', 'CURRENT']);
  });

  test('GetKeyRotationStatus of a key without automatic rotation shows only KeyRotationEnabled false (LS-KMS-SNAP …automatic_rotation_disabled)', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const s = await kms.send(new GetKeyRotationStatusCommand({ KeyId: m.KeyId }));
    assert.deepEqual([s.KeyId, s.KeyRotationEnabled, s.RotationPeriodInDays, s.NextRotationDate], [m.Arn, false, undefined, undefined]);
  });

  test('RotateKeyOnDemand on a disabled key is DisabledException (LS-KMS-SNAP test_rotate_key_on_demand_raises_error_given_key_is_disabled)', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new DisableKeyCommand({ KeyId: m.KeyId }));
    const e = await failure(kms.send(new RotateKeyOnDemandCommand({ KeyId: m.KeyId })));
    assert.equal(e.name, 'DisabledException');
    assert.equal(e.message, `${m.Arn} is disabled.`);
  });

  test('RotateKeyOnDemand on an asymmetric key is UnsupportedOperationException (LS-KMS-SNAP …given_non_symmetric_key)', async () => {
    const m = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    const e = await failure(kms.send(new RotateKeyOnDemandCommand({ KeyId: m.KeyId })));
    assert.equal(e.name, 'UnsupportedOperationException');
  });

  test('the 26th on-demand rotation is LimitExceededException with AWS\'s text (LS-KMS-SNAP test_key_rotations_limits)', async () => {
    const m = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    for (let i = 0; i < 25; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: m.KeyId }));
    const e = await failure(kms.send(new RotateKeyOnDemandCommand({ KeyId: m.KeyId })));
    assert.equal(e.name, 'LimitExceededException');
    assert.equal(e.message, `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${m.Arn}`);
  });
});
