/**
 * The shapes shared by the SigV4 verifier, the aws-chunked decoder and the AWS error mapping.
 * The verifier only says *what* is wrong (kind, problem, facts); `errors.ts` says it in AWS's words,
 * per wire protocol, so every AWS text lives in one place.
 */

/** One HTTP request as the emulator's single endpoint received it. */
export interface IncomingSigned {
  method: string;
  /** Raw request path, still %-encoded, without the query string. */
  path: string;
  rawQuery: string;
  /** node's `req.headers` (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body: needed for hex payload hashes (and for aws-chunked decoding afterwards). */
  body?: Uint8Array;
}

/** The identity store's answer for an access key id; `undefined` when the key does not exist. */
export type SecretLookup = (
  accessKeyId: string,
) => { secretAccessKey: string; sessionToken?: string; expiresAt?: Date } | undefined;

export type AuthFailureKind =
  | 'missing'
  | 'incomplete'
  | 'unknown-key'
  | 'signature-mismatch'
  | 'expired-presign'
  | 'expired-token'
  | 'token-invalid'
  | 'skew'
  | 'content-sha-mismatch'
  | 'bad-presign-params'
  /** An x-amz-checksum-* trailer that does not match the de-framed payload (S3 `BadDigest`). */
  | 'checksum-mismatch'
  /** aws-chunked framing that cannot be parsed, or a decoded length that differs from the declared one. */
  | 'malformed-body';

/**
 * Why an `incomplete` / `bad-presign-params` / `skew` failure happened. AWS words each of these
 * differently (and S3 differently again), so `errors.ts` needs the reason, not just the kind.
 */
export type AuthProblem =
  | 'both-mechanisms'
  | 'unsupported-scheme'
  | 'algorithm'
  | 'header-components'
  | 'query-params'
  | 'date-format'
  | 'credential'
  | 'scope-terminator'
  | 'scope-date'
  | 'host-unsigned'
  | 'expires-nan'
  | 'expires-negative'
  | 'expires-too-large'
  | 'not-yet-valid';

/** What the error text needs to quote. None of it is secret (no secret key, no computed signature). */
export interface FailFacts {
  authorization?: string;
  /** Missing pieces, in AWS's order ('Credential', 'Signature', 'SignedHeaders', 'Date' or X-Amz-* names). */
  missing?: string[];
  credential?: string;
  terminator?: string;
  scopeDate?: string;
  algorithm?: string;
  /** The request time exactly as the client sent it (yyyyMMddTHHmmssZ, or a Date header). */
  amzDate?: string;
  serverTime?: Date;
  /** Allowed clock skew (header auth) or X-Amz-Expires (presigned), in seconds. */
  windowSeconds?: number;
  expiresAt?: Date;
  signatureProvided?: string;
  clientSha256?: string;
  computedSha256?: string;
  checksumAlgorithm?: string;
}

export interface VerifyOk {
  ok: true;
  mode: 'header' | 'query';
  accessKeyId: string;
  region: string;
  service: string;
  /** Request time that was signed, yyyyMMddTHHmmssZ (X-Amz-Date, or the Date header converted). */
  amzDate: string;
  /** Credential scope: yyyyMMdd/region/service/aws4_request. */
  scope: string;
  /** The request signature: the seed of an aws-chunked chunk-signature chain. */
  signature: string;
  /** What was signed as the payload: a hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-…. */
  payloadHash: string;
  signedHeaders: string[];
  /** Signed with temporary (session) credentials. */
  temporary: boolean;
  /** x-amz-decoded-content-length, checked against the de-framed aws-chunked body. */
  decodedContentLength?: number;
  /**
   * HMAC-SHA256 (hex) with this request's signing key, for chunk and trailer signatures.
   * A function rather than the key so the key never ends up in a log or a JSON dump.
   */
  sign: (stringToSign: string) => string;
}

export interface VerifyFail {
  ok: false;
  kind: AuthFailureKind;
  /** What went wrong, for logs and evidence. Never contains a secret or the computed signature. */
  detail: string;
  /** With the session token value redacted. */
  canonicalRequest?: string;
  stringToSign?: string;
  accessKeyId?: string;
  /** Which form of authentication failed, when known (S3 words header and query failures differently). */
  mode?: 'header' | 'query';
  problem?: AuthProblem;
  facts?: FailFacts;
}
