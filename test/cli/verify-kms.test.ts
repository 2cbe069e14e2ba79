import assert from 'node:assert/strict';
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeKeyCommand, KMSClient, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { localSigner, MANIFEST_FILE, SIGNATURE_FILE, verifyBundle, writeBundle, type Manifest } from '../../support/bundle/index.js';
import { emulatorCredentialsEnv, explain, runKmsLab, tempReportDir, type LabProcess } from './lab-process.js';

/**
 * The compliance team's run, against an emulator this test owns (so that it can see every secret the emulator hands
 * out, and ask its KMS for the public key afterwards): signed by a KMS key the harness creates, account ids masked.
 */
let emulator: RunningEmulator;
let bundle: string;
let run: LabProcess;
const issued = { secrets: new Set<string>(), accessKeyIds: new Set<string>() };
const ALIAS = 'alias/kms-lab-evidence';

before(async () => {
  emulator = await startEmulator({ port: 0 });
  // Every secret the emulator issues during the run: the run user's access key, every actor's session.
  const identity = emulator.emulator.identity;
  const addAccessKey = identity.addAccessKey.bind(identity);
  identity.addAccessKey = (k) => {
    issued.secrets.add(k.secretAccessKey);
    issued.accessKeyIds.add(k.accessKeyId);
    addAccessKey(k);
  };
  const addSession = identity.addSession.bind(identity);
  identity.addSession = (s) => {
    issued.secrets.add(s.secretAccessKey);
    issued.secrets.add(s.sessionToken);
    issued.accessKeyIds.add(s.accessKeyId);
    addSession(s);
  };
  const root = await tempReportDir('kms-lab-verify-kms-');
  run = await runKmsLab(['run', '--endpoint', emulator.url, '--tags', '@cloudtrail', '--sign-with', ALIAS, '--create-signing-key', '--redact-account-ids', '--report-dir', root]);
  const runId = /^kms-lab run (\S+):/m.exec(run.stdout)?.[1];
  assert.ok(runId && run.code === 0, explain(run));
  bundle = join(root, runId);
});

after(async () => {
  await emulator?.stop();
});

const kms = () => new KMSClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** Every regular file under `dir` (the report root's `latest` link is not followed: it is the same run). */
async function everyFile(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath ?? e.path, e.name);
    out.push({ path, text: await readFile(path, 'latin1') });
  }
  return out;
}

describe('kms-lab run --sign-with (KMS) and kms-lab verify --kms', () => {
  it('signs the manifest ECDSA_SHA_256 with the KMS key it created under the alias, and keeps that key out of cleanup', async () => {
    const sig = JSON.parse(await readFile(join(bundle, SIGNATURE_FILE), 'utf8'));
    assert.equal(sig.algorithm, 'ECDSA_SHA_256');
    assert.equal(sig.signer.type, 'kms');
    const client = kms();
    try {
      const key = (await client.send(new DescribeKeyCommand({ KeyId: ALIAS }))).KeyMetadata;
      assert.equal(key?.KeyUsage, 'SIGN_VERIFY');
      assert.equal(key?.KeyState, 'Enabled', 'not scheduled for deletion by the run\'s cleanup');
      const tags = (await client.send(new ListResourceTagsCommand({ KeyId: key!.KeyId! }))).Tags ?? [];
      assert.ok(!tags.some((t) => t.TagKey === 'kms-lab:run-id'), 'no run-id tag: `kms-lab cleanup` must never delete it');
    } finally {
      client.destroy();
    }
  });

  it('verify --kms checks the signature with the public key KMS GetPublicKey returns', async () => {
    const p = await runKmsLab(['verify', bundle, '--kms', '--kms-key-id', ALIAS, '--endpoint', emulator.url], emulatorCredentialsEnv());
    assert.equal(p.code, 0, explain(p));
    assert.match(p.stdout, /^signature: ECDSA_SHA_256 OK with the KMS GetPublicKey arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36} /m);
  });

  it('verify --kms rejects a bundle re-signed with another key, even though its own bundled key agrees', async () => {
    const dir = join(await tempReportDir('kms-lab-resigned-'), 'bundle');
    await cp(bundle, dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    await writeBundle(dir, { metadata: manifest.metadata, signer: localSigner() });
    assert.equal((await verifyBundle(dir)).ok, true, 'self-consistent with the bundled key');
    const client = kms();
    try {
      const r = await verifyBundle(dir, { kms: client, kmsKeyId: ALIAS });
      assert.equal(r.ok, false);
      assert.match(r.signature.problems.join('\n'), /KMS key arn:aws:kms:\S+ is not the key this bundle says it was signed with/);
    } finally {
      client.destroy();
    }
  });

  it('verify --kms on a bundle with masked account ids asks for the real key with --kms-key-id', async () => {
    const client = kms();
    try {
      const r = await verifyBundle(bundle, { kms: client });
      assert.equal(r.ok, false);
      assert.match(r.signature.problems.join('\n'), /signing key's ARN in the bundle is masked \(arn:aws:kms:us-east-1:ACCOUNT-1:key\/.*give the real key with --kms-key-id/);
    } finally {
      client.destroy();
    }
  });

  it('no file of the run holds a secret key, session token or whole access key id the emulator issued to it', async () => {
    assert.ok(issued.secrets.size >= 4 && issued.accessKeyIds.size >= 4, `the run was issued ${issued.secrets.size} secrets`);
    const files = await everyFile(join(bundle, '..'));
    assert.ok(files.length > 20);
    for (const { path, text } of files) {
      for (const secret of issued.secrets) assert.ok(!text.includes(secret), `${path} contains a secret the emulator issued (${secret.slice(0, 4)}…)`);
      for (const id of issued.accessKeyIds) assert.ok(!text.includes(id), `${path} contains the whole access key id ${id.slice(0, 4)}…${id.slice(-4)}`);
    }
    for (const secret of issued.secrets) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'nor does the run\'s output');
  });

  it('with --redact-account-ids no file holds the account id, which is ACCOUNT-1 everywhere', async () => {
    for (const { path, text } of await everyFile(bundle)) {
      assert.doesNotMatch(text, /(?<![0-9A-Za-z])000000000000(?![0-9A-Za-z])/, `${path} shows the account id`);
    }
    const meta = JSON.parse(await readFile(join(bundle, MANIFEST_FILE), 'utf8')).metadata;
    assert.equal(meta.run.account, 'ACCOUNT-1');
    assert.equal(meta.run.callerArn, 'arn:aws:iam::ACCOUNT-1:root');
    assert.match(JSON.stringify(meta.cloudTrail.logFiles), /AWSLogs\/ACCOUNT-1\/CloudTrail\//);
    assert.equal((await verifyBundle(bundle)).ok, true, 'and the masked bundle verifies');
  });
});
