import { buildCanonical } from './canonical.js';
import { hmacSigner, safeEqual, sha256Hex } from './crypto.js';
import { headerValue, queryValue } from './params.js';
import { parseSignedRequest } from './signed-parts.js';
import type { SignedParts } from './signed-parts.js';
import type { IncomingSigned, SecretLookup, VerifyFail, VerifyOk } from './types.js';

export { decodeAwsChunked } from './chunked.js';
export type { AuthFailureKind, AuthProblem, FailFacts, IncomingSigned, SecretLookup, VerifyFail, VerifyOk } from './types.js';

/** AWS's allowed clock skew: "more than 15 minutes after the date stamp on the request" (common errors, RequestExpired). */
export const DEFAULT_MAX_SKEW_SECONDS = 900;

export type CredentialScopeResult =
  | { signed: false }
  | { signed: true; mode: 'header' | 'query'; accessKeyId: string; date: string; region: string; service: string }
  | { signed: 'malformed'; message: string; failure: VerifyFail };

/** Cheap parse (no crypto) used by the router before the body is read: signed? with which key, for which service/region? */
export function readCredentialScope(req: Pick<IncomingSigned, 'headers' | 'rawQuery'>): CredentialScopeResult {
  const parsed = parseSignedRequest(req);
  if (parsed.kind === 'unsigned') return { signed: false };
  if (parsed.kind === 'malformed') return { signed: 'malformed', message: parsed.fail.detail, failure: parsed.fail };
  const { mode, credential } = parsed.parts;
  return { signed: true, mode, ...credential };
}

export interface VerifyOptions {
  now?: Date;
  /**
   * Allowed clock skew for header auth (and the lifetime of a presigned non-S3 request). AWS documents
   * 15 minutes; note that KMS has been seen answering "(… - 5 min.)", i.e. a 5-minute window.
   */
  maxSkewSeconds?: number;
}

const fail = (f: Omit<VerifyFail, 'ok'>): VerifyFail => ({ ok: false, ...f });

/**
 * Verifies a SigV4 request (Authorization header or presigned query) against the identity store.
 * Order: shape → time → key → session token → signature → payload hash, so that the cheapest and
 * least revealing checks come first and a wrong secret is never reported as anything else.
 */
export async function verifySigV4(req: IncomingSigned, lookup: SecretLookup, opts: VerifyOptions = {}): Promise<VerifyOk | VerifyFail> {
  const now = opts.now ?? new Date();
  const maxSkew = opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const parsed = parseSignedRequest(req);
  if (parsed.kind === 'unsigned') return fail({ kind: 'missing', detail: 'no Authorization header and no presigned query' });
  if (parsed.kind === 'malformed') return parsed.fail;
  const parts = parsed.parts;
  const { accessKeyId } = parts.credential;
  const refuse = (f: Refusal) => fail({ ...f, mode: parts.mode, accessKeyId });

  const timeFailure = checkTime(parts, now, maxSkew);
  if (timeFailure) return refuse(timeFailure);

  const secret = lookup(accessKeyId);
  if (!secret) return refuse({ kind: 'unknown-key', detail: `access key ${accessKeyId} does not exist` });
  const sentToken = parts.mode === 'header' ? headerValue(req.headers, 'x-amz-security-token') : parts.token;
  const tokenFailure = checkSessionToken(secret, sentToken, accessKeyId, now);
  if (tokenFailure) return refuse(tokenFailure);

  const { service, region, date } = parts.credential;
  const payloadHash = signedPayloadHash(req, parts);
  const canonical = await buildCanonical({
    method: req.method,
    rawPath: req.path,
    query: parts.query,
    headers: req.headers,
    signedHeaders: parts.signedHeaders,
    payloadHash,
    service,
    region,
    shortDate: date,
    amzDate: parts.amzDate,
  });
  const sign = await hmacSigner(accessKeyId, secret.secretAccessKey, date, region, service);
  if (!safeEqual(sign(canonical.stringToSign), parts.signature)) {
    const absent = canonical.absentHeaders.length ? ` (signed header(s) ${canonical.absentHeaders.join(', ')} absent)` : '';
    return refuse({
      kind: 'signature-mismatch',
      detail: `signature does not match for access key ${accessKeyId}${absent}`,
      canonicalRequest: redact(canonical.canonicalRequest, sentToken),
      stringToSign: canonical.stringToSign,
      facts: { signatureProvided: parts.signature },
    });
  }

  // S3 checks the declared body hash after authentication (other services hash the body themselves).
  if (service === 's3' && /^[0-9a-f]{64}$/i.test(payloadHash) && req.body) {
    const computed = sha256Hex(req.body);
    if (computed !== payloadHash.toLowerCase()) {
      return refuse({
        kind: 'content-sha-mismatch',
        detail: 'x-amz-content-sha256 differs from the SHA-256 of the body',
        facts: { clientSha256: payloadHash, computedSha256: computed },
      });
    }
  }

  const decoded = headerValue(req.headers, 'x-amz-decoded-content-length');
  return {
    ok: true,
    mode: parts.mode,
    accessKeyId,
    region,
    service,
    amzDate: parts.amzDate,
    scope: canonical.scope,
    signature: parts.signature,
    payloadHash,
    signedHeaders: parts.signedHeaders,
    temporary: secret.sessionToken !== undefined,
    decodedContentLength: decoded !== undefined && /^\d+$/.test(decoded) ? Number(decoded) : undefined,
    sign,
  };
}

/** Header auth: within the skew window. Presigned: not from the future, not past X-Amz-Expires. */
type Refusal = Omit<VerifyFail, 'ok' | 'mode' | 'accessKeyId'>;

function checkTime(parts: SignedParts, now: Date, maxSkew: number): Refusal | undefined {
  const t = parts.requestTime.getTime();
  const facts = { amzDate: parts.sentDate, serverTime: now, windowSeconds: maxSkew };
  const skew = (problem?: 'not-yet-valid'): Refusal => ({
    kind: 'skew',
    problem,
    detail: `request time ${parts.sentDate} is more than ${maxSkew}s from ${now.toISOString()}`,
    facts,
  });

  if (t - now.getTime() > maxSkew * 1000) return skew(parts.mode === 'query' ? 'not-yet-valid' : undefined);
  if (parts.mode === 'query' && parts.expiresSeconds !== undefined) {
    const expiresAt = new Date(t + parts.expiresSeconds * 1000);
    if (now.getTime() > expiresAt.getTime()) {
      return {
        kind: 'expired-presign',
        detail: `presigned request expired at ${expiresAt.toISOString()}`,
        facts: { ...facts, windowSeconds: parts.expiresSeconds, expiresAt },
      };
    }
    return undefined;
  }
  if (now.getTime() - t > maxSkew * 1000) return skew();
  return undefined;
}

/**
 * Temporary keys only exist together with their token (AWS decodes the secret from it), so a missing
 * token means an unknown key, a different one an invalid token; the expiry is checked last.
 */
function checkSessionToken(
  secret: NonNullable<ReturnType<SecretLookup>>,
  sentToken: string | undefined,
  accessKeyId: string,
  now: Date,
): Refusal | undefined {
  if (secret.sessionToken !== undefined && sentToken === undefined) {
    return { kind: 'unknown-key', detail: `temporary access key ${accessKeyId} was sent without its session token` };
  }
  if (sentToken !== undefined && !safeEqual(sentToken, secret.sessionToken ?? '')) {
    return { kind: 'token-invalid', detail: `the session token does not belong to access key ${accessKeyId}` };
  }
  if (secret.expiresAt && secret.expiresAt.getTime() <= now.getTime()) {
    return { kind: 'expired-token', detail: `the credentials of ${accessKeyId} expired at ${secret.expiresAt.toISOString()}` };
  }
  return undefined;
}

/**
 * The payload hash the client signed. S3 trusts x-amz-content-sha256 (hex, UNSIGNED-PAYLOAD or
 * STREAMING-…) and checks a hex value against the body afterwards; a presigned S3 URL signs
 * X-Amz-Content-Sha256 or UNSIGNED-PAYLOAD. Other services hash the body themselves, unless the
 * client declared an unsigned or streaming payload.
 */
function signedPayloadHash(req: IncomingSigned, parts: SignedParts): string {
  const declared =
    parts.mode === 'header' ? headerValue(req.headers, 'x-amz-content-sha256') : queryValue(parts.query, 'X-Amz-Content-Sha256');
  if (parts.credential.service === 's3') return declared ?? (parts.mode === 'query' ? 'UNSIGNED-PAYLOAD' : sha256Hex(req.body ?? ''));
  if (declared !== undefined && !/^[0-9a-fA-F]{64}$/.test(declared)) return declared;
  return sha256Hex(req.body ?? '');
}

/** Session tokens never reach an error or a log, even inside a canonical request. */
function redact(canonicalRequest: string, token: string | undefined): string {
  if (!token) return canonicalRequest;
  const encoded = encodeURIComponent(token).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return canonicalRequest.split(token).join('<redacted>').split(encoded).join('<redacted>');
}
