import type { RateLimiter } from '../cloudtrail/limiter.js';
import type { CheckClients } from './clients.js';
import type { RosterEntry } from './roster.js';

/**
 * What every check of one student shares: the student, the guarded clients of the checker's session in their
 * account, the LookupEvents limiter of that account, and a memo so that each fact (the aliases, the trails,
 * the key's CloudTrail events …) is read from AWS once per student, whichever checks need it.
 */
export interface StudentContext {
  readonly entry: RosterEntry;
  readonly clients: CheckClients;
  /** arn:aws:sts::<student>:assumed-role/<role>/<session>: who the checker is in the student's account. */
  readonly sessionArn: string;
  /** LookupEvents: ≤ 2 requests per second for this account and Region, shared by everyone checking it. */
  readonly limiter: RateLimiter;
  /** When the check of this student began; CloudTrail is read from `since` up to now. */
  readonly startedAt: Date;
  readonly since: Date;
  /** The most trail log files read for one check before it answers "cannot tell". */
  readonly maxLogFiles: number;
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export function newStudentContext(fields: Omit<StudentContext, 'memo'>): StudentContext {
  const cache = new Map<string, Promise<unknown>>();
  return {
    ...fields,
    memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let p = cache.get(key) as Promise<T> | undefined;
      if (!p) {
        p = fn();
        cache.set(key, p);
      }
      return p;
    },
  };
}

/**
 * Cucumber's worldParameters must be JSON, and a student's clients are not: the runner registers each
 * student's context here and passes only its id; the World looks it up.
 */
const contexts = new Map<string, StudentContext>();
let counter = 0;

export function registerContext(ctx: StudentContext): string {
  const id = `student-${++counter}`;
  contexts.set(id, ctx);
  return id;
}

export function unregisterContext(id: string): void {
  contexts.delete(id);
}

export function contextById(id: unknown): StudentContext {
  const ctx = typeof id === 'string' ? contexts.get(id) : undefined;
  if (!ctx) {
    throw new Error('These are instructor checks of a student account: run them with `kms-lab check` (worldParameters.contextId names no student being checked).');
  }
  return ctx;
}
