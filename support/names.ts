/**
 * The lab speaks of "myFirstKey", "lab-data", "myTrail"; AWS needs names unique per account (aliases, trails,
 * roles) or worldwide (buckets). A scenario's names carry the run id and the scenario's number, so scenarios
 * can run in --parallel and several runs can share an account.
 */
export class ScenarioNames {
  constructor(
    readonly runId: string,
    /** Unique within the run: worker id and the worker's scenario counter. */
    readonly scenario: string,
  ) {}

  /** S3 bucket: 3-63 lowercase letters, digits, dashes; the logical name is kept readable at the end. */
  bucket(logical: string): string {
    const prefix = `kms-lab-${this.runId}-${this.scenario}-`;
    const tail = logical.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
    return (prefix + tail).slice(0, 63).replace(/-+$/, '');
  }

  /** KMS alias name without "alias/": keeps the lab's own name first so people recognise it. */
  alias(logical: string): string {
    return `${logical.replace(/[^a-zA-Z0-9/_-]+/g, '-')}-${this.runId}-${this.scenario}`;
  }

  /** CloudTrail trail: 3-128 letters, digits, . _ -; starts with a letter or digit. */
  trail(logical: string): string {
    return `kms-lab-${this.runId}-${this.scenario}-${logical.replace(/[^a-zA-Z0-9._-]+/g, '-')}`.slice(0, 128);
  }

  /** The prefix every bucket of this run starts with (actors' S3 permissions are limited to it). */
  static bucketPrefix(runId: string): string {
    return `kms-lab-${runId}-`;
  }
}

/** IAM role of an actor: ≤ 64 chars; per worker, because each --parallel worker provisions its own actors. */
export function roleName(runId: string, worker: string, actor: string): string {
  return `kms-lab-${runId}-w${worker}-${actor}`.slice(0, 64);
}
