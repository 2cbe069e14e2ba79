import type { AwsError } from '../core/errors.js';
import { jsonQueryAuthError } from './errors-json-query.js';
import { s3AuthError } from './errors-s3.js';
import type { VerifyFail } from './types.js';

export type WireProtocol = 'json' | 'query' | 'rest-xml';

/**
 * AWS's exact error for an authentication failure, as the service that received the request words it.
 * S3 (rest-xml) has its own vocabulary; the JSON services (KMS, CloudTrail) and the query services
 * (STS, IAM) share texts and differ in codes and status. `service` is the signing name; KMS/CloudTrail
 * and STS/IAM answer alike as far as the recorded sources show, so it only picks S3 today.
 * No message ever contains a secret key, a session token or the signature we computed.
 */
export function authError(protocol: WireProtocol, service: string, f: VerifyFail): AwsError {
  if (protocol === 'rest-xml' || service === 's3') return s3AuthError(f);
  return jsonQueryAuthError(protocol === 'json' ? 'json' : 'query', f);
}
