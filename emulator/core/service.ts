import type { Principal } from './principal.js';
import type { Emulator } from './emulator.js';
import type { WireProtocol } from '../auth/errors.js';

/** What an operation knows about the request it serves. */
export interface CallContext {
  readonly requestId: string;
  readonly principal: Principal;
  /** Region of the credential scope (or the emulator's default for unsigned requests). */
  readonly region: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly now: Date;
  readonly emulator: Emulator;
  /** Request headers (lower-case names), for operations that read them. */
  readonly headers: Record<string, string | string[] | undefined>;
  /** Whether the request came over TLS (aws:SecureTransport). Always false on the plain-HTTP emulator. */
  readonly secureTransport: boolean;
  /**
   * What the operation wants CloudTrail to log. Filled by the operation; read by the recorder after the
   * response is written. Secrets and plaintext never go here.
   */
  readonly audit: AuditNotes;
}

export interface AuditNotes {
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  resources?: Array<{ ARN: string; accountId?: string; type: string }>;
  /** Overrides, e.g. S3 object calls are data events. */
  eventCategory?: 'Management' | 'Data';
  readOnly?: boolean;
  /** Calls made on behalf of the requester by a service (S3 → KMS) are recorded with invokedBy. */
  invokedBy?: string;
  /** The account whose trails receive the record when it differs from the caller's (cross-account). */
  recipientAccountId?: string;
}

export type Operation<I = any, O = any> = (input: I, ctx: CallContext) => O | Promise<O>;

/** A JSON-1.1 or query-protocol service: a table of operations keyed by their AWS name. */
export interface RpcService {
  /** Signing name in the credential scope: 'kms', 'sts', 'iam', 'cloudtrail'. */
  readonly signingName: string;
  /** CloudTrail eventSource, e.g. 'kms.amazonaws.com'. */
  readonly eventSource: string;
  readonly protocol: Extract<WireProtocol, 'json' | 'query'>;
  /** JSON: X-Amz-Target prefix ('TrentService'); query: the API version ('2010-05-08'). */
  readonly targetPrefix?: string;
  /**
   * Other X-Amz-Target prefixes clients send for the same service. CloudTrail: botocore sends its model's
   * `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`, the JS SDK v3 `CloudTrail_20131101`.
   */
  readonly targetPrefixAliases?: readonly string[];
  readonly apiVersion?: string;
  /** Query protocol XML namespace of responses. */
  readonly xmlns?: string;
  readonly operations: Record<string, Operation>;
  /** Operations that never change state (CloudTrail readOnly). */
  readonly readOnly?: ReadonlySet<string>;
}

/** A request as a REST service (S3) sees it, after authentication. */
export interface RestRequest {
  method: string;
  /** Raw path, still %-encoded. */
  path: string;
  rawQuery: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The payload, de-framed if it was sent aws-chunked. */
  body: Buffer;
  trailers: Record<string, string>;
  /** 'AuthHeader' | 'QueryString' for signed requests (CloudTrail additionalEventData.AuthenticationMethod). */
  authMethod?: 'AuthHeader' | 'QueryString';
}

/** S3: REST with its own routing by method, path and sub-resource. */
export interface RestService {
  readonly signingName: string;
  readonly eventSource: string;
  /** The AWS operation a request names (for CloudTrail), decidable before authentication. */
  operationOf(req: Pick<RestRequest, 'method' | 'path' | 'rawQuery' | 'query' | 'headers'>): string;
  handle(req: RestRequest, ctx: CallContext): Promise<import('../protocols/wire.js').WireResponse>;
  /** S3's own error document for failures outside handle() (auth, body too large). */
  error(err: import('./errors.js').AwsError, requestId: string, method: string): import('../protocols/wire.js').WireResponse;
}
