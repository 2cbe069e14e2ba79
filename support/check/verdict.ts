/**
 * A check ends in one of three verdicts, never more: ✓ the account shows what the lab asks, ✗ it shows that it
 * does not, ? the checker cannot tell (and says why). Steps decide by throwing CheckFailed or CannotTell;
 * anything else that goes wrong in a check (an unexpected error, an undefined step) is "cannot tell" too —
 * an undecidable check is never a pass.
 */
export type Verdict = 'pass' | 'fail' | 'cannot-tell';

export const SYMBOL: Record<Verdict, string> = { pass: '✓', fail: '✗', 'cannot-tell': '?' };
export const WORD: Record<Verdict, string> = { pass: 'pass', fail: 'fail', 'cannot-tell': 'cannot tell' };

/** The account does not show what the check asks for; the message says what it shows instead. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** The checker could not decide (access denied, throttled past retries, logs unreadable …); the message says why. */
export class CannotTell extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CannotTell';
  }
}

/** Exception type names as Cucumber reports them (the error's constructor name). */
export const FAIL_TYPE = 'CheckFailed';
export const CANNOT_TELL_TYPE = 'CannotTell';
