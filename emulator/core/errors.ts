/**
 * One error type for every service. The protocol writer (json / query / rest-xml) decides how it
 * looks on the wire; services only say what went wrong, in AWS's own code and message.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra top-level fields some errors carry on the wire (S3: Key, BucketName, Resource…). */
  readonly extra: Record<string, string>;
  /** Set on access-denied errors so CloudTrail and reports can say which policy statement decided. */
  readonly decision?: unknown;

  constructor(code: string, message: string, status = 400, extra: Record<string, string> = {}, decision?: unknown) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.extra = extra;
    this.decision = decision;
  }

  /** 4xx are the caller's fault ("Sender" in query-protocol errors), 5xx ours ("Receiver"). */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;
