/**
 * Check mode is read-only by construction: every SDK client it makes carries this middleware, which refuses
 * any operation outside an allow-list of read operations before the request is built, signed or sent. The
 * list is explicit (not "anything starting with Get"): STS GetSessionToken, KMS GetParametersForImport or S3
 * GetObject on a student's data would all pass a prefix test. S3 GetObject is allowed only for CloudTrail's
 * own files: log, digest and Insights files under AWSLogs/<account>/CloudTrail, CloudTrail-Digest, CloudTrail-Insight.
 */

type Input = Record<string, unknown>;

/** Read operations per client, by the SDK's command name without "Command". */
export const READ_OPERATIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  KMSClient: new Set([
    'DescribeKey', 'GetKeyPolicy', 'GetKeyRotationStatus', 'GetPublicKey', 'ListAliases', 'ListGrants', 'ListKeyPolicies',
    'ListKeyRotations', 'ListKeys', 'ListResourceTags',
  ]),
  CloudTrailClient: new Set([
    'DescribeTrails', 'GetEventSelectors', 'GetInsightSelectors', 'GetTrail', 'GetTrailStatus', 'ListPublicKeys', 'ListTags',
    'ListTrails', 'LookupEvents',
  ]),
  S3Client: new Set([
    'GetBucketAcl', 'GetBucketEncryption', 'GetBucketLocation', 'GetBucketLogging', 'GetBucketOwnershipControls', 'GetBucketPolicy',
    'GetBucketPolicyStatus', 'GetBucketTagging', 'GetBucketVersioning', 'GetPublicAccessBlock', 'HeadBucket', 'HeadObject',
    'ListBuckets', 'ListObjects', 'ListObjectsV2', 'GetObject',
  ]),
  IAMClient: new Set([
    'GetRole', 'GetRolePolicy', 'GetUser', 'GetUserPolicy', 'GetPolicy', 'GetPolicyVersion', 'ListAttachedRolePolicies',
    'ListAttachedUserPolicies', 'ListRolePolicies', 'ListRoles', 'ListUserPolicies', 'ListUsers',
  ]),
  STSClient: new Set(['GetCallerIdentity']),
};

/** CloudTrail's files in a trail bucket: [prefix/]AWSLogs/<account>/CloudTrail[-Digest|-Insight]/… */
export const TRAIL_FILE_KEY = /(^|\/)AWSLogs\/(o-[a-z0-9]+\/)?\d{12}\/CloudTrail(-Digest|-Insight)?\//;

/** Operations allowed only for some inputs: the reason they are refused, or undefined when allowed. */
const CONDITIONS: Readonly<Record<string, (input: Input) => string | undefined>> = {
  'S3Client.GetObject': (input) =>
    typeof input.Key === 'string' && TRAIL_FILE_KEY.test(input.Key)
      ? undefined
      : `s3:GetObject is allowed only on CloudTrail's log files (AWSLogs/<account>/CloudTrail…/), not on "${String(input.Key)}"`,
};

export class ReadOnlyViolation extends Error {
  constructor(readonly operation: string, reason: string) {
    super(`Refused before sending: ${operation} is not a read operation kms-lab check may call (${reason}). Check mode never changes a student's account.`);
    this.name = 'ReadOnlyViolation';
  }
}

/** One call a checked client made, for the student's evidence (never its input values or credentials). */
export interface CallLogEntry {
  at: string;
  operation: string;
  outcome: 'ok' | 'error' | 'refused';
  errorCode?: string;
  httpStatus?: number;
  requestId?: string;
  ms: number;
}

export interface GuardOptions {
  /** Operations this client may call besides its read list, e.g. sts:AssumeRole for the operator's own client. */
  extra?: readonly string[];
  onCall?: (entry: CallLogEntry) => void;
}

/** Why `client.operation` with this input is refused, or undefined when it is a permitted read. */
export function refusalReason(clientName: string, operation: string, input: Input, extra: readonly string[] = []): string | undefined {
  if (extra.includes(operation)) return undefined;
  const allowed = READ_OPERATIONS[clientName];
  if (!allowed) return `${clientName} has no read operations on the allow-list`;
  if (!allowed.has(operation)) return `not on the allow-list of ${clientName} read operations`;
  return CONDITIONS[`${clientName}.${operation}`]?.(input);
}

interface MiddlewareClient {
  middlewareStack: { add: (mw: any, options: { step: 'initialize'; name: string; priority: 'high' }) => void };
}

/** Installs the guard (and the call log) on an SDK v3 client. */
export function guardReadOnly<C extends MiddlewareClient>(client: C, clientName: string, opts: GuardOptions = {}): C {
  const service = clientName.replace(/Client$/, '').toLowerCase();
  client.middlewareStack.add(
    (next: (args: { input: Input }) => Promise<unknown>, context: { commandName?: string; clientName?: string }) => async (args: { input: Input }) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const name = `${service}:${operation}`;
      const started = Date.now();
      const reason = refusalReason(context.clientName ?? clientName, operation, args.input ?? {}, opts.extra);
      if (reason !== undefined) {
        opts.onCall?.({ at: new Date(started).toISOString(), operation: name, outcome: 'refused', ms: 0 });
        throw new ReadOnlyViolation(name, reason);
      }
      try {
        const out = (await next(args)) as { output?: { $metadata?: { requestId?: string; httpStatusCode?: number } } };
        const meta = out?.output?.$metadata;
        opts.onCall?.({ at: new Date(started).toISOString(), operation: name, outcome: 'ok', httpStatus: meta?.httpStatusCode, requestId: meta?.requestId, ms: Date.now() - started });
        return out;
      } catch (e) {
        const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
        opts.onCall?.({ at: new Date(started).toISOString(), operation: name, outcome: 'error', errorCode: err.Code ?? err.name, httpStatus: err.$metadata?.httpStatusCode, requestId: err.$metadata?.requestId, ms: Date.now() - started });
        throw e;
      }
    },
    { step: 'initialize', name: 'kmsLabReadOnlyGuard', priority: 'high' },
  );
  return client;
}
