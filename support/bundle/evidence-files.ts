import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

export interface EvidenceFile {
  /** 'evidence/…', relative to the bundle directory. */
  path: string;
  content: string | Uint8Array;
}

/** Lowercase ASCII words joined by dashes, at most `max` characters: safe on every file system. */
export function slug(text: string, max = 60): string {
  const s = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return (s.slice(0, max).replace(/-+$/, '') || 'x');
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * The conventional name of one attachment: evidence/<NNN>-<scenario>/<NN>-<step>--<label>.json.
 * Numbers keep the run's order when listed; the names say what it is without opening it.
 */
export function evidencePath(scenarioIndex: number, scenarioName: string, stepIndex: number, stepName: string, label: string, ext = 'json'): string {
  const step = slug(stepName, 50);
  const what = slug(label, 40);
  return `evidence/${pad(scenarioIndex, 3)}-${slug(scenarioName, 60)}/${pad(stepIndex, 2)}-${step}${what && what !== step ? `--${what}` : ''}.${ext}`;
}

/** A relative path inside the bundle, or an error naming it. */
export function insideBundle(dir: string, path: string): string {
  const n = normalize(path);
  if (isAbsolute(path) || n.startsWith('..') || n.split(sep).includes('..')) throw new Error(`Evidence path ${path} is not inside the bundle directory ${dir}.`);
  return join(dir, n);
}

export async function writeEvidence(dir: string, files: readonly EvidenceFile[]): Promise<string[]> {
  const seen = new Set<string>();
  const written: string[] = [];
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`Two evidence files would be written to ${f.path}; give them different labels.`);
    seen.add(f.path);
    const full = insideBundle(dir, f.path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, f.content);
    written.push(f.path);
  }
  return written;
}
