import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing } from '../helpers/emulator.js';
import { ACCOUNT, REGION, addRoleSession, addUser, allow, awsCli, labKeyPolicy, scratchFile, start, type Actor } from './support.js';

/**
 * The lab's key steps with the AWS CLI against the emulator, reading AWS's responses and errors as the CLI
 * prints them (`An error occurred (<Code>) when calling the <Operation> operation: <message>`). The CLI sends
 * blob arguments as raw bytes, so binary data goes through fileb:// as it does against AWS.
 */
const missing = await awsCliMissing();

describe('the lab with the AWS CLI', { skip: missing || undefined }, () => {
  let running: RunningEmulator;
  let admin: Actor;
  let student: Actor;
  let keyId: string;
  let keyArn: string;
  before(async () => {
    ({ running } = await start());
    // The lab role may create keys and aliases (IAM), but holds no kms:Encrypt/Decrypt anywhere.
    admin = addRoleSession(running, 'AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU', 'lab-session', { labKms: allow(['kms:CreateKey', 'kms:CreateAlias', 'kms:ListAliases']) });
    student = addUser(running, 'student');
  });
  after(() => running.stop());

  const json = (stdout: string): Record<string, any> => JSON.parse(stdout) as Record<string, any>;

  test('create-key with the lab\'s key policy, then create-alias alias/myFirstKey, then describe-key by alias', async () => {
    const policy = await scratchFile('policy.json', labKeyPolicy({ admins: [admin.roleArn!] }));
    const created = await awsCli(running, ['kms', 'create-key', '--description', 'myFirstKey', '--policy', `file://${policy}`], admin.creds);
    assert.equal(created.code, 0, created.stderr);
    ({ KeyId: keyId, Arn: keyArn } = json(created.stdout).KeyMetadata);
    assert.equal(keyArn, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`);
    const alias = await awsCli(running, ['kms', 'create-alias', '--alias-name', 'alias/myFirstKey', '--target-key-id', keyId], admin.creds);
    assert.equal(alias.code, 0, alias.stderr);
    const described = await awsCli(running, ['kms', 'describe-key', '--key-id', 'alias/myFirstKey'], admin.creds);
    assert.equal(json(described.stdout).KeyMetadata.Arn, keyArn);
    const policyBack = await awsCli(running, ['kms', 'get-key-policy', '--key-id', keyId, '--policy-name', 'default', '--query', 'Policy', '--output', 'text'], admin.creds);
    assert.equal(JSON.parse(policyBack.stdout).Id, 'key-consolepolicy-3');
  });

  test('the key administrator cannot encrypt: the CLI prints AWS\'s AccessDeniedException', async () => {
    const plain = await scratchFile('plain.txt', 'lab secret');
    const r = await awsCli(running, ['kms', 'encrypt', '--key-id', 'alias/myFirstKey', '--plaintext', `fileb://${plain}`], admin.creds);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim(), `An error occurred (AccessDeniedException) when calling the Encrypt operation: User: ${admin.arn} is not authorized to perform: kms:Encrypt on resource: ${keyArn} because no identity-based policy allows the kms:Encrypt action`);
  });

  test('after put-key-policy names the student a key user, the student encrypts and decrypts', async () => {
    const plain = await scratchFile('plain.txt', 'lab secret');
    const before = await awsCli(running, ['kms', 'encrypt', '--key-id', 'alias/myFirstKey', '--plaintext', `fileb://${plain}`], student.creds);
    assert.match(before.stderr, /\(AccessDeniedException\) when calling the Encrypt operation: User: arn:aws:iam::000000000000:user\/student is not authorized to perform: kms:Encrypt/);
    const policy = await scratchFile('policy.json', labKeyPolicy({ admins: [admin.roleArn!], users: [student.arn] }));
    const put = await awsCli(running, ['kms', 'put-key-policy', '--key-id', keyId, '--policy-name', 'default', '--policy', `file://${policy}`], admin.creds);
    assert.equal(put.code, 0, put.stderr);
    const enc = await awsCli(running, ['kms', 'encrypt', '--key-id', 'alias/myFirstKey', '--plaintext', `fileb://${plain}`, '--encryption-context', 'purpose=lab'], student.creds);
    assert.equal(enc.code, 0, enc.stderr);
    const blob = await scratchFile('ct.bin', Buffer.from(json(enc.stdout).CiphertextBlob, 'base64'));
    const dec = await awsCli(running, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'purpose=lab', '--query', 'Plaintext', '--output', 'text'], student.creds);
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(Buffer.from(dec.stdout.trim(), 'base64').toString(), 'lab secret');
    const wrong = await awsCli(running, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${blob}`], student.creds);
    assert.equal(wrong.stderr.trim(), 'An error occurred (InvalidCiphertextException) when calling the Decrypt operation:');
  });

  test('describe-key of an unknown alias prints NotFoundException "Alias <arn> is not found."', async () => {
    const r = await awsCli(running, ['kms', 'describe-key', '--key-id', 'alias/notMyKey'], admin.creds);
    assert.equal(r.stderr.trim(), `An error occurred (NotFoundException) when calling the DescribeKey operation: Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/notMyKey is not found.`);
  });

  test('sign with an ECC key and verify, through the CLI', async () => {
    const created = await awsCli(running, ['kms', 'create-key', '--key-spec', 'ECC_NIST_P256', '--key-usage', 'SIGN_VERIFY']);
    const eccId = json(created.stdout).KeyMetadata.KeyId as string;
    const msg = await scratchFile('msg.txt', 'signed by kms');
    const signed = await awsCli(running, ['kms', 'sign', '--key-id', eccId, '--message', `fileb://${msg}`, '--message-type', 'RAW', '--signing-algorithm', 'ECDSA_SHA_256']);
    assert.equal(signed.code, 0, signed.stderr);
    const sig = await scratchFile('sig.bin', Buffer.from(json(signed.stdout).Signature, 'base64'));
    const verified = await awsCli(running, ['kms', 'verify', '--key-id', eccId, '--message', `fileb://${msg}`, '--message-type', 'RAW', '--signing-algorithm', 'ECDSA_SHA_256', '--signature', `fileb://${sig}`]);
    assert.equal(json(verified.stdout).SignatureValid, true);
    const pub = await awsCli(running, ['kms', 'get-public-key', '--key-id', eccId]);
    assert.equal(json(pub.stdout).KeySpec, 'ECC_NIST_P256');
    assert.ok((await readFile(sig)).length > 60);
  });

  test('the administrator schedules deletion; the key then refuses use with KMSInvalidStateException', async () => {
    const r = await awsCli(running, ['kms', 'schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7'], admin.creds);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([json(r.stdout).KeyState, json(r.stdout).PendingWindowInDays], ['PendingDeletion', 7]);
    const plain = await scratchFile('plain.txt', 'too late');
    const enc = await awsCli(running, ['kms', 'encrypt', '--key-id', 'alias/myFirstKey', '--plaintext', `fileb://${plain}`], student.creds);
    assert.equal(enc.stderr.trim(), `An error occurred (KMSInvalidStateException) when calling the Encrypt operation: ${keyArn} is pending deletion.`);
  });
});
