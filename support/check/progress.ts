import type { Writable } from 'node:stream';

export interface ProgressSink {
  start(total: number): void;
  /** One student finished: a line for logs, or the bar on a terminal. */
  done(line: string, failed: boolean): void;
  finish(): void;
}

/**
 * On a terminal: one line redrawn in place, "[█████░░░░░] 12/30 students · 2 errors · 8 s". Otherwise (CI,
 * a pipe, a file): one quiet line per student as it finishes, so a log shows who was checked and how.
 */
export function progressFor(out: Writable & { isTTY?: boolean; columns?: number }, now: () => number = Date.now): ProgressSink {
  let total = 0;
  let doneCount = 0;
  let errors = 0;
  let started = 0;
  const tty = out.isTTY === true;
  const bar = () => {
    const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 50));
    const filled = total === 0 ? width : Math.round((doneCount / total) * width);
    const secs = Math.round((now() - started) / 1000);
    out.write(`\r\x1b[K[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${doneCount}/${total} students · ${errors} error${errors === 1 ? '' : 's'} · ${secs} s`);
  };
  return {
    start(n) {
      total = n;
      started = now();
      if (tty) bar();
    },
    done(line, failed) {
      doneCount++;
      if (failed) errors++;
      if (tty) bar();
      else out.write(`[${String(doneCount).padStart(String(total).length)}/${total}] ${line}\n`);
    },
    finish() {
      if (tty) {
        bar();
        out.write('\n');
      }
    },
  };
}
