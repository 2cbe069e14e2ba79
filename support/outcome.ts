/** What a call was: shown in every failure and attached as evidence. */
export interface CallContext {
  /** e.g. "kms:GenerateDataKey" or "s3:PutObject". */
  operation: string;
  /** The actor's name and ARN, e.g. `"student" (arn:aws:sts::…:assumed-role/…)`. */
  principal: string;
  /** The resource as the lab names it and as AWS does, e.g. `"myFirstKey" (arn:aws:kms:…)`. */
  resource?: string;
}

export interface AwsFailure {
  /** AWS's error code (the SDK error's name), e.g. AccessDeniedException, KMS.DisabledException. */
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
}

export type Outcome<T> =
  | { ok: true; value: T; call: CallContext }
  | { ok: false; error: AwsFailure; call: CallContext };

/** The AWS-facing part of an SDK (or network) error; never the request, so never a signature or a secret. */
export function awsFailure(e: unknown): AwsFailure {
  if (e && typeof e === 'object') {
    const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
    const code = err.Code ?? err.name ?? 'Error';
    return {
      code,
      message: err.message ?? '',
      httpStatus: err.$metadata?.httpStatusCode,
      requestId: err.$metadata?.requestId,
    };
  }
  return { code: 'Error', message: String(e) };
}

/** Runs one AWS call and keeps the answer, success or refusal, for the Then steps and the evidence. */
export async function attempt<T>(call: CallContext, fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn(), call };
  } catch (e) {
    if (e instanceof LabError) throw e;
    return { ok: false, error: awsFailure(e), call };
  }
}

/** An error for people: what failed, on which resource, as which principal, and what to do. */
export class LabError extends Error {
  constructor(call: CallContext, what: string, hint?: string) {
    super(`${call.operation} by ${call.principal}${call.resource ? ` on ${call.resource}` : ''}: ${what}${hint ? `\n  What to do: ${hint}` : ''}`);
    this.name = 'LabError';
  }
}

/** The value of a call that set-up needs; a refusal becomes a LabError with AWS's code and message. */
export function must<T>(outcome: Outcome<T>, hint?: string): T {
  if (outcome.ok) return outcome.value;
  const { code, message, httpStatus } = outcome.error;
  throw new LabError(outcome.call, `AWS answered ${code}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${message}`, hint ?? hintFor(code));
}

/** The usual way out for the errors a learner meets. */
export function hintFor(code: string): string | undefined {
  if (/AccessDenied|UnauthorizedOperation|Forbidden/i.test(code)) return 'check the principal\'s IAM policy and the resource\'s key/bucket policy; on real AWS a new role or policy can take a few seconds to apply.';
  if (/NotImplemented|UnknownOperation|InvalidAction/i.test(code)) return 'the target does not implement this operation yet; run on a target that does, or tag the scenario with the capability it needs.';
  if (/NoSuchBucket|NotFound|NoSuchEntity/i.test(code)) return 'the resource does not exist (any more): check the name and that an earlier step created it.';
  if (/Throttl|TooManyRequests|SlowDown/i.test(code)) return 'the service is rate limiting; run with less --parallel.';
  return undefined;
}
