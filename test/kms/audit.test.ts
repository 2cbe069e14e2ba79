import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, GenerateRandomCommand, RetireGrantCommand,
  ScheduleKeyDeletionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import type { CallRecord } from '../../emulator/core/call-record.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { ACCOUNT, addUser, failure, kmsAs, start } from './support.js';

/**
 * What KMS tells CloudTrail about each call (ctx.audit → CallRecord), compared with AWS's logged examples
 * (awsdocs/aws-kms-developer-guide doc_source/ct-*.md; docs.aws.amazon.com/kms/latest/developerguide/ct-*.html).
 */
describe('KMS CloudTrail notes', () => {
  let running: RunningEmulator;
  let kms: KMSClient;
  const records: CallRecord[] = [];
  before(async () => {
    ({ running, kms } = await start());
    running.emulator.calls.on('call', (c) => records.push(c));
  });
  after(() => running.stop());

  /** The record of the last call named `eventName` (records are emitted once the response is written). */
  async function last(eventName: string): Promise<CallRecord> {
    for (let i = 0; i < 50; i++) {
      const r = records.filter((x) => x.eventName === eventName).at(-1);
      if (r) {
        records.length = 0;
        return r;
      }
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error(`no CallRecord for ${eventName}`);
  }

  test('GenerateDataKey: {keyId as sent, keySpec, encryptionContext}, responseElements null, keyMaterialId, read-only (ct-generatedatakey)', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    records.length = 0;
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: { Department: 'Engineering', Project: 'Alpha' } }));
    const r = await last('GenerateDataKey');
    assert.equal(r.eventSource, 'kms.amazonaws.com');
    assert.equal(r.readOnly, true);
    assert.deepEqual(r.audit.requestParameters, { keyId: key.KeyId, keySpec: 'AES_256', encryptionContext: { Department: 'Engineering', Project: 'Alpha' } });
    assert.equal(r.audit.responseElements ?? null, null);
    assert.deepEqual(r.audit.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key.Arn }]);
    assert.deepEqual(r.audit.additionalEventData, { keyMaterialId: key.CurrentKeyMaterialId });
    const json = JSON.stringify(r);
    assert.ok(!json.includes(Buffer.from(dk.Plaintext!).toString('base64')), 'no plaintext');
    assert.ok(!json.includes(Buffer.from(dk.CiphertextBlob!).toString('base64')), 'no ciphertext');
  });

  test('Decrypt: {encryptionAlgorithm, keyId (the key ARN), encryptionContext} even when the caller sent no KeyId (ct-decrypt)', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { a: 'b' } }));
    records.length = 0;
    await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { a: 'b' } }));
    const r = await last('Decrypt');
    assert.deepEqual(r.audit.requestParameters, { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: key.Arn, encryptionContext: { a: 'b' } });
    assert.equal(r.readOnly, true);
  });

  test('Encrypt logs encryptionAlgorithm with keyId and context, never the plaintext (ct-encrypt)', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    records.length = 0;
    await kms.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: Buffer.from('top secret'), EncryptionContext: { d: 'e' } }));
    const r = await last('Encrypt');
    assert.deepEqual(r.audit.requestParameters, { keyId: key.Arn, encryptionContext: { d: 'e' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    assert.ok(!JSON.stringify(r).includes(Buffer.from('top secret').toString('base64')));
  });

  test('CreateKey: the defaults applied in requestParameters and keyMetadata in responseElements; not read-only (ct-createkey)', async () => {
    records.length = 0;
    const key = (await kms.send(new CreateKeyCommand({ Description: 'lab' }))).KeyMetadata!;
    const r = await last('CreateKey');
    assert.equal(r.readOnly, false);
    assert.deepEqual(r.audit.requestParameters, {
      description: 'lab', keySpec: 'SYMMETRIC_DEFAULT', customerMasterKeySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', bypassPolicyLockoutSafetyCheck: false,
    });
    const meta = (r.audit.responseElements as { keyMetadata: Record<string, unknown> }).keyMetadata;
    assert.equal(meta.AWSAccountId, ACCOUNT);
    assert.equal(meta.keyId, key.KeyId);
    assert.equal(meta.keyState, 'Enabled');
    assert.match(String(meta.creationDate), /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/);
  });

  test('ScheduleKeyDeletion: responseElements {keyId ARN, deletionDate, keyState, pendingWindowInDays} (ct-schedule-key-deletion)', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    records.length = 0;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 20 }));
    const r = await last('ScheduleKeyDeletion');
    assert.deepEqual(r.audit.requestParameters, { keyId: key.KeyId, pendingWindowInDays: 20 });
    const re = r.audit.responseElements as Record<string, unknown>;
    assert.deepEqual([re.keyId, re.keyState, re.pendingWindowInDays], [key.Arn, 'PendingDeletion', 20]);
  });

  test('CreateGrant logs responseElements {grantId}; RetireGrant logs requestParameters null and the grant id in additionalEventData (ct-creategrant, ct-retire-grant)', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const grantee = addUser(running, 'audit-grantee');
    records.length = 0;
    const g = await kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee.arn, Operations: ['Encrypt', 'RetireGrant'] }));
    const created = await last('CreateGrant');
    assert.deepEqual(created.audit.responseElements, { grantId: g.GrantId });
    assert.deepEqual(created.audit.requestParameters, { keyId: key.KeyId, granteePrincipal: grantee.arn, operations: ['Encrypt', 'RetireGrant'] });
    await kmsAs(running, grantee.creds).send(new RetireGrantCommand({ GrantToken: g.GrantToken }));
    const retired = await last('RetireGrant');
    assert.equal(retired.audit.requestParameters, null);
    assert.deepEqual(retired.audit.additionalEventData, { grantId: g.GrantId });
  });

  test('GenerateRandom: requestParameters null and no resources (ct-generaterandom)', async () => {
    records.length = 0;
    await kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
    const r = await last('GenerateRandom');
    assert.equal(r.audit.requestParameters, null);
    assert.deepEqual(r.audit.resources, []);
  });

  test('a denied call is recorded with its error and the key it tried to use', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const nobody = addUser(running, 'audit-nobody');
    records.length = 0;
    await failure(kmsAs(running, nobody.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
    const r = await last('Encrypt');
    assert.equal(r.status, 400);
    assert.equal(r.error?.code, 'AccessDeniedException');
    assert.equal(r.principal.arn, nobody.arn);
    assert.deepEqual(r.audit.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key.Arn }]);
  });
});
