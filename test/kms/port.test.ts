import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, CreateAliasCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand, GenerateDataKeyCommand, ListAliasesCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { CallRecord } from '../../emulator/core/call-record.js';
import { AwsError } from '../../emulator/core/errors.js';
import type { CallContext } from '../../emulator/core/service.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { ROOT } from '../helpers/emulator.js';
import { ACCOUNT, REGION, addUser, failure, kmsAs, start, type Actor } from './support.js';

/**
 * The KmsPort: S3 calling KMS *as the requester* for SSE-KMS (S3-UG UsingKMSEncryption.md: PutObject needs
 * kms:GenerateDataKey, GetObject kms:Decrypt, on the caller's behalf), with kms:ViaService =
 * s3.<region>.amazonaws.com, and a KMS CloudTrail event with invokedBy (KMS-DG deleting-keys-determining-usage.md).
 */
describe('KmsPort (KMS on behalf of S3)', () => {
  let running: RunningEmulator;
  let root: KMSClient;
  let user: Actor;
  let keyId: string;
  let keyArn: string;
  const via = { viaService: `s3.${REGION}.amazonaws.com`, invokedBy: 's3.amazonaws.com' };
  const ec = { 'aws:s3:arn': 'arn:aws:s3:::lab-bucket/favicon.ico' };

  /** The CallContext S3 would pass: the requester's own request. */
  const s3Context = (actor: Actor): CallContext => ({
    requestId: 's3-request',
    principal: running.emulator.identity.principalFor(actor.creds.accessKeyId),
    region: REGION,
    sourceIp: '112.76.111.10',
    userAgent: 'aws-cli/2',
    now: running.emulator.clock(),
    emulator: running.emulator,
    headers: {},
    secureTransport: true,
    audit: {},
  });

  const recordsOf = async (fn: () => unknown): Promise<CallRecord[]> => {
    const seen: CallRecord[] = [];
    const listener = (c: CallRecord): void => void seen.push(c);
    running.emulator.calls.on('call', listener);
    try {
      try {
        await fn();
      } catch {
        // the records are what this helper is for
      }
    } finally {
      running.emulator.calls.off('call', listener);
    }
    return seen;
  };

  before(async () => {
    ({ running, kms: root } = await start());
    user = addUser(running, 'uploader');
    // Key users only through S3: the condition AWS managed keys use (KMS-DG conditions-kms.md kms:ViaService).
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Use through S3 only', Effect: 'Allow', Principal: { AWS: user.arn }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } } },
      ],
    });
    const m = (await root.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!;
    [keyId, keyArn] = [m.KeyId!, m.Arn!];
    await root.send(new CreateAliasCommand({ AliasName: 'alias/myFirstKey', TargetKeyId: keyId }));
  });
  after(() => running.stop());

  test('generateDataKey as the requester is allowed by a kms:ViaService condition that a direct call does not meet', async () => {
    const dk = running.emulator.kms!.generateDataKey(s3Context(user), { keyId: 'alias/myFirstKey', encryptionContext: ec, ...via });
    assert.equal(dk.keyArn, keyArn);
    assert.equal(dk.plaintext.length, 32);
    const e = await failure(kmsAs(running, user.creds).send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: ec })));
    assert.equal(e.message, `User: ${user.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${keyArn} because no identity-based policy allows the kms:GenerateDataKey action`);
  });

  test('decrypt as the requester opens the data key with the same encryption context, and only with it', () => {
    const port = running.emulator.kms!;
    const dk = port.generateDataKey(s3Context(user), { keyId, encryptionContext: ec, ...via });
    const back = port.decrypt(s3Context(user), { ciphertextBlob: dk.ciphertextBlob, encryptionContext: ec, ...via });
    assert.deepEqual([back.keyArn, back.plaintext], [keyArn, dk.plaintext]);
    assert.throws(() => port.decrypt(s3Context(user), { ciphertextBlob: dk.ciphertextBlob, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::other/x' }, ...via }),
      (e: unknown) => e instanceof AwsError && e.code === 'InvalidCiphertextException');
  });

  test('a port call emits a KMS CallRecord with the requester, invokedBy, the service as source, and no secrets', async () => {
    let plaintext: Buffer = Buffer.alloc(0);
    const records = await recordsOf(() => {
      plaintext = running.emulator.kms!.generateDataKey(s3Context(user), { keyId: 'alias/myFirstKey', encryptionContext: ec, ...via }).plaintext;
    });
    assert.equal(records.length, 1);
    const r = records[0];
    assert.deepEqual(
      [r.eventSource, r.eventName, r.status, r.principal.arn, r.sourceIp, r.userAgent, r.readOnly, r.audit.invokedBy, r.region],
      ['kms.amazonaws.com', 'GenerateDataKey', 200, user.arn, 's3.amazonaws.com', 's3.amazonaws.com', true, 's3.amazonaws.com', REGION],
    );
    // ct-generatedatakey: requestParameters {keyId, keySpec, encryptionContext}, responseElements null, keyMaterialId in additionalEventData.
    assert.deepEqual(r.audit.requestParameters, { keyId: 'alias/myFirstKey', keySpec: 'AES_256', encryptionContext: ec });
    assert.equal(r.audit.responseElements ?? null, null);
    assert.deepEqual(r.audit.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn }]);
    assert.match(String(r.audit.additionalEventData?.keyMaterialId), /^[0-9a-f]{64}$/);
    const json = JSON.stringify(r);
    assert.ok(!json.includes(plaintext.toString('base64')) && !json.includes(plaintext.toString('hex')), 'the data key never reaches CloudTrail');
  });

  test('a denied port call throws KMS\'s AccessDeniedException and is recorded with its error', async () => {
    const outsider = addUser(running, 'outsider');
    let thrown: unknown;
    const records = await recordsOf(() => {
      try {
        running.emulator.kms!.generateDataKey(s3Context(outsider), { keyId, encryptionContext: ec, ...via });
      } catch (e) {
        thrown = e;
        throw e;
      }
    });
    assert.ok(thrown instanceof AwsError && thrown.code === 'AccessDeniedException');
    assert.equal((thrown as AwsError).message, `User: ${outsider.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${keyArn} because no identity-based policy allows the kms:GenerateDataKey action`);
    assert.equal(records.length, 1);
    assert.deepEqual([records[0].status, records[0].error?.code, records[0].audit.invokedBy], [400, 'AccessDeniedException', 's3.amazonaws.com']);
  });

  test('port errors keep KMS\'s codes and texts: an unknown alias is "Alias <arn> is not found.", a disabled key "<arn> is disabled."', async () => {
    const port = running.emulator.kms!;
    assert.throws(() => port.generateDataKey(s3Context(user), { keyId: 'alias/missing', encryptionContext: ec, ...via }),
      (e: unknown) => e instanceof AwsError && e.code === 'NotFoundException' && e.message === `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/missing is not found.`);
    const disabled = (await root.send(new CreateKeyCommand({}))).KeyMetadata!;
    await root.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const rootActor: Actor = { creds: ROOT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
    assert.throws(() => port.generateDataKey(s3Context(rootActor), { keyId: disabled.KeyId!, encryptionContext: ec, ...via }),
      (e: unknown) => e instanceof AwsError && e.code === 'DisabledException' && e.message === `${disabled.Arn} is disabled.`);
  });

  test('awsManagedKeyArn creates aws/s3 once: an AWS managed key that works through S3 but not directly', async () => {
    const port = running.emulator.kms!;
    const arn = port.awsManagedKeyArn(ACCOUNT, REGION, 'aws/s3');
    assert.equal(port.awsManagedKeyArn(ACCOUNT, REGION, 'aws/s3'), arn);
    const aliases = (await root.send(new ListAliasesCommand({}))).Aliases!;
    assert.ok(aliases.some((a) => a.AliasName === 'alias/aws/s3' && arn.endsWith(`/${a.TargetKeyId}`)));
    const m = (await root.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!;
    assert.deepEqual([m.Arn, m.KeyManager, m.Description], [arn, 'AWS', 'Default key that protects my S3 objects when no other key is defined']);
    const direct = await failure(root.send(new EncryptCommand({ KeyId: 'alias/aws/s3', Plaintext: Buffer.from('x') })));
    assert.equal(direct.name, 'AccessDeniedException');
    const someone = addUser(running, 'any-s3-user');
    assert.equal(port.generateDataKey(s3Context(someone), { keyId: 'alias/aws/s3', encryptionContext: ec, ...via }).keyArn, arn);
  });

  test('resolveKeyArn maps ids, ARNs and aliases to the key ARN, and anything unknown to undefined', () => {
    const port = running.emulator.kms!;
    for (const id of [keyId, keyArn, 'alias/myFirstKey', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/myFirstKey`]) assert.equal(port.resolveKeyArn(ACCOUNT, REGION, id), keyArn, id);
    for (const id of ['alias/none', 'fake-key-id', keyArn.replace(REGION, 'eu-west-1')]) assert.equal(port.resolveKeyArn(ACCOUNT, REGION, id), undefined, id);
  });
});
