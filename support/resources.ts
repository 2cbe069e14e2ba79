/**
 * Everything the lab creates is tracked here and removed in reverse order of creation (a trail before its
 * bucket, an alias before its key), after each scenario for scenario resources and after the run for the actors.
 */

export const RUN_ID_TAG = 'kms-lab:run-id';

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
