import type { Envelope } from './tally.js';

/** One attachment as Cucumber carried it. */
export interface CollectedAttachment {
  mediaType: string;
  /** Decoded text (IDENTITY) or base64 (BASE64), as in the message. */
  body: string;
  encoding: 'IDENTITY' | 'BASE64';
  fileName?: string;
}

export interface CollectedStep {
  kind: 'step' | 'hook';
  /** "When", "Then", … for steps; "Before"/"After" for hooks. */
  keyword: string;
  text: string;
  status: string;
  error?: string;
  attachments: CollectedAttachment[];
}

export interface CollectedScenario {
  /** 1-based, in the order Cucumber planned the run. */
  index: number;
  name: string;
  uri: string;
  tags: string[];
  attempt: number;
  startedAt?: string;
  finishedAt?: string;
  steps: CollectedStep[];
}

interface Timestamp { seconds: number | string; nanos: number }
const iso = (t: Timestamp | undefined) => (t ? new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)).toISOString() : undefined);

/**
 * Everything the evidence bundle needs from Cucumber's message stream (the stream --parallel workers report
 * through, so it sees every worker's attachments): scenarios in plan order, their steps in order with keyword,
 * text, status and error, and each step's attachments. The last attempt of a retried scenario counts.
 */
export class RunCollector {
  cucumberVersion?: string;
  startedAt?: string;
  finishedAt?: string;
  private readonly pickles = new Map<string, { name: string; uri: string; tags: string[]; steps: Map<string, { text: string; astNodeIds: readonly string[] }> }>();
  private readonly keywords = new Map<string, string>();
  private readonly hooks = new Map<string, { name?: string; type?: string }>();
  private readonly testCases: { id: string; pickleId: string; steps: { id: string; pickleStepId?: string; hookId?: string }[] }[] = [];
  private readonly attempts = new Map<string, { testCaseId: string; attempt: number; startedAt?: string; finishedAt?: string; results: Map<string, { status: string; error?: string }>; attachments: Map<string, CollectedAttachment[]> }>();
  private readonly final = new Map<string, string>();

  add(e: Envelope): void {
    if (e.meta) this.cucumberVersion = e.meta.implementation?.version;
    else if (e.testRunStarted) this.startedAt = iso(e.testRunStarted.timestamp);
    else if (e.testRunFinished) this.finishedAt = iso(e.testRunFinished.timestamp);
    else if (e.gherkinDocument) this.indexKeywords(e.gherkinDocument);
    else if (e.hook) this.hooks.set(e.hook.id, { name: e.hook.name, type: e.hook.type ? String(e.hook.type) : undefined });
    else if (e.pickle) {
      const steps = new Map(e.pickle.steps.map((s) => [s.id, { text: s.text, astNodeIds: s.astNodeIds }]));
      this.pickles.set(e.pickle.id, { name: e.pickle.name, uri: e.pickle.uri, tags: e.pickle.tags.map((t) => t.name), steps });
    } else if (e.testCase) {
      this.testCases.push({ id: e.testCase.id, pickleId: e.testCase.pickleId, steps: e.testCase.testSteps.map((s) => ({ id: s.id, pickleStepId: s.pickleStepId, hookId: s.hookId })) });
    } else if (e.testCaseStarted) {
      this.attempts.set(e.testCaseStarted.id, { testCaseId: e.testCaseStarted.testCaseId, attempt: e.testCaseStarted.attempt, startedAt: iso(e.testCaseStarted.timestamp), results: new Map(), attachments: new Map() });
    } else if (e.testStepFinished) {
      const a = this.attempts.get(e.testStepFinished.testCaseStartedId);
      const r = e.testStepFinished.testStepResult;
      a?.results.set(e.testStepFinished.testStepId, { status: String(r.status), error: r.exception?.message ?? r.message });
    } else if (e.attachment?.testCaseStartedId && e.attachment.testStepId) {
      const a = this.attempts.get(e.attachment.testCaseStartedId);
      if (!a) return;
      const list = a.attachments.get(e.attachment.testStepId) ?? [];
      list.push({ mediaType: e.attachment.mediaType, body: e.attachment.body, encoding: String(e.attachment.contentEncoding) === 'BASE64' ? 'BASE64' : 'IDENTITY', fileName: e.attachment.fileName });
      a.attachments.set(e.attachment.testStepId, list);
    } else if (e.testCaseFinished) {
      const a = this.attempts.get(e.testCaseFinished.testCaseStartedId);
      if (a) a.finishedAt = iso(e.testCaseFinished.timestamp);
      if (a && !e.testCaseFinished.willBeRetried) this.final.set(a.testCaseId, e.testCaseFinished.testCaseStartedId);
    }
  }

  /** Gherkin keywords ("Given ", "And ") by AST node id, so a pickle step can say how the feature wrote it. */
  private indexKeywords(doc: NonNullable<Envelope['gherkinDocument']>): void {
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) { for (const n of node) visit(n); return; }
      const o = node as Record<string, unknown>;
      if (Array.isArray(o.steps)) {
        for (const s of o.steps as { id: string; keyword: string }[]) this.keywords.set(s.id, s.keyword.trim());
      }
      for (const k of ['feature', 'children', 'scenario', 'background', 'rule']) if (o[k]) visit(o[k]);
    };
    visit(doc);
  }

  scenarios(): CollectedScenario[] {
    return this.testCases.map((tc, i) => {
      const pickle = this.pickles.get(tc.pickleId) ?? { name: tc.pickleId, uri: '?', tags: [], steps: new Map() };
      const startedId = this.final.get(tc.id);
      const attempt = startedId ? this.attempts.get(startedId) : undefined;
      const steps: CollectedStep[] = tc.steps.map((s) => {
        const result = attempt?.results.get(s.id);
        const attachments = attempt?.attachments.get(s.id) ?? [];
        if (s.pickleStepId) {
          const ps = pickle.steps.get(s.pickleStepId);
          const keyword = ps ? this.keywords.get(ps.astNodeIds[0]) ?? '' : '';
          return { kind: 'step', keyword, text: ps?.text ?? '?', status: result?.status ?? 'NOT_RUN', error: result?.error, attachments };
        }
        const hook = s.hookId ? this.hooks.get(s.hookId) : undefined;
        const keyword = hook?.type?.startsWith('AFTER') ? 'After' : 'Before';
        return { kind: 'hook', keyword, text: hook?.name ?? 'hook', status: result?.status ?? 'NOT_RUN', error: result?.error, attachments };
      });
      return { index: i + 1, name: pickle.name, uri: pickle.uri, tags: pickle.tags, attempt: attempt?.attempt ?? 0, startedAt: attempt?.startedAt, finishedAt: attempt?.finishedAt, steps };
    });
  }
}
