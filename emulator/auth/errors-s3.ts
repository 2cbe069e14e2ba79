import { AwsError } from '../core/errors.js';
import { toIsoSeconds } from './params.js';
import { MAX_PRESIGN_SECONDS } from './signed-parts.js';
import type { VerifyFail } from './types.js';

/**
 * S3's authentication errors (rest-xml). Sources, per text:
 * [LS]   localstack tests/aws/services/s3/test_s3.snapshot.json, recorded against AWS on 2026-02-21
 *        (SignatureDoesNotMatch and its fields, "Request has expired" with X-Amz-Expires/Expires/ServerTime,
 *        AuthorizationQueryParametersError texts, HeadersNotSigned).
 * [S3E]  the S3 API reference "Error responses" list (InvalidAccessKeyId, InvalidToken, ExpiredToken,
 *        IncompleteBody), as mirrored in many client libraries.
 * [WILD] real S3 response bodies quoted in public issues and code: RequestTimeTooSkewed with
 *        RequestTime/ServerTime/MaxAllowedSkewMilliseconds, XAmzContentSHA256Mismatch with its two
 *        hashes, BadDigest "The SHA256 you specified…", "Unsupported Authorization Type",
 *        "Only one auth mechanism allowed", the AuthorizationHeaderMalformed texts, the element order
 *        of SignatureDoesNotMatch.
 * [EMU]  only found in S3-compatible servers (MinIO, versitygw, s3s) that copy AWS; not verified against AWS.
 */

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.'; // [LS]
const CREDENTIAL_FORMAT = 'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';
const HEADER_MALFORMED = 'The authorization header is malformed; ';

const denied = (message: string, extra: Record<string, string> = {}) => new AwsError('AccessDenied', message, 403, extra);
const headerMalformed = (message: string) => new AwsError('AuthorizationHeaderMalformed', HEADER_MALFORMED + message, 400);
const queryError = (message: string) => new AwsError('AuthorizationQueryParametersError', message, 400);

export function s3AuthError(f: VerifyFail): AwsError {
  const facts = f.facts ?? {};
  switch (f.kind) {
    case 'missing':
      // S3 serves unsigned requests as the anonymous principal; this is the answer when that is refused.
      return denied('Access Denied');
    case 'unknown-key':
      return new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, {
        AWSAccessKeyId: f.accessKeyId ?? '',
      }); // [S3E][WILD]
    case 'token-invalid':
      // AWS also echoes the token as <Token-0>; a session token is a secret, so it is left out.
      return new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400); // [S3E]
    case 'expired-token':
      return new AwsError('ExpiredToken', 'The provided token has expired.', 400); // [S3E] (Token-0 left out)
    case 'signature-mismatch':
      return new AwsError('SignatureDoesNotMatch', SIGNATURE_MISMATCH, 403, signatureFields(f));
    case 'expired-presign':
      return denied('Request has expired', {
        'X-Amz-Expires': String(facts.windowSeconds ?? ''),
        Expires: facts.expiresAt ? toIsoSeconds(facts.expiresAt) : '',
        ServerTime: toIsoSeconds(facts.serverTime ?? new Date()),
      }); // [LS]
    case 'skew':
      if (f.problem === 'not-yet-valid') return denied('Request is not valid yet'); // [EMU]
      return new AwsError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403, {
        RequestTime: facts.amzDate ?? '',
        ServerTime: toIsoSeconds(facts.serverTime ?? new Date()),
        MaxAllowedSkewMilliseconds: String((facts.windowSeconds ?? 900) * 1000),
      }); // [WILD]
    case 'content-sha-mismatch':
      return new AwsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
        ClientComputedContentSHA256: facts.clientSha256 ?? '',
        S3ComputedContentSHA256: facts.computedSha256 ?? '',
      }); // [WILD]
    case 'checksum-mismatch':
      return new AwsError('BadDigest', `The ${facts.checksumAlgorithm ?? 'checksum'} you specified did not match the calculated checksum.`, 400); // [WILD]
    case 'malformed-body':
      return new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400); // [S3E]
    case 'bad-presign-params':
      return queryError(expiresMessage(f));
    case 'incomplete':
      return incomplete(f);
  }
}

function incomplete(f: VerifyFail): AwsError {
  const facts = f.facts ?? {};
  const query = f.mode === 'query';
  switch (f.problem) {
    case 'both-mechanisms':
      return new AwsError(
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        400,
        { ArgumentName: 'Authorization', ArgumentValue: facts.authorization ?? '' },
      ); // [WILD]
    case 'unsupported-scheme':
      return new AwsError('InvalidArgument', 'Unsupported Authorization Type', 400, {
        ArgumentName: 'Authorization',
        ArgumentValue: facts.authorization ?? '',
      }); // [WILD]
    case 'algorithm':
      if (query) return queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'); // [EMU]
      return new AwsError('InvalidArgument', 'Unsupported Authorization Type', 400, {
        ArgumentName: 'Authorization',
        ArgumentValue: facts.authorization ?? '',
      }); // [WILD]
    case 'header-components':
      if ((facts.missing ?? []).some((m) => m !== 'Date')) {
        return headerMalformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.'); // [WILD]
      }
      return denied('AWS authentication requires a valid Date or x-amz-date header'); // [WILD]
    case 'query-params':
      return queryError(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      ); // [LS]
    case 'date-format':
      if (query) return queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`); // [EMU]
      return denied('AWS authentication requires a valid Date or x-amz-date header'); // [WILD]
    case 'credential':
    case 'scope-terminator':
      if (query) return queryError(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; ${CREDENTIAL_FORMAT}`); // [LS]
      return headerMalformed(`the Credential is mal-formed; ${CREDENTIAL_FORMAT}`); // [WILD]
    case 'scope-date':
      if (query) return queryError('Invalid credential date. Date is not the same as X-Amz-Date.'); // [EMU]
      return headerMalformed('Invalid credential date. Date is not the same as X-Amz-Date.'); // [WILD]
    case 'host-unsigned':
      // [LS] records this answer for unsigned x-amz-* headers; for an unsigned host it is our inference.
      return denied('There were headers present in the request which were not signed', { HeadersNotSigned: 'host' });
    default:
      return headerMalformed(f.detail);
  }
}

/** S3 answers SignatureDoesNotMatch with what it signed (never with the signature it computed). Order as AWS sends them [WILD]. */
function signatureFields(f: VerifyFail): Record<string, string> {
  const fields: Record<string, string> = { AWSAccessKeyId: f.accessKeyId ?? '' };
  if (f.stringToSign !== undefined) fields['StringToSign'] = f.stringToSign;
  fields['SignatureProvided'] = f.facts?.signatureProvided ?? '';
  if (f.stringToSign !== undefined) fields['StringToSignBytes'] = spacedHex(f.stringToSign);
  if (f.canonicalRequest !== undefined) {
    fields['CanonicalRequest'] = f.canonicalRequest;
    fields['CanonicalRequestBytes'] = spacedHex(f.canonicalRequest);
  }
  return fields;
}

/** "41 57 53 34 …", S3's rendering of the bytes it signed. */
const spacedHex = (s: string): string => Buffer.from(s, 'utf8').toString('hex').replace(/(..)(?!$)/g, '$1 ');

/** [WILD] (a deployed app quoting AWS: "X-Amz-Expires must be less than a week…"), [EMU] for the other two. */
export function expiresMessage(f: VerifyFail): string {
  switch (f.problem) {
    case 'expires-nan':
      return 'X-Amz-Expires should be a number';
    case 'expires-negative':
      return 'X-Amz-Expires must be non-negative';
    default:
      return `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGN_SECONDS} seconds`;
  }
}
