import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, DescribeKeyCommand, DisableKeyCommand,
  EnableKeyCommand, EncryptCommand, GetKeyPolicyCommand, ListAliasesCommand, ListKeyPoliciesCommand, ListKeysCommand,
  ScheduleKeyDeletionCommand, UpdateAliasCommand, UpdateKeyDescriptionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import type { RunningEmulator } from '../../emulator/server.js';
import { ACCOUNT, REGION, failure, kmsAs, newAccount, start } from './support.js';

/**
 * Key lifecycle and AWS's own answers. "LS-KMS-SNAP" = localstack/localstack
 * tests/aws/services/kms/test_kms.snapshot.json, recorded against real AWS.
 */
describe('KMS key lifecycle', () => {
  let running: RunningEmulator;
  let kms: KMSClient;
  before(async () => ({ running, kms } = await start()));
  after(() => running.stop());

  const newKey = async (description = 'test key') => (await kms.send(new CreateKeyCommand({ Description: description }))).KeyMetadata!;

  test('CreateKey returns KeyMetadata with the fields AWS returns for a symmetric key (LS-KMS-SNAP test_create_key)', async () => {
    const m = await newKey('test key 123');
    assert.match(m.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(m.Arn, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${m.KeyId}`);
    assert.deepEqual(
      { ...m, KeyId: undefined, Arn: undefined, CreationDate: undefined, CurrentKeyMaterialId: undefined },
      {
        AWSAccountId: ACCOUNT, Arn: undefined, CreationDate: undefined, CurrentKeyMaterialId: undefined,
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', Description: 'test key 123', Enabled: true, EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        KeyId: undefined, KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT',
        MultiRegion: false, Origin: 'AWS_KMS',
      },
    );
    assert.match(m.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.ok(m.CreationDate instanceof Date);
  });

  test('a key created without a policy gets key-default-1 (LS-KMS-SNAP test_replicate_key ReplicaPolicy)', async () => {
    const m = await newKey();
    const { Policy, PolicyName } = await kms.send(new GetKeyPolicyCommand({ KeyId: m.KeyId, PolicyName: 'default' }));
    assert.equal(PolicyName, 'default');
    assert.deepEqual(JSON.parse(Policy!), {
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
    });
    // Jackson's pretty printer, as KMS returns its own policies (ct-put-key-policy.md).
    assert.match(Policy!, /^\{\n {2}"Version" : "2012-10-17",\n {2}"Id" : "key-default-1",\n {2}"Statement" : \[ \{\n/);
    assert.deepEqual((await kms.send(new ListKeyPoliciesCommand({ KeyId: m.KeyId }))).PolicyNames, ['default']);
  });

  test('DescribeKey accepts a key id, key ARN, alias name and alias ARN', async () => {
    const m = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/describe-me', TargetKeyId: m.KeyId }));
    for (const id of [m.KeyId!, m.Arn!, 'alias/describe-me', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/describe-me`]) {
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.Arn, m.Arn, id);
    }
  });

  test('an unknown key id is NotFoundException "Key \'<arn>\' does not exist" (LS-KMS-SNAP test_get_key_does_not_exist)', async () => {
    const id = '134f2428-cec1-4b25-a1ae-9048164dba47';
    const e = await failure(kms.send(new DescribeKeyCommand({ KeyId: id })));
    assert.equal(e.name, 'NotFoundException');
    assert.equal(e.message, `Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}' does not exist`);
    assert.equal(e.$metadata?.httpStatusCode, 400);
  });

  test('a malformed key id is NotFoundException "Invalid keyId \'…\'" (LS-KMS-SNAP test_get_key_invalid_uuid)', async () => {
    for (const id of ['fake-key-id', '134f2428cec14b25a1ae9048164dba47', 'mrk-fake-key-id']) {
      const e = await failure(kms.send(new DescribeKeyCommand({ KeyId: id })));
      assert.equal(e.name, 'NotFoundException');
      assert.equal(e.message, `Invalid keyId '${id}'`);
    }
  });

  test('a key ARN of another Region is "Invalid arn <region>"; the id alone is not found there (LS-KMS-SNAP test_get_key_in_different_region)', async () => {
    const m = await newKey();
    const west = kmsAs(running, undefined, 'us-west-2');
    const byArn = await failure(west.send(new DescribeKeyCommand({ KeyId: m.Arn })));
    assert.equal(byArn.name, 'NotFoundException');
    assert.equal(byArn.message, `Invalid arn ${REGION}`);
    const byId = await failure(west.send(new DescribeKeyCommand({ KeyId: m.KeyId })));
    assert.equal(byId.message, `Key 'arn:aws:kms:us-west-2:${ACCOUNT}:key/${m.KeyId}' does not exist`);
  });

  test('keys belong to their account: another account does not find the key by id', async () => {
    const m = await newKey();
    const other = await newAccount(running);
    const e = await failure(kmsAs(running, other.creds).send(new DescribeKeyCommand({ KeyId: m.KeyId })));
    assert.equal(e.message, `Key 'arn:aws:kms:${REGION}:${other.accountId}:key/${m.KeyId}' does not exist`);
  });

  test('an unknown alias is NotFoundException "Alias <alias-arn> is not found." (github.com/cloudposse/docs/issues/152)', async () => {
    const e = await failure(kms.send(new EncryptCommand({ KeyId: 'alias/no-such-alias', Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'NotFoundException');
    assert.equal(e.message, `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/no-such-alias is not found.`);
  });

  test('CreateAlias without the alias/ prefix is ValidationException with AWS\'s text (LS-KMS-SNAP test_create_alias)', async () => {
    const m = await newKey();
    const e = await failure(kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: m.KeyId })));
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.message, 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  });

  test('CreateAlias with a taken name is AlreadyExistsException "An alias with the name <alias-arn> already exists"', async () => {
    const m = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: m.KeyId }));
    const e = await failure(kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: m.KeyId })));
    assert.equal(e.name, 'AlreadyExistsException');
    assert.equal(e.message, `An alias with the name arn:aws:kms:${REGION}:${ACCOUNT}:alias/taken already exists`);
  });

  test('UpdateAlias moves an alias to another key; DeleteAlias removes it; ListAliases shows AliasArn and TargetKeyId', async () => {
    const a = await newKey();
    const b = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: a.KeyId }));
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: b.Arn }));
    const listed = (await kms.send(new ListAliasesCommand({ KeyId: b.KeyId }))).Aliases!;
    assert.deepEqual(listed.map((x) => [x.AliasName, x.AliasArn, x.TargetKeyId]), [['alias/moving', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/moving`, b.KeyId]]);
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/moving' }));
    assert.deepEqual((await kms.send(new ListAliasesCommand({ KeyId: b.KeyId }))).Aliases, []);
  });

  test('a disabled key refuses Encrypt with DisabledException "<arn> is disabled." and works again once enabled (KMS-DG key-state.md [1])', async () => {
    const m = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: m.KeyId }));
    const d = (await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!;
    assert.deepEqual([d.KeyState, d.Enabled], ['Disabled', false]);
    const e = await failure(kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'DisabledException');
    assert.equal(e.message, `${m.Arn} is disabled.`);
    await kms.send(new EnableKeyCommand({ KeyId: m.KeyId }));
    await kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('x') }));
  });

  test('ScheduleKeyDeletion defaults to 30 days and makes the key PendingDeletion', async () => {
    const m = await newKey();
    const before = Date.now();
    const r = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId }));
    assert.equal(r.KeyId, m.Arn);
    assert.equal(r.KeyState, 'PendingDeletion');
    assert.equal(r.PendingWindowInDays, 30);
    const days = (r.DeletionDate!.getTime() - before) / 86_400_000;
    assert.ok(days > 29.99 && days < 30.01, String(days));
    const d = (await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!;
    assert.deepEqual([d.KeyState, d.Enabled, d.DeletionDate?.getTime()], ['PendingDeletion', false, r.DeletionDate!.getTime()]);
  });

  test('a key pending deletion refuses Encrypt with KMSInvalidStateException "<arn> is pending deletion." (key-state.md [3])', async () => {
    const m = await newKey();
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId, PendingWindowInDays: 7 }));
    const e = await failure(kms.send(new EncryptCommand({ KeyId: m.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'KMSInvalidStateException');
    assert.equal(e.message, `${m.Arn} is pending deletion.`);
    const again = await failure(kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId, PendingWindowInDays: 7 })));
    assert.equal(again.message, `${m.Arn} is pending deletion.`);
  });

  test('ScheduleKeyDeletion outside 7–30 days is "PendingWindowInDays must be between 7 and 30" (github.com/Skyscanner/kms-issuer/issues/8)', async () => {
    const m = await newKey();
    for (const days of [6, 31]) {
      const e = await failure(kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId, PendingWindowInDays: days })));
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.message, 'PendingWindowInDays must be between 7 and 30');
    }
  });

  test('CancelKeyDeletion leaves the key Disabled; on a key not pending deletion it is "<arn> is not pending deletion." (key-state.md [4])', async () => {
    const m = await newKey();
    const e = await failure(kms.send(new CancelKeyDeletionCommand({ KeyId: m.KeyId })));
    assert.equal(e.name, 'KMSInvalidStateException');
    assert.equal(e.message, `${m.Arn} is not pending deletion.`);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId }));
    assert.equal((await kms.send(new CancelKeyDeletionCommand({ KeyId: m.KeyId }))).KeyId, m.Arn);
    const d = (await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!;
    assert.deepEqual([d.KeyState, d.DeletionDate], ['Disabled', undefined]);
  });

  test('UpdateKeyDescription changes what DescribeKey shows', async () => {
    const m = await newKey('before');
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: m.KeyId, Description: 'after' }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata!.Description, 'after');
  });

  test('ListKeys pages with Limit and Marker, Truncated until the last page', async () => {
    const fresh = await start();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await fresh.kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await fresh.kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
        seen.push(...page.Keys!.map((x) => x.KeyId!));
        assert.equal(page.Truncated, page.NextMarker !== undefined);
        marker = page.NextMarker;
        pages++;
      } while (marker);
      assert.equal(pages, 3);
      assert.deepEqual(seen, ids);
    } finally {
      await fresh.running.stop();
    }
  });

  test('a Marker KMS did not issue is InvalidMarkerException', async () => {
    const e = await failure(kms.send(new ListKeysCommand({ Marker: 'not-a-marker' })));
    assert.equal(e.name, 'InvalidMarkerException');
  });
});
