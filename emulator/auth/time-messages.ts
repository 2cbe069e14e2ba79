import { parseAmzDate, toAmzDate } from './params.js';
import type { FailFacts } from './types.js';

/**
 * The clock-skew sentence of AWS's JSON and query services, e.g.
 *   "Signature expired: 20160609T184512Z is now earlier than 20160610T013008Z (20160610T014508Z - 15 min.)"
 *   "Signature not yet current: 20210502T183640Z is still later than 20210502T175140Z (20210502T173640Z + 15 min.)"
 * Sources: github.com/devsecops/bootcamp/issues/101 (STS AssumeRole → SignatureDoesNotMatch, "- 15 min."),
 * mhart/dynalite's index.js comments (DynamoDB → InvalidSignatureException), credstash's troubleshooting
 * notes quoting KMS Decrypt ("- 5 min."), and an Elastic Beanstalk `eb deploy` error quoted in a public
 * blog post for the "not yet current" form ("+ 5 min.").
 */
export function skewMessage(facts: FailFacts = {}): string {
  const now = facts.serverTime ?? new Date();
  const window = facts.windowSeconds ?? 900;
  const sent = requestAmzDate(facts.amzDate);
  const sentTime = parseAmzDate(sent)?.getTime() ?? now.getTime();
  if (sentTime > now.getTime()) {
    const limit = toAmzDate(new Date(now.getTime() + window * 1000));
    return `Signature not yet current: ${sent} is still later than ${limit} (${toAmzDate(now)} + ${windowText(window)})`;
  }
  const limit = toAmzDate(new Date(now.getTime() - window * 1000));
  return `Signature expired: ${sent} is now earlier than ${limit} (${toAmzDate(now)} - ${windowText(window)})`;
}

/** AWS always says "15 min." / "5 min."; a window that is not whole minutes is our own wording. */
const windowText = (seconds: number): string => (seconds % 60 === 0 ? `${seconds / 60} min.` : `${seconds} sec.`);

/** The request time in AWS's basic format, also when the client sent an RFC 1123 Date header. */
function requestAmzDate(sent: string | undefined): string {
  if (!sent) return toAmzDate(new Date());
  if (parseAmzDate(sent)) return sent;
  const t = Date.parse(sent);
  return Number.isNaN(t) ? sent : toAmzDate(new Date(t));
}
