/**
 * Everything the lab creates is tracked here and removed in reverse order of creation (a trail before its
 * bucket, an alias before its key), after each scenario for scenario resources and after the run for the actors.
 */

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const RUN_ID_TAG = 'kms-lab:run-id';

/** One line of reports/<run-id>/created-resources.ndjson. */
export interface ResourceLogEntry {
  event: 'created' | 'removed';
  kind: string;
  id: string;
  runId: string;
  region: string;
  at: string;
}

let resourceLog: { path: string; runId: string; region: string } | undefined;

/**
 * From now on every tracked resource is appended to `path` when it is created and again when it is removed,
 * synchronously, so that a run killed at any moment (Ctrl-C, a crash) leaves the list of what it left behind
 * for `kms-lab cleanup --run-id`. One JSON object a line: --parallel workers append to the same file.
 */
export function recordResourcesTo(path: string, run: { runId: string; region: string }): void {
  mkdirSync(dirname(path), { recursive: true });
  resourceLog = { path, ...run };
}

function logResource(event: ResourceLogEntry['event'], r: { kind: string; id: string }): void {
  if (!resourceLog) return;
  const entry: ResourceLogEntry = { event, kind: r.kind, id: r.id, runId: resourceLog.runId, region: resourceLog.region, at: new Date().toISOString() };
  try {
    appendFileSync(resourceLog.path, `${JSON.stringify(entry)}\n`);
  } catch (e) {
    process.stderr.write(`kms-lab: could not record ${r.kind} ${r.id} in ${resourceLog.path}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

/** What a record says is still there: created and not removed, in order of creation. */
export function leftovers(entries: readonly ResourceLogEntry[]): ResourceLogEntry[] {
  const open = new Map<string, ResourceLogEntry>();
  for (const e of entries) {
    const k = `${e.kind}\u0000${e.id}`;
    if (e.event === 'created') open.set(k, e);
    else open.delete(k);
  }
  return [...open.values()];
}

export interface TrackedResource {
  /** e.g. "KMS key", "S3 bucket", "CloudTrail trail", "IAM role". */
  kind: string;
  /** The name or ARN in AWS. */
  id: string;
  /** Removes it; should treat "already gone" as success. */
  remove: () => Promise<void>;
}

export interface CleanupResult {
  removed: string[];
  failed: { resource: string; error: string }[];
}

export class ResourceTracker {
  private readonly resources: TrackedResource[] = [];

  add(resource: TrackedResource): void {
    this.resources.push(resource);
    logResource('created', resource);
  }

  get size(): number {
    return this.resources.length;
  }

  list(): readonly TrackedResource[] {
    return this.resources;
  }

  /** Removes everything, newest first; one failure does not stop the rest. */
  async cleanup(): Promise<CleanupResult> {
    const result: CleanupResult = { removed: [], failed: [] };
    while (this.resources.length > 0) {
      const r = this.resources.pop()!;
      const label = `${r.kind} ${r.id}`;
      try {
        await r.remove();
        logResource('removed', r);
        result.removed.push(label);
      } catch (e) {
        result.failed.push({ resource: label, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return result;
  }
}

/** The message for leftovers: which, why, and how to remove them by hand. */
export function cleanupFailureMessage(runId: string, failed: CleanupResult['failed']): string {
  return [
    `Cleanup left ${failed.length} resource(s) behind:`,
    ...failed.map((f) => `  - ${f.resource}: ${f.error}`),
    `Every resource of this run is tagged ${RUN_ID_TAG}=${runId}; delete those by hand (KMS keys: schedule deletion).`,
  ].join('\n');
}

/** "Already gone" is what cleanup wants; these codes mean exactly that. */
export function isGone(e: unknown): boolean {
  const name = (e as { name?: string; Code?: string })?.Code ?? (e as { name?: string })?.name ?? '';
  return /^(NoSuchBucket|NoSuchEntity|NotFoundException|TrailNotFoundException|NoSuchKey)$/.test(name);
}
