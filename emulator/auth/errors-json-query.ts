import { AwsError } from '../core/errors.js';
import { expiresMessage } from './errors-s3.js';
import { skewMessage } from './time-messages.js';
import type { VerifyFail } from './types.js';

/**
 * Authentication errors of the JSON services (KMS, CloudTrail) and the query services (STS, IAM).
 * Both share AWS's front-end texts; JSON answers 400 with `…Exception` codes, query answers 403
 * (IncompleteSignature: 400) with the bare codes.
 */

/** aws/aws-sdk-cpp#1681 (KMS InvalidSignatureException), boto/boto3#756 (STS SignatureDoesNotMatch). */
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
/** mhart/dynalite (recorded from DynamoDB: UnrecognizedClientException); AWS CLI output for STS InvalidClientTokenId. */
export const INVALID_TOKEN = 'The security token included in the request is invalid.';
/** AWS CLI output for STS ExpiredToken ("…operation: The security token included in the request is expired"), no final period. */
export const EXPIRED_TOKEN = 'The security token included in the request is expired';
/**
 * mhart/dynalite (DynamoDB, 400 MissingAuthenticationTokenException), a 2026 DynamoDB capture with the
 * same body, and STS 403 MissingAuthenticationToken bodies mocked from real responses. KMS-specific
 * recordings were not found; "Missing Authentication Token" (no "Request is") is API Gateway's text.
 */
export const MISSING_TOKEN = 'Request is missing Authentication Token';

type Style = 'json' | 'query';

interface Codes {
  signature: [string, number];
  unrecognized: [string, number];
  expired: [string, number];
  missing: [string, number];
  incomplete: [string, number];
}

const CODES: Record<Style, Codes> = {
  json: {
    signature: ['InvalidSignatureException', 400],
    unrecognized: ['UnrecognizedClientException', 400],
    expired: ['ExpiredTokenException', 400],
    missing: ['MissingAuthenticationTokenException', 400],
    incomplete: ['IncompleteSignatureException', 400],
  },
  query: {
    signature: ['SignatureDoesNotMatch', 403],
    unrecognized: ['InvalidClientTokenId', 403],
    expired: ['ExpiredToken', 403],
    missing: ['MissingAuthenticationToken', 403],
    // AWS's common-errors reference lists IncompleteSignature as 400 (newer pages say 403); no STS/IAM recording found.
    incomplete: ['IncompleteSignature', 400],
  },
};

export function jsonQueryAuthError(style: Style, f: VerifyFail): AwsError {
  const codes = CODES[style];
  const err = (which: keyof Codes, message: string) => new AwsError(codes[which][0], message, codes[which][1]);
  const facts = f.facts ?? {};
  switch (f.kind) {
    case 'missing':
      return err('missing', MISSING_TOKEN);
    case 'unknown-key':
    case 'token-invalid':
      return err('unrecognized', INVALID_TOKEN);
    case 'expired-token':
      return err('expired', EXPIRED_TOKEN);
    case 'skew':
    case 'expired-presign': // no recording for non-S3 presigned expiry; AWS bounds them by the same window
      return err('signature', skewMessage(facts));
    case 'signature-mismatch':
    case 'content-sha-mismatch': // these services hash the body themselves: a changed body is a changed signature
      return err('signature', style === 'query' ? SIGNATURE_MISMATCH + canonicalHint(f) : SIGNATURE_MISMATCH);
    case 'bad-presign-params':
      // No recording for non-S3 services; S3's wording (see errors-s3.ts) is the closest AWS text.
      return err('incomplete', expiresMessage(f));
    case 'checksum-mismatch':
    case 'malformed-body':
      // AWS common errors: "Problems with the request at the HTTP level" (aws-chunked is S3-only).
      return new AwsError('MalformedHttpRequestException', f.detail, 400);
    case 'incomplete':
      return incomplete(f, err);
  }
}

/**
 * The reasons below are worded as mhart/dynalite recorded them from DynamoDB (index.js comments),
 * which matches what AWS's other JSON/query front ends answer today where captures exist.
 */
function incomplete(f: VerifyFail, err: (which: keyof Codes, message: string) => AwsError): AwsError {
  const facts = f.facts ?? {};
  switch (f.problem) {
    case 'unsupported-scheme':
      return err('missing', MISSING_TOKEN); // a non-"AWS4-" Authorization header counts as none
    case 'both-mechanisms':
      return err('signature', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    case 'header-components': {
      const lines = (facts.missing ?? []).map((m) =>
        m === 'Date'
          ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
          : `Authorization header requires '${m}' parameter.`,
      );
      return err('incomplete', `${lines.join(' ')} Authorization=${facts.authorization ?? ''}`);
    }
    case 'query-params': {
      const lines = (facts.missing ?? []).map((m) => `AWS query-string parameters must include '${m}'.`);
      return err('incomplete', `${lines.join(' ')} Re-examine the query-string parameters.`);
    }
    case 'date-format':
      return err('incomplete', `Date must be in ISO-8601 'basic format'. Got '${facts.amzDate ?? ''}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    case 'algorithm':
      return err('incomplete', `Unsupported AWS 'algorithm': '${facts.algorithm ?? ''}' (only AWS4-HMAC-SHA256 for now). `);
    case 'credential':
      return err(
        'incomplete',
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${facts.credential ?? ''}'`,
      );
    case 'scope-terminator':
      return err('signature', `Credential should be scoped with a valid terminator: 'aws4_request', not '${facts.terminator ?? ''}'. `);
    case 'scope-date': {
      const amz = facts.amzDate ?? '';
      return err(
        'signature',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${facts.scopeDate ?? ''}' != '${amz.slice(0, 8)}', from '${amz}'.`,
      );
    }
    case 'host-unsigned':
      return err('signature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    default:
      return err('incomplete', f.detail);
  }
}

/**
 * STS/IAM append the canonical request and string to sign (boto/boto3#756). The session token is
 * already redacted in `f.canonicalRequest`.
 */
function canonicalHint(f: VerifyFail): string {
  if (!f.canonicalRequest || !f.stringToSign) return '';
  return `\n\nThe Canonical String for this request should have been\n'${f.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${f.stringToSign}'\n`;
}
