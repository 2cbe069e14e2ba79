import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  evidencePath, listFiles, localSigner, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, verifyBundle, writeBundle, writeEvidence,
} from '../../support/bundle/index.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A small bundle: two top-level files and two evidence files, signed with a fresh local key. */
async function smallBundle() {
  const dir = await mkdtemp(join(tmpdir(), 'kms-lab-bundle-'));
  dirs.push(dir);
  await writeFile(join(dir, 'summary.md'), '# a run\n');
  await writeFile(join(dir, 'cucumber.xml'), '<testsuite/>\n');
  await writeEvidence(dir, [
    { path: evidencePath(1, 'First scenario', 3, 'When "administrator" creates a key', 'kms:CreateKey answered'), content: '{"label":"kms:CreateKey answered"}\n' },
    { path: evidencePath(2, 'Second scenario', 4, 'Then it succeeds', 'note', 'txt'), content: 'ok\n' },
  ]);
  const signer = localSigner();
  const written = await writeBundle(dir, { metadata: { kind: 'test' }, signer });
  return { dir, signer, written };
}

describe('evidence bundle (support/bundle)', () => {
  it('names evidence files by scenario and step, in run order', () => {
    assert.equal(
      evidencePath(7, 'With CloudTrail\'s bucket policy the trail records…', 5, 'When "administrator" creates the trail "myTrail"', 'cloudtrail:CreateTrail answered'),
      'evidence/007-with-cloudtrail-s-bucket-policy-the-trail-records/05-when-administrator-creates-the-trail-mytrail--cloudtrail-createtrail-answered.json',
    );
  });

  it('lists every file in the manifest with its SHA-256 and size, sorted, and not the bundle\'s own three files', async () => {
    const { written } = await smallBundle();
    const paths = written.manifest.files.map((f) => f.path);
    assert.deepEqual(paths, [...paths].sort());
    assert.ok(paths.includes('summary.md') && paths.some((p) => p.startsWith('evidence/001-first-scenario/03-')));
    for (const f of [MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE]) assert.ok(!paths.includes(f), `${f} is not listed in itself`);
    const summary = written.manifest.files.find((f) => f.path === 'summary.md');
    assert.deepEqual(summary, { path: 'summary.md', sha256: createHash('sha256').update('# a run\n').digest('hex'), size: 8 });
  });

  it('verifies a bundle as written', async () => {
    const { dir } = await smallBundle();
    const r = await verifyBundle(dir);
    assert.equal(r.ok, true, JSON.stringify(r, null, 2));
    assert.equal(r.files.checked, 4);
    assert.match(r.signature.keySource ?? '', /bundled public key/);
  });

  it('rejects the bundle after any single byte of any of its files is flipped, naming that file', async () => {
    const { dir } = await smallBundle();
    const files = await listFiles(dir, false);
    assert.equal(files.length, 7);
    for (const f of files) {
      const path = join(dir, f);
      const original = await readFile(path);
      // Every byte of the signature and the public key (their formats have slack a lenient parser would forgive);
      // manifest.json is covered byte for byte by its SHA-256 in the signed fields: every 5th byte is enough there.
      for (let at = 0; at < original.length; at += f === MANIFEST_FILE ? 5 : 1) {
        const flipped = Buffer.from(original);
        flipped[at] ^= 0x01;
        await writeFile(path, flipped);
        const r = await verifyBundle(dir);
        assert.ok(!r.ok && r.files.changed.includes(f), `byte ${at} of ${f} flipped: ok=${r.ok}, changed=${JSON.stringify(r.files.changed)}`);
      }
      await writeFile(path, original);
    }
    assert.equal((await verifyBundle(dir)).ok, true);
  });

  it('rejects a signature file whose unsigned-looking field (signedAt) was edited', async () => {
    const { dir } = await smallBundle();
    const path = join(dir, SIGNATURE_FILE);
    const sig = JSON.parse(await readFile(path, 'utf8')) as { signedAt: string };
    sig.signedAt = '2020-01-01T00:00:00.000Z';
    await writeFile(path, `${JSON.stringify(sig, null, 2)}\n`);
    const r = await verifyBundle(dir);
    assert.equal(r.ok, false);
    assert.deepEqual(r.files.changed, [SIGNATURE_FILE]);
  });

  it('rejects a bundle re-signed by someone else when the verifier pins the original public key', async () => {
    const { dir, signer } = await smallBundle();
    await writeFile(join(dir, 'summary.md'), '# a better-looking run\n');
    await writeBundle(dir, { metadata: { kind: 'test' }, signer: localSigner() });
    assert.equal((await verifyBundle(dir)).ok, true, 'self-consistent with its own new key');
    const pinned = await verifyBundle(dir, { trustedPublicKeyPem: signer.publicKeyPem });
    assert.equal(pinned.ok, false);
    assert.match(pinned.signature.problems.join('\n'), /pinned public key is not the key this bundle was signed with/);
  });

  it('signs with a given Ed25519 private key, and refuses any other kind of key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.equal(localSigner(pem).publicKeyPem, localSigner(pem).publicKeyPem);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => localSigner(rsa), /must be an Ed25519 private key/);
  });

  it('refuses a symbolic link inside a bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-lab-bundle-'));
    dirs.push(dir);
    await mkdir(join(dir, 'evidence'));
    await symlink('/etc/hostname', join(dir, 'evidence', 'link.json'));
    await assert.rejects(listFiles(dir), /is a symbolic link; an evidence bundle holds only regular files/);
  });

  it('refuses evidence paths that leave the bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-lab-bundle-'));
    dirs.push(dir);
    await assert.rejects(writeEvidence(dir, [{ path: '../escape.json', content: '{}' }]), /is not inside the bundle directory/);
  });
});
