import type { EvidenceItem } from '../evidence.js';
import type { Envelope } from '../runner/tally.js';
import { checkTags, FINDING_MEDIA_TYPE, type CheckDefinition } from './checks.js';
import { CANNOT_TELL_TYPE, FAIL_TYPE, type Verdict } from './verdict.js';

/** An evidence item and the step that attached it. */
export interface CheckEvidence extends EvidenceItem {
  /** 1-based position of the step in the scenario (0: a hook). */
  stepIndex: number;
  step: string;
}

/** One check of one student, as the matrix shows it. */
export interface CheckResult {
  id: string;
  verdict: Verdict;
  /** Points earned: the check's points for a pass, 0 otherwise. */
  earned: number;
  /** Why: what the check saw (pass), what the account shows instead (fail), why it cannot decide (?). */
  reason: string;
  evidence: CheckEvidence[];
  /** The step that decided a fail or a "cannot tell". */
  step?: string;
}

interface Pickle { id: string; name: string; uri: string; tags: readonly { name: string }[]; steps: Map<string, { index: number; text: string }> }

/**
 * Turns one student's Cucumber message stream into check results. Cucumber's statuses map onto the three
 * verdicts: passed → ✓; failed with CheckFailed → ✗; failed with CannotTell → ?; anything else (another
 * error, an undefined, ambiguous or pending step, a skipped check) → ?, with the reason. Never a pass.
 */
export class CheckCollector {
  private readonly pickles = new Map<string, Pickle>();
  /** testCase id → pickle id, and its steps (testStep id → pickle step id, or the hook). */
  private readonly testCases = new Map<string, { pickleId: string; steps: Map<string, string | undefined> }>();
  private readonly started = new Map<string, string>();
  private readonly finalAttempt = new Map<string, string>();
  private readonly outcome = new Map<string, { status: string; type?: string; message?: string; stepId?: string }>();
  private readonly findings = new Map<string, string[]>();
  private readonly evidence = new Map<string, CheckEvidence[]>();

  add(e: Envelope): void {
    if (e.pickle) {
      const steps = new Map(e.pickle.steps.map((s, i) => [s.id, { index: i + 1, text: s.text }] as [string, { index: number; text: string }]));
      this.pickles.set(e.pickle.id, { id: e.pickle.id, name: e.pickle.name, uri: e.pickle.uri, tags: e.pickle.tags, steps });
    } else if (e.testCase) {
      this.testCases.set(e.testCase.id, { pickleId: e.testCase.pickleId, steps: new Map(e.testCase.testSteps.map((s) => [s.id, s.pickleStepId])) });
    } else if (e.testCaseStarted) {
      this.started.set(e.testCaseStarted.id, e.testCaseStarted.testCaseId);
      this.findings.set(e.testCaseStarted.id, []);
      this.evidence.set(e.testCaseStarted.id, []);
    } else if (e.testStepFinished) {
      const id = e.testStepFinished.testCaseStartedId;
      const r = e.testStepFinished.testStepResult;
      const status = String(r.status);
      // The first step that did not pass decides; later ones are only skipped.
      if (status !== 'PASSED' && !this.outcome.has(id)) {
        this.outcome.set(id, { status, type: r.exception?.type, message: r.exception?.message ?? r.message, stepId: e.testStepFinished.testStepId });
      }
    } else if (e.attachment?.testCaseStartedId) {
      const a = e.attachment;
      const id = a.testCaseStartedId!;
      const body = a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body;
      const where = this.stepOf(id, a.testStepId);
      if (a.mediaType === FINDING_MEDIA_TYPE) this.findings.get(id)?.push(body);
      else if (a.mediaType === 'application/json') {
        try {
          this.evidence.get(id)?.push({ ...(JSON.parse(body) as EvidenceItem), ...where });
        } catch {
          this.evidence.get(id)?.push({ label: a.fileName ?? 'evidence', at: new Date().toISOString(), data: body, ...where });
        }
      } else if (a.mediaType === 'text/plain') {
        this.findings.get(id)?.push(body);
      }
    } else if (e.testCaseFinished && !e.testCaseFinished.willBeRetried) {
      const testCaseId = this.started.get(e.testCaseFinished.testCaseStartedId);
      if (testCaseId) this.finalAttempt.set(testCaseId, e.testCaseFinished.testCaseStartedId);
    }
  }

  private stepOf(testCaseStartedId: string, testStepId: string | undefined): { stepIndex: number; step: string } {
    const tc = this.testCases.get(this.started.get(testCaseStartedId) ?? '');
    const pickle = tc ? this.pickles.get(tc.pickleId) : undefined;
    const pickleStepId = testStepId ? tc?.steps.get(testStepId) : undefined;
    const step = pickleStepId ? pickle?.steps.get(pickleStepId) : undefined;
    return step ? { stepIndex: step.index, step: step.text } : { stepIndex: 0, step: 'hook' };
  }

  /** The graded checks that ran (or were planned), in feature order. */
  definitions(): CheckDefinition[] {
    const out: CheckDefinition[] = [];
    for (const p of this.pickles.values()) {
      const t = checkTags(p.tags);
      if (t) out.push({ id: t.id, points: t.points, title: p.name, uri: p.uri });
    }
    return out;
  }

  results(): Map<string, CheckResult> {
    const out = new Map<string, CheckResult>();
    for (const [testCaseId, tc] of this.testCases) {
      const pickle = this.pickles.get(tc.pickleId);
      const t = pickle ? checkTags(pickle.tags) : undefined;
      if (!pickle || !t) continue;
      const startedId = this.finalAttempt.get(testCaseId);
      const findings = startedId ? this.findings.get(startedId) ?? [] : [];
      const evidence = startedId ? this.evidence.get(startedId) ?? [] : [];
      const o = startedId ? this.outcome.get(startedId) : { status: 'NOT_RUN' };
      const stepText = o?.stepId ? pickle.steps.get(tc.steps.get(o.stepId) ?? '')?.text : undefined;
      let verdict: Verdict;
      let reason: string;
      if (!o) {
        verdict = 'pass';
        reason = findings.join('; ') || 'every step passed';
      } else if (o.status === 'FAILED' && o.type === FAIL_TYPE) {
        verdict = 'fail';
        reason = o.message ?? 'failed';
      } else if (o.status === 'FAILED' && o.type === CANNOT_TELL_TYPE) {
        verdict = 'cannot-tell';
        reason = o.message ?? 'cannot tell';
      } else {
        verdict = 'cannot-tell';
        reason = o.status === 'FAILED' ? `the check broke${stepText ? ` at "${stepText}"` : ''}: ${firstLine(o.message)}`
          : o.status === 'UNDEFINED' ? `the step "${stepText ?? '?'}" has no definition`
            : o.status === 'AMBIGUOUS' ? `the step "${stepText ?? '?'}" matches more than one definition`
              : o.status === 'NOT_RUN' ? 'the check did not run'
                : `the check ended ${o.status.toLowerCase()}${stepText ? ` at "${stepText}"` : ''}`;
      }
      out.set(t.id, { id: t.id, verdict, earned: verdict === 'pass' ? t.points : 0, reason, evidence, ...(o && stepText ? { step: stepText } : {}) });
    }
    return out;
  }
}

function firstLine(message: string | undefined): string {
  return (message ?? 'unknown error').split('\n')[0]!;
}
