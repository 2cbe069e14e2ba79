import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, ListGrantsCommand, ListRetirableGrantsCommand, RetireGrantCommand,
  RevokeGrantCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import type { RunningEmulator } from '../../emulator/server.js';
import { ACCOUNT, addRoleSession, addUser, allow, failure, kmsAs, start, type Actor } from './support.js';

/**
 * Grants (KMS-DG grants.md): they only allow, one key and one grantee each, optionally constrained to an
 * encryption context; the retiring principal, or a grantee granted RetireGrant, retires them.
 */
describe('KMS grants', () => {
  let running: RunningEmulator;
  let root: KMSClient;
  let bob: Actor;
  let app: Actor; // a role session; a grant to the role covers its sessions
  before(async () => {
    ({ running, kms: root } = await start());
    bob = addUser(running, 'bob');
    app = addRoleSession(running, 'app-role', 'worker-1');
  });
  after(() => running.stop());

  const newKey = async () => (await root.send(new CreateKeyCommand({}))).KeyMetadata!;

  test('a grant lets a principal with no policy at all use the key, and ListGrants shows it', async () => {
    const key = await newKey();
    const asBob = kmsAs(running, bob.creds);
    assert.equal((await failure(asBob.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })))).name, 'AccessDeniedException');
    const g = await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt', 'Decrypt'], Name: 'bob-uses-key' }));
    assert.match(g.GrantId!, /^[0-9a-f]{64}$/);
    assert.ok(g.GrantToken);
    const enc = await asBob.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('granted') }));
    assert.equal(Buffer.from((await asBob.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext!).toString(), 'granted');
    const listed = (await root.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants!;
    assert.equal(listed.length, 1);
    assert.deepEqual(
      [listed[0].GrantId, listed[0].KeyId, listed[0].GranteePrincipal, listed[0].Operations, listed[0].Name, listed[0].IssuingAccount],
      [g.GrantId, key.Arn, bob.arn, ['Encrypt', 'Decrypt'], 'bob-uses-key', `arn:aws:iam::${ACCOUNT}:root`],
    );
  });

  test('a grant covers only its operations', async () => {
    const key = await newKey();
    await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt'] }));
    const { CiphertextBlob } = await kmsAs(running, bob.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    const e = await failure(kmsAs(running, bob.creds).send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(e.message, `User: ${bob.arn} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Decrypt action`);
  });

  test('a grant to a role applies to the role\'s sessions', async () => {
    const key = await newKey();
    await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: app.roleArn, Operations: ['Encrypt'] }));
    await kmsAs(running, app.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
  });

  test('an EncryptionContextSubset constraint allows only requests carrying those pairs', async () => {
    const key = await newKey();
    await root.send(new CreateGrantCommand({
      KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt'], Constraints: { EncryptionContextSubset: { tenant: 'blue' } },
    }));
    const asBob = kmsAs(running, bob.creds);
    await asBob.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { tenant: 'blue', extra: 'ok' } }));
    const contexts: Array<Record<string, string> | undefined> = [undefined, { tenant: 'red' }];
    for (const ec of contexts) {
      const e = await failure(asBob.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: ec })));
      assert.equal(e.name, 'AccessDeniedException');
    }
  });

  test('an EncryptionContextEquals constraint requires exactly that context', async () => {
    const key = await newKey();
    await root.send(new CreateGrantCommand({
      KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { tenant: 'blue' } },
    }));
    const asBob = kmsAs(running, bob.creds);
    await asBob.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { tenant: 'blue' } }));
    assert.equal((await failure(asBob.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { tenant: 'blue', extra: 'no' } })))).name, 'AccessDeniedException');
  });

  test('grants only allow: an explicit deny in the caller\'s IAM policy still wins', async () => {
    const key = await newKey();
    const denied = addUser(running, 'denied-despite-grant', { deny: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' }] } });
    await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: denied.arn, Operations: ['Encrypt'] }));
    const e = await failure(kmsAs(running, denied.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.message, `User: ${denied.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} with an explicit deny in an identity-based policy`);
  });

  test('RevokeGrant takes the permission away', async () => {
    const key = await newKey();
    const g = await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt'] }));
    await root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: g.GrantId }));
    assert.equal((await failure(kmsAs(running, bob.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })))).name, 'AccessDeniedException');
    assert.equal((await failure(root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: g.GrantId })))).name, 'InvalidGrantIdException');
  });

  test('the retiring principal retires a grant by its token; a stranger may not', async () => {
    const key = await newKey();
    // ListRetirableGrants needs kms:ListRetirableGrants in an IAM policy (API reference); RetireGrant needs nothing but the grant.
    const retirer = addUser(running, 'retirer', { list: allow('kms:ListRetirableGrants') });
    const stranger = addUser(running, 'stranger');
    const g = await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: bob.arn, RetiringPrincipal: retirer.arn, Operations: ['Encrypt'] }));
    const listed = await kmsAs(running, retirer.creds).send(new ListRetirableGrantsCommand({ RetiringPrincipal: retirer.arn }));
    assert.deepEqual(listed.Grants!.map((x) => x.GrantId), [g.GrantId]);
    const e = await failure(kmsAs(running, stranger.creds).send(new RetireGrantCommand({ GrantToken: g.GrantToken })));
    assert.equal(e.name, 'AccessDeniedException');
    await kmsAs(running, retirer.creds).send(new RetireGrantCommand({ GrantToken: g.GrantToken }));
    assert.deepEqual((await root.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants, []);
  });

  test('a grantee may retire its own grant only when the grant includes RetireGrant', async () => {
    const key = await newKey();
    const g = await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt', 'RetireGrant'] }));
    await kmsAs(running, bob.creds).send(new RetireGrantCommand({ KeyId: key.Arn, GrantId: g.GrantId }));
    assert.deepEqual((await root.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants, []);
  });

  test('a grant operation the key cannot perform is refused', async () => {
    const key = await newKey();
    const e = await failure(root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Sign'] })));
    assert.equal(e.name, 'ValidationException');
  });

  test('a GrantTokens entry KMS did not issue is InvalidGrantTokenException', async () => {
    const key = await newKey();
    const e = await failure(root.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), GrantTokens: ['not-a-token'] })));
    assert.equal(e.name, 'InvalidGrantTokenException');
  });
});
