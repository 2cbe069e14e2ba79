import assert from 'node:assert/strict';
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import type { ActorName } from '../support/actors.js';
import { actionsOf, KEY_ADMIN_ACTIONS, principalsOf, statementBySid, type KeyPolicyKind } from '../support/lab/key-policy.js';
import { callKms, createKey, decrypt, describeKey, disableKey, encrypt, getKeyPolicy, listAliases, listTags, scheduleDeletion, setKeyUser } from '../support/lab/kms.js';
import { must, type Outcome } from '../support/outcome.js';
import { RUN_ID_TAG } from '../support/resources.js';
import type { LabWorld } from '../support/world.js';

// ---- creating keys -------------------------------------------------------------------------------------

async function create(world: LabWorld, creator: ActorName, logical: string, kind: KeyPolicyKind, admins: ActorName[] = [creator]) {
  const outcome = await createKey(world, world.actor(creator), logical, { kind, admins: admins.map((a) => world.actor(a)) });
  if (outcome.ok) world.keys.set(logical, outcome.value);
  world.record(outcome, outcome.ok ? undefined : { policyKind: kind, admins });
  return outcome;
}

When('{actor} creates the customer managed key {string} with the console\'s key policy', async function (this: LabWorld, actor: ActorName, logical: string) {
  await create(this, actor, logical, 'console');
});

Given('{actor} has created the customer managed key {string} with the console\'s key policy', async function (this: LabWorld, actor: ActorName, logical: string) {
  must(await create(this, actor, logical, 'console'));
});

Given('{actor} has created the customer managed key {string} whose key policy allows only its administrators', async function (this: LabWorld, actor: ActorName, logical: string) {
  must(await create(this, actor, logical, 'administrators-only'));
});

When('{actor} creates the customer managed key {string} with a key policy naming only {actor} as key administrator', async function (this: LabWorld, actor: ActorName, logical: string, admin: ActorName) {
  await create(this, actor, logical, 'administrators-only', [admin]);
});

// ---- what the key is -----------------------------------------------------------------------------------

Then('the key {string} is enabled, customer managed and symmetric', async function (this: LabWorld, logical: string) {
  const key = this.key(logical);
  const meta = must(await describeKey(key.admin, key));
  this.attachEvidence(`DescribeKey ${logical}`, meta);
  assert.equal(meta.Arn, key.arn);
  assert.equal(meta.KeyState, 'Enabled', `"${logical}" is ${meta.KeyState}, not Enabled`);
  assert.equal(meta.Enabled, true);
  assert.equal(meta.KeyManager, 'CUSTOMER', `"${logical}" is managed by ${meta.KeyManager}, not the customer`);
  assert.equal(meta.KeySpec, 'SYMMETRIC_DEFAULT');
  assert.equal(meta.KeyUsage, 'ENCRYPT_DECRYPT');
  assert.equal(meta.Origin, 'AWS_KMS');
});

Then('the alias {string} points at the key', async function (this: LabWorld, logical: string) {
  const key = this.key(logical);
  const aliases = must(await listAliases(key.admin, key));
  this.attachEvidence(`ListAliases ${logical}`, aliases);
  const alias = aliases.find((a) => a.AliasName === key.aliasName);
  assert.ok(alias, `${key.aliasName} is not among the aliases of ${key.arn}: ${aliases.map((a) => a.AliasName).join(', ') || 'none'}`);
  assert.equal(alias.TargetKeyId, key.keyId);
  assert.equal(alias.AliasArn, key.aliasArn);
});

Then('the key policy of {string} has these statements:', async function (this: LabWorld, logical: string, table: DataTable) {
  const key = this.key(logical);
  const policy = must(await getKeyPolicy(key.admin, key));
  this.attachEvidence(`key policy of ${logical}`, policy);
  for (const row of table.hashes()) {
    const s = statementBySid(policy, row.Sid!);
    assert.ok(s, `The key policy of "${logical}" has no statement "${row.Sid}"; it has: ${policy.Statement.map((x) => x.Sid).join(', ')}`);
    assert.equal(s.Effect, 'Allow');
    const expectedPrincipal = row.Principal === 'account root' ? `arn:aws:iam::${this.accountId}:root` : this.actor(row.Principal as ActorName).roleArn;
    assert.deepEqual(principalsOf(s), [expectedPrincipal], `Statement "${row.Sid}" names ${principalsOf(s).join(', ')}, not ${expectedPrincipal}`);
    const expectedActions = row.Actions === 'the key administrator actions' ? KEY_ADMIN_ACTIONS : [row.Actions!];
    assert.deepEqual([...actionsOf(s)].sort(), [...expectedActions].sort(), `Statement "${row.Sid}" allows other actions than ${row.Actions}`);
  }
  assert.equal(policy.Statement.length, table.hashes().length, `The key policy of "${logical}" has ${policy.Statement.length} statements, expected ${table.hashes().length}`);
});

Then('the key {string} is tagged with this run\'s id', async function (this: LabWorld, logical: string) {
  const key = this.key(logical);
  const tags = must(await listTags(key.admin, key));
  this.attachEvidence(`tags of ${logical}`, tags);
  const tag = tags.find((t) => t.TagKey === RUN_ID_TAG);
  assert.equal(tag?.TagValue, this.runId, `"${logical}" is not tagged ${RUN_ID_TAG}=${this.runId}`);
});

// ---- key states ---------------------------------------------------------------------------------------

Given(/^the key "([^"]+)" is (disabled|pending deletion)$/, async function (this: LabWorld, logical: string, state: string) {
  const key = this.key(logical);
  const outcome: Outcome<unknown> = state === 'disabled' ? await disableKey(key.admin, key) : await scheduleDeletion(key.admin, key);
  this.attachEvidence(`${outcome.call.operation} ${logical}`, outcome);
  must(outcome);
});

// ---- using the key ------------------------------------------------------------------------------------

When('{actor} encrypts {string} with {string}', async function (this: LabWorld, actor: ActorName, plaintext: string, logical: string) {
  const key = this.key(logical);
  const outcome = this.record(await encrypt(this.actor(actor), key, plaintext));
  if (outcome.ok) this.ciphertext = { key, blob: outcome.value, plaintext };
});

Given('{actor} has encrypted {string} with {string}', async function (this: LabWorld, actor: ActorName, plaintext: string, logical: string) {
  const key = this.key(logical);
  const blob = must(this.record(await encrypt(this.actor(actor), key, plaintext)));
  this.ciphertext = { key, blob, plaintext };
});

When('{actor} encrypts {string} with the key id {string}', async function (this: LabWorld, actor: ActorName, plaintext: string, keyId: string) {
  // A key that does not exist: the lab's "wrong key id" mistake.
  const missing = { logical: keyId, keyId, arn: keyId, aliasName: keyId, aliasArn: keyId, admin: this.actor(actor) };
  this.record(await encrypt(this.actor(actor), missing, plaintext));
});

When('{actor} decrypts that ciphertext', async function (this: LabWorld, actor: ActorName) {
  if (!this.ciphertext) throw new Error('No ciphertext yet: a step like "… has encrypted "text" with "myFirstKey"" must come first.');
  this.record(await decrypt(this.actor(actor), this.ciphertext.key, this.ciphertext.blob));
});

Then('it succeeds and gives back {string}', function (this: LabWorld, expected: string) {
  const o = this.last;
  assert.ok(o?.ok, `Expected success, but ${o && !o.ok ? `${o.call.operation} was refused with ${o.error.code}: ${o.error.message}` : 'no call was made'}`);
  assert.equal(o.value, expected);
});

When('{actor} calls kms:{word} on {string}', async function (this: LabWorld, actor: ActorName, action: string, logical: string) {
  this.record(await callKms(this.actor(actor), this.key(logical), action));
});

// ---- key users ----------------------------------------------------------------------------------------

async function keyUser(world: LabWorld, admin: ActorName, user: ActorName, logical: string, present: boolean) {
  return world.record(await setKeyUser(world, world.actor(admin), world.key(logical), world.actor(user), present));
}

When('{actor} adds {actor} as a key user of {string}', async function (this: LabWorld, admin: ActorName, user: ActorName, logical: string) {
  await keyUser(this, admin, user, logical, true);
});

Given('{actor} has added {actor} as a key user of {string}', async function (this: LabWorld, admin: ActorName, user: ActorName, logical: string) {
  must(await keyUser(this, admin, user, logical, true));
});

When('{actor} removes {actor} as a key user of {string}', async function (this: LabWorld, admin: ActorName, user: ActorName, logical: string) {
  must(await keyUser(this, admin, user, logical, false));
});
