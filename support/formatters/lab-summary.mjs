// Progress characters while running, then cucumber's failures and summary, then why each skipped scenario was
// skipped, and as the very last line "N passed, N failed[, N skipped]" — the line `npm test` parses.
// Plain .mjs so the coordinating process needs no TypeScript loader to load it.
import { ProgressFormatter, Status } from '@cucumber/cucumber';

const SKIP_PREFIX = 'Skipped on target';

export default class LabSummaryFormatter extends ProgressFormatter {
  static documentation = 'progress, skip reasons, then a last line "N passed, N failed[, N skipped]"';

  constructor(options) {
    super(options);
    options.eventBroadcaster.on('envelope', (envelope) => {
      if (!envelope.testRunFinished) return;
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      const reasons = [];
      for (const attempt of this.eventDataCollector.getTestCaseAttempts()) {
        if (attempt.willBeRetried) continue;
        const status = attempt.worstTestStepResult.status;
        if (status === Status.PASSED) passed++;
        else if (status === Status.SKIPPED) {
          skipped++;
          const reason = Object.values(attempt.stepAttachments ?? {})
            .flat()
            .find((a) => a.mediaType === 'text/plain' && a.body.startsWith(SKIP_PREFIX));
          if (reason) reasons.push(`  - ${attempt.pickle.name} (${attempt.pickle.uri}): ${reason.body}`);
        } else failed++;
      }
      if (reasons.length > 0) this.log(`Skipped scenarios:\n${reasons.join('\n')}\n\n`);
      this.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    });
  }
}
