import type { runCucumber } from '@cucumber/cucumber/api';

/** Cucumber's message type, taken from the API so no transitive package is imported directly. */
export type Envelope = Parameters<NonNullable<Parameters<typeof runCucumber>[2]>>[0];

/** Cucumber's own order of badness (formatter helpers use the same). */
const RANK: Record<string, number> = { UNKNOWN: 0, PASSED: 1, SKIPPED: 2, PENDING: 3, UNDEFINED: 4, AMBIGUOUS: 5, FAILED: 6 };

export const SKIP_REASON_PREFIX = 'Skipped on target';
/** A read-only check with nothing to judge (e.g. "every trail …" in an account without trails) says so and skips. */
export const NOT_APPLICABLE_PREFIX = 'Not applicable:';

export function isSkipReason(body: string): boolean {
  return body.startsWith(SKIP_REASON_PREFIX) || body.startsWith(NOT_APPLICABLE_PREFIX);
}

export interface ScenarioResult {
  name: string;
  uri: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Cucumber's worst step status, e.g. FAILED, UNDEFINED; NOT_RUN when the scenario never finished. */
  detail: string;
  skipReason?: string;
}

export interface Summary {
  scenarios: number;
  passed: number;
  failed: number;
  skipped: number;
  results: ScenarioResult[];
}

/**
 * Counts scenarios from Cucumber's message stream (the same stream that becomes messages NDJSON). The last
 * attempt of a retried scenario counts; a planned scenario that never finished (e.g. BeforeAll failed) is failed.
 */
export class Tally {
  private readonly pickles = new Map<string, { name: string; uri: string }>();
  private readonly testCases = new Map<string, string>();
  private readonly started = new Map<string, string>();
  private readonly worst = new Map<string, string>();
  private readonly reasons = new Map<string, string>();
  private readonly final = new Map<string, string>();

  add(e: Envelope): void {
    if (e.pickle) this.pickles.set(e.pickle.id, { name: e.pickle.name, uri: e.pickle.uri });
    else if (e.testCase) this.testCases.set(e.testCase.id, e.testCase.pickleId);
    else if (e.testCaseStarted) this.started.set(e.testCaseStarted.id, e.testCaseStarted.testCaseId);
    else if (e.testStepFinished) {
      const id = e.testStepFinished.testCaseStartedId;
      const status = String(e.testStepFinished.testStepResult.status);
      if ((RANK[status] ?? 0) >= (RANK[this.worst.get(id) ?? 'UNKNOWN'] ?? 0)) this.worst.set(id, status);
    } else if (e.attachment?.testCaseStartedId && e.attachment.mediaType === 'text/plain' && isSkipReason(e.attachment.body)) {
      this.reasons.set(e.attachment.testCaseStartedId, e.attachment.body);
    } else if (e.testCaseFinished && !e.testCaseFinished.willBeRetried) {
      const testCaseId = this.started.get(e.testCaseFinished.testCaseStartedId);
      if (testCaseId) this.final.set(testCaseId, e.testCaseFinished.testCaseStartedId);
    }
  }

  summary(): Summary {
    const results: ScenarioResult[] = [];
    for (const [testCaseId, pickleId] of this.testCases) {
      const pickle = this.pickles.get(pickleId) ?? { name: pickleId, uri: '?' };
      const startedId = this.final.get(testCaseId);
      const detail = startedId ? this.worst.get(startedId) ?? 'UNKNOWN' : 'NOT_RUN';
      const status = detail === 'PASSED' ? 'passed' : detail === 'SKIPPED' ? 'skipped' : 'failed';
      results.push({ ...pickle, status, detail, skipReason: startedId ? this.reasons.get(startedId) : undefined });
    }
    const count = (s: ScenarioResult['status']) => results.filter((r) => r.status === s).length;
    return { scenarios: results.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), results };
  }
}

export function summaryLine(s: Summary): string {
  return `${s.scenarios} scenarios: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
}
