import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand, DescribeKeyCommand, DisableKeyCommand,
  DisableKeyRotationCommand, EnableKeyCommand, EnableKeyRotationCommand, EncryptCommand, GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, ListAliasesCommand, ListKeyPoliciesCommand,
  ListResourceTagsCommand, PutKeyPolicyCommand, ScheduleKeyDeletionCommand, TagResourceCommand, UntagResourceCommand,
  UpdateKeyDescriptionCommand, type AliasListEntry, type KeyMetadata, type Tag,
} from '@aws-sdk/client-kms';
import type { Actor } from '../actors.js';
import { attempt, must, type CallContext, type Outcome } from '../outcome.js';
import { isGone, RUN_ID_TAG } from '../resources.js';
import { errorCode, retryWhileConsistencyLags } from '../retry.js';
import { settle, who, type LabContext } from './context.js';
import { keyUsersOf, labKeyPolicy, withKeyUsers, type KeyPolicyDocument, type KeyPolicyKind } from './key-policy.js';

/** A key as the lab names it ("myFirstKey") and as AWS does. */
export interface KeyRef {
  logical: string;
  keyId: string;
  arn: string;
  /** alias/<logical>-<run>-<scenario> */
  aliasName: string;
  aliasArn: string;
  /** The key administrator who created it; it also cleans it up (root may not be in the key policy). */
  admin: Actor;
}

export function keyCall(operation: string, actor: Actor, key?: { logical: string; arn: string }): CallContext {
  return { operation: `kms:${operation}`, principal: who(actor), resource: key ? `"${key.logical}" (${key.arn})` : undefined };
}

/**
 * Creates a symmetric customer managed key with the given kind of key policy and an alias, as the lab's
 * administrator does in the console. Returns the refusal instead of throwing (the lockout lesson needs it).
 */
export async function createKey(lab: LabContext, creator: Actor, logical: string, opts: {
  kind: KeyPolicyKind;
  admins: Actor[];
  users?: Actor[];
}): Promise<Outcome<KeyRef>> {
  const policy = labKeyPolicy(opts.kind, lab.accountId, opts.admins.map((a) => a.roleArn), (opts.users ?? []).map((u) => u.roleArn));
  const call = keyCall('CreateKey', creator, { logical, arn: '(new key)' });
  const created = await attempt(call, () =>
    // A just-created role can be an "invalid principal" for a few seconds on AWS.
    retryWhileConsistencyLags(
      () => creator.clients.kms.send(new CreateKeyCommand({
        Description: `kms-lab "${logical}" (run ${lab.runId})`,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        Policy: JSON.stringify(policy),
        Tags: [{ TagKey: RUN_ID_TAG, TagValue: lab.runId }],
      })),
      (e) => errorCode(e) === 'MalformedPolicyDocumentException' && /invalid principals/i.test((e as Error).message),
      lab.target.timing.consistencyMs,
    ),
  );
  if (!created.ok) return created;
  const meta = created.value.KeyMetadata;
  if (!meta?.KeyId || !meta.Arn) throw new Error(`CreateKey for "${logical}" returned no key id.`);
  const aliasName = `alias/${lab.names.alias(logical)}`;
  const key: KeyRef = {
    logical,
    keyId: meta.KeyId,
    arn: meta.Arn,
    aliasName,
    aliasArn: meta.Arn.replace(/:key\/.*$/, `:${aliasName}`),
    admin: opts.admins[0] ?? creator,
  };
  lab.tracker.add({ kind: 'KMS key', id: key.arn, remove: () => retireKey(key) });
  const aliasCall = keyCall('CreateAlias', creator, key);
  must(await attempt(aliasCall, () => creator.clients.kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: key.keyId }))));
  lab.tracker.add({
    kind: 'KMS alias',
    id: aliasName,
    remove: async () => {
      await key.admin.clients.kms.send(new DeleteAliasCommand({ AliasName: aliasName })).catch((e: unknown) => {
        if (!isGone(e)) throw e;
      });
    },
  });
  return { ok: true, value: key, call };
}

/** Cleanup: a key cannot be deleted at once; 7 days is the shortest waiting period AWS allows. */
async function retireKey(key: KeyRef): Promise<void> {
  const kms = key.admin.clients.kms;
  const meta = await kms.send(new DescribeKeyCommand({ KeyId: key.keyId })).catch((e: unknown) => {
    if (isGone(e)) return undefined;
    throw e;
  });
  const state = meta?.KeyMetadata?.KeyState;
  if (!meta || state === 'PendingDeletion' || state === 'PendingReplicaDeletion') return;
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: 7 }));
}

export async function describeKey(actor: Actor, key: KeyRef): Promise<Outcome<KeyMetadata>> {
  return attempt(keyCall('DescribeKey', actor, key), async () => {
    const out = await actor.clients.kms.send(new DescribeKeyCommand({ KeyId: key.aliasName }));
    if (!out.KeyMetadata) throw new Error('DescribeKey returned no KeyMetadata');
    return out.KeyMetadata;
  });
}

export async function listAliases(actor: Actor, key: KeyRef): Promise<Outcome<AliasListEntry[]>> {
  return attempt(keyCall('ListAliases', actor, key), async () => (await actor.clients.kms.send(new ListAliasesCommand({ KeyId: key.keyId }))).Aliases ?? []);
}

export async function listTags(actor: Actor, key: KeyRef): Promise<Outcome<Tag[]>> {
  return attempt(keyCall('ListResourceTags', actor, key), async () => (await actor.clients.kms.send(new ListResourceTagsCommand({ KeyId: key.keyId }))).Tags ?? []);
}

export async function getKeyPolicy(actor: Actor, key: KeyRef): Promise<Outcome<KeyPolicyDocument>> {
  return attempt(keyCall('GetKeyPolicy', actor, key), async () => {
    const out = await actor.clients.kms.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }));
    return JSON.parse(out.Policy ?? '{}') as KeyPolicyDocument;
  });
}

/** Adds or removes a key user, as the console's "Key users → Add/Remove" does: edits the key policy. */
export async function setKeyUser(lab: LabContext, admin: Actor, key: KeyRef, user: Actor, present: boolean): Promise<Outcome<KeyPolicyDocument>> {
  const current = await getKeyPolicy(admin, key);
  if (!current.ok) return current;
  const users = keyUsersOf(current.value).filter((u) => u !== user.roleArn);
  if (present) users.push(user.roleArn);
  const next = withKeyUsers(current.value, users);
  const put = await attempt(keyCall('PutKeyPolicy', admin, key), async () => {
    await admin.clients.kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: JSON.stringify(next) }));
    return next;
  });
  if (put.ok) await settle(lab.target);
  return put;
}

export async function encrypt(actor: Actor, key: KeyRef, plaintext: string): Promise<Outcome<Uint8Array>> {
  return attempt(keyCall('Encrypt', actor, key), async () => {
    const out = await actor.clients.kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from(plaintext, 'utf8') }));
    if (!out.CiphertextBlob) throw new Error('Encrypt returned no CiphertextBlob');
    return out.CiphertextBlob;
  });
}

export async function decrypt(actor: Actor, key: KeyRef, blob: Uint8Array): Promise<Outcome<string>> {
  return attempt(keyCall('Decrypt', actor, key), async () => {
    const out = await actor.clients.kms.send(new DecryptCommand({ CiphertextBlob: blob }));
    return Buffer.from(out.Plaintext ?? new Uint8Array()).toString('utf8');
  });
}

export async function disableKey(actor: Actor, key: KeyRef): Promise<Outcome<void>> {
  return attempt(keyCall('DisableKey', actor, key), async () => {
    await actor.clients.kms.send(new DisableKeyCommand({ KeyId: key.keyId }));
  });
}

export async function scheduleDeletion(actor: Actor, key: KeyRef): Promise<Outcome<Date | undefined>> {
  return attempt(keyCall('ScheduleKeyDeletion', actor, key), async () => {
    const out = await actor.clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: 7 }));
    return out.DeletionDate;
  });
}

/**
 * "calls kms:<Action> on <key>": one representative request per action, so a table of actions can show
 * what a key administrator may manage and may not use. Returns a small summary of the answer.
 */
export const KMS_ACTIONS: Record<string, (actor: Actor, key: KeyRef) => Promise<unknown>> = {
  DescribeKey: async (a, k) => (await a.clients.kms.send(new DescribeKeyCommand({ KeyId: k.keyId }))).KeyMetadata?.KeyState,
  GetKeyPolicy: async (a, k) => Boolean((await a.clients.kms.send(new GetKeyPolicyCommand({ KeyId: k.keyId, PolicyName: 'default' }))).Policy),
  ListKeyPolicies: async (a, k) => (await a.clients.kms.send(new ListKeyPoliciesCommand({ KeyId: k.keyId }))).PolicyNames,
  ListResourceTags: async (a, k) => (await a.clients.kms.send(new ListResourceTagsCommand({ KeyId: k.keyId }))).Tags?.length,
  TagResource: (a, k) => a.clients.kms.send(new TagResourceCommand({ KeyId: k.keyId, Tags: [{ TagKey: 'kms-lab:note', TagValue: 'tagged by a key administrator' }] })).then(() => 'tagged'),
  UntagResource: (a, k) => a.clients.kms.send(new UntagResourceCommand({ KeyId: k.keyId, TagKeys: ['kms-lab:note'] })).then(() => 'untagged'),
  UpdateKeyDescription: (a, k) => a.clients.kms.send(new UpdateKeyDescriptionCommand({ KeyId: k.keyId, Description: `kms-lab "${k.logical}" (updated)` })).then(() => 'updated'),
  EnableKeyRotation: (a, k) => a.clients.kms.send(new EnableKeyRotationCommand({ KeyId: k.keyId })).then(() => 'rotation on'),
  GetKeyRotationStatus: async (a, k) => (await a.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: k.keyId }))).KeyRotationEnabled,
  DisableKeyRotation: (a, k) => a.clients.kms.send(new DisableKeyRotationCommand({ KeyId: k.keyId })).then(() => 'rotation off'),
  DisableKey: (a, k) => a.clients.kms.send(new DisableKeyCommand({ KeyId: k.keyId })).then(() => 'disabled'),
  EnableKey: (a, k) => a.clients.kms.send(new EnableKeyCommand({ KeyId: k.keyId })).then(() => 'enabled'),
  Encrypt: async (a, k) => (await a.clients.kms.send(new EncryptCommand({ KeyId: k.arn, Plaintext: Buffer.from('hello') }))).CiphertextBlob?.byteLength,
  GenerateDataKey: async (a, k) => (await a.clients.kms.send(new GenerateDataKeyCommand({ KeyId: k.arn, KeySpec: 'AES_256' }))).KeyId,
  GenerateDataKeyWithoutPlaintext: async (a, k) => (await a.clients.kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: k.arn, KeySpec: 'AES_256' }))).KeyId,
};

export async function callKms(actor: Actor, key: KeyRef, action: string): Promise<Outcome<unknown>> {
  const fn = KMS_ACTIONS[action];
  if (!fn) throw new Error(`The lab has no request for kms:${action}; known: ${Object.keys(KMS_ACTIONS).join(', ')}`);
  return attempt(keyCall(action, actor, key), () => fn(actor, key));
}
