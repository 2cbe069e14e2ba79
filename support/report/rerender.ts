import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE, type Manifest } from '../bundle/types.js';
import { renderReport } from './html.js';

export const REPORT_FILE = 'report.html';

export interface RerenderResult {
  out: string;
  /** Same bytes as the report.html the manifest lists (so the bundle still verifies). */
  identicalToSigned: boolean;
  /** The manifest lists a report.html with other bytes, and it was (force) or was not written. */
  differsFromSigned: boolean;
  written: boolean;
  missingEvidence: string[];
}

/**
 * Renders report.html again from a bundle's manifest.json and evidence/ files. Writing over the bundle's own
 * report.html with different bytes would make the bundle fail verification, so that needs `force`; any other
 * `out` is always written.
 */
export async function rerenderReport(dir: string, opts: { out?: string; force?: boolean } = {}): Promise<RerenderResult> {
  const manifestText = await readFile(join(dir, MANIFEST_FILE), 'utf8').catch((e: unknown) => {
    throw new Error(`${dir} is not an evidence bundle: ${MANIFEST_FILE} cannot be read (${(e as Error).message}).`);
  });
  const manifest = JSON.parse(manifestText) as Manifest;
  const evidence = new Map<string, string>();
  const missingEvidence: string[] = [];
  for (const item of manifest.metadata.results?.items ?? []) {
    for (const p of item.evidence) {
      if (evidence.has(p)) continue;
      const text = await readFile(join(dir, p), 'utf8').catch(() => undefined);
      if (text === undefined) missingEvidence.push(p);
      else evidence.set(p, text);
    }
  }
  const html = renderReport(manifest.metadata, evidence);
  const out = resolve(opts.out ?? join(dir, REPORT_FILE));
  const inBundle = out === resolve(join(dir, REPORT_FILE));
  const listed = manifest.files.find((f) => f.path === REPORT_FILE);
  const sha = createHash('sha256').update(html).digest('hex');
  const identicalToSigned = Boolean(listed && listed.sha256 === sha);
  const differsFromSigned = Boolean(inBundle && listed && !identicalToSigned);
  const written = !differsFromSigned || Boolean(opts.force);
  if (written) await writeFile(out, html);
  return { out, identicalToSigned, differsFromSigned, written, missingEvidence };
}
