import type { WireProtocol } from '../auth/errors.js';
import { AwsError } from '../core/errors.js';
import type { FaultKind } from './rules.js';

/**
 * The error each service itself answers when it throttles or fails, in its own protocol's words — an
 * injected fault must look like the real thing to an SDK's retry logic and to CloudTrail.
 *
 * Sources:
 * - KMS throttling: "You have exceeded the rate at which you may call KMS. Reduce the frequency of your
 *   calls. (Service: AWSKMS; Status Code: 400; Error Code: ThrottlingException" — KMS-DG throttling.html.
 * - CloudTrail throttling: ThrottlingException / "Rate exceeded", HTTP 400, as the emulator's own LookupEvents
 *   limit answers (emulator/cloudtrail/errors.ts `throttled`).
 * - STS / IAM (query protocol) throttling: `<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate
 *   exceeded</Message></Error>`, HTTP 400 — a captured STS AssumeRole answer quoted in
 *   jlevers/selling-partner-api#278; IAM the same ("Throttling: Rate exceeded at
 *   deserializeAws_queryListAttachedRolePolicies", alantech/iasql#716).
 * - S3: "SlowDown … 503 Slow Down", "InternalError — We encountered an internal error. Please try again. —
 *   500", "ServiceUnavailable — Service is unable to handle request. — 503" (botocore s3/2006-03-01
 *   service-2.json, Error.Code documentation). S3's SlowDown body on the wire reads "Please reduce your
 *   request rate." (captured answers; the model's list abbreviates it to "Reduce your request rate.").
 * - JSON and query services otherwise: the Common Errors page of every AWS API reference —
 *   InternalFailure "The request processing has failed because of an unknown error, exception or failure."
 *   (500), ServiceUnavailable "The request has failed due to a temporary failure of the server." (503).
 */
export function faultError(kind: Exclude<FaultKind, 'latency' | 'dropConnection'>, service: string, protocol: WireProtocol): AwsError {
  if (protocol === 'rest-xml') {
    if (kind === 'throttling') return new AwsError('SlowDown', 'Please reduce your request rate.', 503);
    if (kind === 'internalError') return new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500);
    return new AwsError('ServiceUnavailable', 'Service is unable to handle request.', 503);
  }
  if (kind === 'throttling') {
    if (protocol === 'query') return new AwsError('Throttling', 'Rate exceeded', 400);
    if (service === 'kms') return new AwsError('ThrottlingException', 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.', 400);
    return new AwsError('ThrottlingException', 'Rate exceeded', 400);
  }
  if (kind === 'internalError') return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
  return new AwsError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503);
}
