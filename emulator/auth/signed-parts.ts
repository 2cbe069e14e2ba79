import { headerValue, parseAmzDate, parseQuery, queryValue, toAmzDate } from './params.js';
import type { Headers, Query } from './params.js';
import type { AuthFailureKind, AuthProblem, FailFacts, IncomingSigned, VerifyFail } from './types.js';

/**
 * Structural parsing of SigV4 authentication — the Authorization header or a presigned query —
 * without any crypto or key lookup, so the router can use it before the body is read.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** S3's upper bound for X-Amz-Expires: seven days, the lifetime of a signing key. */
export const MAX_PRESIGN_SECONDS = 604_800;
const TERMINATOR = 'aws4_request';
/** The presence of any of these makes a request "presigned" (as LocalStack's S3 handler also decides). */
const QUERY_AUTH = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];
const QUERY_REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'];

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export interface SignedParts {
  mode: 'header' | 'query';
  credential: CredentialScope;
  signedHeaders: string[];
  signature: string;
  /** Normalised yyyyMMddTHHmmssZ: what goes into the string to sign. */
  amzDate: string;
  /** The request time exactly as sent (X-Amz-Date, or an RFC 1123 Date header). */
  sentDate: string;
  requestTime: Date;
  /** X-Amz-Expires of a presigned request. */
  expiresSeconds?: number;
  token?: string;
  query: Query;
}

export type ParsedAuth =
  | { kind: 'unsigned' }
  | { kind: 'signed'; parts: SignedParts }
  | { kind: 'malformed'; fail: VerifyFail };

type Mode = 'header' | 'query';

const malformed = (mode: Mode | undefined, kind: AuthFailureKind, problem: AuthProblem, detail: string, facts: FailFacts = {}): ParsedAuth => ({
  kind: 'malformed',
  fail: { ok: false, kind, mode, problem, detail, facts },
});

export function parseSignedRequest(req: Pick<IncomingSigned, 'headers' | 'rawQuery'>): ParsedAuth {
  const query = parseQuery(req.rawQuery);
  const authorization = headerValue(req.headers, 'authorization');
  const presigned = QUERY_AUTH.some((k) => k in query);
  if (authorization !== undefined && presigned) {
    return malformed(undefined, 'incomplete', 'both-mechanisms', 'both an Authorization header and X-Amz-* query authentication', {
      authorization,
    });
  }
  if (presigned) return fromQuery(query);
  if (authorization !== undefined) return fromHeader(authorization, req.headers, query);
  return { kind: 'unsigned' };
}

function fromHeader(authorization: string, headers: Headers, query: Query): ParsedAuth {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (!algorithm.startsWith('AWS4-')) {
    return malformed('header', 'incomplete', 'unsupported-scheme', `Authorization scheme '${algorithm}' is not AWS SigV4`, { authorization });
  }
  const fields = new Map<string, string>();
  // Components are separated by ', ' in practice; AWS also accepts bare commas or bare spaces.
  for (const item of (space < 0 ? '' : trimmed.slice(space + 1)).split(/[,\s]+/)) {
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const amzDateHeader = headerValue(headers, 'x-amz-date');
  const sentDate = amzDateHeader ?? headerValue(headers, 'date');
  // AWS's order (as quoted by its coral services): Credential, Signature, SignedHeaders, then the date.
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields.get(k));
  if (!sentDate) missing.push('Date');
  if (missing.length > 0) {
    return malformed('header', 'incomplete', 'header-components', `Authorization header lacks ${missing.join(', ')}`, { authorization, missing });
  }
  const requestTime = amzDateHeader !== undefined ? parseAmzDate(amzDateHeader) : parseHttpDate(sentDate!);
  if (!requestTime) {
    return malformed('header', 'incomplete', 'date-format', `request date '${sentDate}' is not a valid date`, { amzDate: sentDate });
  }
  return finish(
    {
      mode: 'header',
      algorithm,
      credentialText: fields.get('Credential')!,
      signedHeaders: fields.get('SignedHeaders')!,
      signature: fields.get('Signature')!,
      sentDate: sentDate!,
      requestTime,
      query,
    },
    authorization,
  );
}

function fromQuery(query: Query): ParsedAuth {
  const credentialText = queryValue(query, 'X-Amz-Credential') ?? '';
  // S3 alone insists on X-Amz-Expires; other services bound a presigned request by their clock-skew window.
  const required = credentialText.split('/')[3] === 's3' ? [...QUERY_REQUIRED, 'X-Amz-Expires'] : QUERY_REQUIRED;
  const missing = required.filter((k) => !queryValue(query, k));
  if (missing.length > 0) {
    return malformed('query', 'incomplete', 'query-params', `presigned query lacks ${missing.join(', ')}`, { missing });
  }
  const sentDate = queryValue(query, 'X-Amz-Date')!;
  const requestTime = parseAmzDate(sentDate);
  if (!requestTime) {
    return malformed('query', 'incomplete', 'date-format', `X-Amz-Date '${sentDate}' is not yyyyMMddTHHmmssZ`, { amzDate: sentDate });
  }
  const expires = queryValue(query, 'X-Amz-Expires');
  let expiresSeconds: number | undefined;
  if (expires !== undefined) {
    if (!/^-?\d+$/.test(expires)) return malformed('query', 'bad-presign-params', 'expires-nan', `X-Amz-Expires '${expires}' is not a number`);
    expiresSeconds = Number(expires);
    if (expiresSeconds < 0) return malformed('query', 'bad-presign-params', 'expires-negative', `X-Amz-Expires ${expires} is negative`);
    if (expiresSeconds > MAX_PRESIGN_SECONDS) {
      return malformed('query', 'bad-presign-params', 'expires-too-large', `X-Amz-Expires ${expires} exceeds ${MAX_PRESIGN_SECONDS}`);
    }
  }
  return finish({
    mode: 'query',
    algorithm: queryValue(query, 'X-Amz-Algorithm')!,
    credentialText,
    signedHeaders: queryValue(query, 'X-Amz-SignedHeaders')!,
    signature: queryValue(query, 'X-Amz-Signature')!,
    sentDate,
    requestTime,
    expiresSeconds,
    token: queryValue(query, 'X-Amz-Security-Token'),
    query,
  });
}

interface RawParts extends Omit<SignedParts, 'credential' | 'signedHeaders' | 'amzDate'> {
  algorithm: string;
  credentialText: string;
  signedHeaders: string;
}

/** Checks shared by both forms: signed host, algorithm, credential shape and scope date. */
function finish(raw: RawParts, authorization?: string): ParsedAuth {
  const signedHeaders = raw.signedHeaders.split(';').map((h) => h.trim().toLowerCase());
  if (!signedHeaders.includes('host')) {
    return malformed(raw.mode, 'incomplete', 'host-unsigned', 'the host header is not among the signed headers', { authorization });
  }
  if (raw.algorithm !== ALGORITHM) {
    return malformed(raw.mode, 'incomplete', 'algorithm', `unsupported algorithm '${raw.algorithm}'`, { algorithm: raw.algorithm, authorization });
  }
  const scope = raw.credentialText.split('/');
  if (scope.length !== 5 || scope.some((p) => p === '')) {
    return malformed(raw.mode, 'incomplete', 'credential', `credential '${raw.credentialText}' is not AKID/date/region/service/aws4_request`, {
      credential: raw.credentialText,
    });
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== TERMINATOR) {
    return malformed(raw.mode, 'incomplete', 'scope-terminator', `credential scope ends in '${terminator}'`, {
      credential: raw.credentialText,
      terminator,
    });
  }
  const amzDate = toAmzDate(raw.requestTime);
  if (date !== amzDate.slice(0, 8)) {
    return malformed(raw.mode, 'incomplete', 'scope-date', `credential date ${date} is not the request date ${amzDate}`, {
      scopeDate: date,
      amzDate,
    });
  }
  const parts: SignedParts = {
    mode: raw.mode,
    credential: { accessKeyId, date, region, service },
    signedHeaders,
    signature: raw.signature,
    amzDate,
    sentDate: raw.sentDate,
    requestTime: raw.requestTime,
    expiresSeconds: raw.expiresSeconds,
    token: raw.token,
    query: raw.query,
  };
  return { kind: 'signed', parts };
}

/** RFC 1123 ("Fri, 24 May 2013 00:00:00 GMT"), the only Date format SDKs send. */
function parseHttpDate(s: string): Date | undefined {
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t);
}
