import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signManifest } from './sign.js';
import {
  BUNDLE_FILES, BUNDLE_FORMAT, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE,
  type BundleMetadata, type Manifest, type ManifestFile, type Signer, type WrittenBundle,
} from './types.js';

export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Every regular file under `dir`, relative and '/'-separated, sorted (byte order, so the manifest is the same
 * on every machine). A symlink is refused: what it points at could change without the bundle changing.
 * `skipBundleFiles` leaves out manifest.json, its signature and public key at the top.
 */
export async function listFiles(dir: string, skipBundleFiles = true): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path);
      else if (e.isSymbolicLink()) throw new Error(`${join(dir, path)} is a symbolic link; an evidence bundle holds only regular files.`);
      else if (e.isFile()) {
        if (skipBundleFiles && !rel && BUNDLE_FILES.includes(e.name)) continue;
        out.push(path);
      } else throw new Error(`${join(dir, path)} is neither a file nor a directory.`);
    }
  };
  // The directory itself may be reached through a link (reports/latest); what is inside may not be one.
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new Error(`${dir} is not a directory.`);
  await walk('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function buildManifest(dir: string, metadata: BundleMetadata, now = new Date()): Promise<Manifest> {
  const files: ManifestFile[] = [];
  for (const path of await listFiles(dir)) files.push({ path, ...(await hashFile(join(dir, path))) });
  return { format: BUNDLE_FORMAT, createdAt: now.toISOString(), metadata, files };
}

/** The manifest's exact bytes: what is signed and what verify reads back. */
export function manifestBytes(m: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');
}

/**
 * Seals the directory: manifest.json over every file in it, signed; manifest.sig.json and manifest.pub.pem
 * beside it. Write everything else first.
 */
export async function writeBundle(dir: string, opts: { metadata: BundleMetadata; signer: Signer; now?: Date }): Promise<WrittenBundle> {
  const manifest = await buildManifest(dir, opts.metadata, opts.now);
  const bytes = manifestBytes(manifest);
  const signature = await signManifest(bytes, opts.signer, opts.now);
  await writeFile(join(dir, MANIFEST_FILE), bytes);
  await writeFile(join(dir, PUBLIC_KEY_FILE), opts.signer.publicKeyPem);
  await writeFile(join(dir, SIGNATURE_FILE), `${JSON.stringify(signature, null, 2)}\n`);
  return { dir, manifest, signature, manifestSha256: signature.manifestSha256 };
}
