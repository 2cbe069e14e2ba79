import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import { canonicalPublicKeyPem, publicKeyFingerprint, signedPayload, verifySignatureBytes } from './sign.js';
import {
  BUNDLE_FORMAT, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, SIGNATURE_FORMAT,
  type BundleSignature, type Manifest, type VerifyOptions, type VerifyReport,
} from './types.js';
import { hashFile, listFiles } from './write.js';

const sha256hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ALGORITHMS = ['Ed25519', 'RSASSA_PSS_SHA_256', 'ECDSA_SHA_256'];

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function parseJson<T>(bytes: Buffer): T | undefined {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Base64 that re-encodes to itself: a changed character can never decode to the same bytes unnoticed. */
function strictBase64(s: unknown): Buffer | undefined {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : undefined;
}

function isManifest(m: unknown): m is Manifest {
  const x = m as Manifest | undefined;
  return Boolean(x && x.format === BUNDLE_FORMAT && Array.isArray(x.files) && x.files.every((f) => typeof f?.path === 'string' && typeof f.sha256 === 'string' && typeof f.size === 'number'));
}

/**
 * Recomputes every file's SHA-256 and size against manifest.json, names every file changed, added or removed,
 * and checks the signature over manifest.json (and over every field of manifest.sig.json) with the bundled public
 * key, a pinned one, or the one KMS GetPublicKey returns. `ok` only when all of it holds.
 */
export async function verifyBundle(dir: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const report: VerifyReport = {
    dir,
    ok: false,
    manifestReadable: false,
    files: { checked: 0, changed: [], added: [], removed: [] },
    signature: { ok: false, problems: [] },
    problems: [],
  };
  const changed = (f: string) => { if (!report.files.changed.includes(f)) report.files.changed.push(f); };

  let present: string[];
  try {
    present = await listFiles(dir);
  } catch (e) {
    report.problems.push((e as Error).message);
    return report;
  }

  // ---- the manifest and every file it lists ----
  const manifestBytes = await readOrUndefined(join(dir, MANIFEST_FILE));
  if (!manifestBytes) {
    report.files.removed.push(MANIFEST_FILE);
    report.problems.push(`${MANIFEST_FILE} is missing: nothing says what the bundle held.`);
  } else {
    const m = parseJson<unknown>(manifestBytes);
    if (!isManifest(m) || `${JSON.stringify(m, null, 2)}\n` !== manifestBytes.toString('utf8')) {
      changed(MANIFEST_FILE);
      report.problems.push(`${MANIFEST_FILE} is not a ${BUNDLE_FORMAT} manifest as kms-lab writes it (edited?).`);
    }
    if (isManifest(m)) {
      report.manifestReadable = true;
      report.manifest = m;
      const listed = new Map(m.files.map((f) => [f.path, f]));
      for (const path of present) if (!listed.has(path)) report.files.added.push(path);
      for (const f of m.files) {
        const h = present.includes(f.path) ? await hashFile(join(dir, f.path)) : undefined;
        if (!h) report.files.removed.push(f.path);
        else {
          report.files.checked++;
          if (h.sha256 !== f.sha256 || h.size !== f.size) changed(f.path);
        }
      }
    }
  }

  // ---- the signature ----
  const sig = report.signature;
  const sigBytes = await readOrUndefined(join(dir, SIGNATURE_FILE));
  const pemBytes = await readOrUndefined(join(dir, PUBLIC_KEY_FILE));
  let s: BundleSignature | undefined;
  if (!sigBytes) {
    report.files.removed.push(SIGNATURE_FILE);
    sig.problems.push(`${SIGNATURE_FILE} is missing: the bundle is not signed.`);
  } else {
    s = parseJson<BundleSignature>(sigBytes);
    if (!s || s.format !== SIGNATURE_FORMAT || `${JSON.stringify(s, null, 2)}\n` !== sigBytes.toString('utf8') || !ALGORITHMS.includes(s.algorithm) || !s.signer) {
      changed(SIGNATURE_FILE);
      sig.problems.push(`${SIGNATURE_FILE} is not a ${SIGNATURE_FORMAT} file as kms-lab writes it (edited?).`);
      s = undefined;
    }
  }
  if (!pemBytes) {
    report.files.removed.push(PUBLIC_KEY_FILE);
    if (!opts.kms && !opts.trustedPublicKeyPem) sig.problems.push(`${PUBLIC_KEY_FILE} is missing, and no other public key was given (--public-key, or --kms for GetPublicKey).`);
  }
  let bundledKey: KeyObject | undefined;
  if (pemBytes) {
    try {
      bundledKey = createPublicKey(pemBytes.toString('utf8'));
      if (canonicalPublicKeyPem(bundledKey) !== pemBytes.toString('utf8')) throw new Error('not canonical');
    } catch {
      bundledKey = undefined;
      changed(PUBLIC_KEY_FILE);
      sig.problems.push(`${PUBLIC_KEY_FILE} is not a public key as kms-lab writes it (edited?).`);
    }
  }

  if (s) {
    sig.algorithm = s.algorithm;
    sig.publicKeySha256 = s.publicKeySha256;
    if (s.signer.type === 'kms') sig.keyArn = s.signer.keyArn;
    const raw = strictBase64(s.signature);
    if (!raw) {
      changed(SIGNATURE_FILE);
      sig.problems.push(`The signature in ${SIGNATURE_FILE} is not valid base64.`);
    }
    // Is manifest.sig.json as signed? Checked with the key it names, when the bundled key is that key. Its fields
    // are what is signed, so an edit there fails here; this tells an edited signature file from an edited manifest.
    const bundledIsNamed = Boolean(bundledKey) && publicKeyFingerprint(bundledKey!) === s.publicKeySha256;
    const headerValid = bundledIsNamed && Boolean(raw) && verifySignatureBytes(s.algorithm, bundledKey!, signedPayload(s), raw!);
    if (bundledKey && !bundledIsNamed) {
      // A different valid key in manifest.pub.pem, or an edited fingerprint in manifest.sig.json: both named.
      changed(PUBLIC_KEY_FILE);
      changed(SIGNATURE_FILE);
      sig.problems.push(`${PUBLIC_KEY_FILE} is not the key ${SIGNATURE_FILE} names (fingerprints differ): one of them was changed.`);
    } else if (bundledIsNamed && raw && !headerValid) {
      changed(SIGNATURE_FILE);
      sig.problems.push(`${SIGNATURE_FILE} was changed after signing: its signature does not verify over its own fields with ${PUBLIC_KEY_FILE}.`);
    }
    if (manifestBytes && sha256hex(manifestBytes) !== s.manifestSha256) {
      if (headerValid || !bundledIsNamed) changed(MANIFEST_FILE);
      sig.problems.push(`${MANIFEST_FILE} is not the manifest that was signed (its SHA-256 differs from the one in ${SIGNATURE_FILE}).`);
    }

    // Which key to believe.
    let key: KeyObject | undefined;
    if (opts.kms) {
      const keyId = opts.kmsKeyId ?? (s.signer.type === 'kms' ? s.signer.keyArn : undefined);
      if (!keyId) sig.problems.push('The bundle was signed with a local key, not a KMS key: there is no KMS key to ask GetPublicKey for (give --kms-key-id, or verify with the bundled key).');
      else if (/:ACCOUNT-\d+:/.test(keyId)) sig.problems.push(`The signing key's ARN in the bundle is masked (${keyId}: the run used --redact-account-ids); give the real key with --kms-key-id (its ARN, or its alias).`);
      else {
        try {
          const out = await opts.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
          if (!out.PublicKey) throw new Error('no public key in the answer');
          key = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
          sig.keySource = `KMS GetPublicKey ${out.KeyId ?? keyId}`;
          sig.keyArn = out.KeyId ?? keyId;
          if (publicKeyFingerprint(key) !== s.publicKeySha256) sig.problems.push(`KMS key ${sig.keyArn} is not the key this bundle says it was signed with (public key fingerprints differ).`);
        } catch (e) {
          sig.problems.push(`KMS GetPublicKey of ${keyId} failed: ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    } else if (opts.trustedPublicKeyPem) {
      try {
        key = createPublicKey(opts.trustedPublicKeyPem);
        sig.keySource = 'pinned public key';
        if (publicKeyFingerprint(key) !== s.publicKeySha256) sig.problems.push('The pinned public key is not the key this bundle was signed with.');
      } catch (e) {
        sig.problems.push(`The pinned public key cannot be read: ${(e as Error).message}`);
      }
    } else if (bundledKey) {
      key = bundledKey;
      sig.keySource = `bundled public key (${PUBLIC_KEY_FILE})`;
    }
    if (raw && key && !verifySignatureBytes(s.algorithm, key, signedPayload(s), raw)) {
      sig.problems.push(`The ${s.algorithm} signature does not verify with the ${sig.keySource}.`);
    }
    sig.ok = sig.problems.length === 0 && Boolean(key) && Boolean(raw);
  }

  const f = report.files;
  report.ok = sig.ok && report.manifestReadable && f.changed.length === 0 && f.added.length === 0 && f.removed.length === 0 && report.problems.length === 0;
  return report;
}

export function formatVerifyReport(r: VerifyReport): string[] {
  const lines: string[] = [];
  for (const p of r.problems) lines.push(`problem: ${p}`);
  for (const f of r.files.changed) lines.push(`changed: ${f}`);
  for (const f of r.files.added) lines.push(`added:   ${f}`);
  for (const f of r.files.removed) lines.push(`removed: ${f}`);
  for (const p of r.signature.problems) lines.push(`signature: ${p}`);
  if (r.signature.ok) lines.push(`signature: ${r.signature.algorithm} OK with the ${r.signature.keySource} (public key SHA-256 ${r.signature.publicKeySha256})`);
  lines.push(r.ok
    ? `OK: ${r.files.checked} files match manifest.json, and its signature holds.`
    : `FAILED: ${r.files.changed.length} changed, ${r.files.added.length} added, ${r.files.removed.length} removed; signature ${r.signature.ok ? 'OK' : 'NOT OK'}.`);
  return lines;
}
