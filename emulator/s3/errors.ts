import { createHash } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import { restXmlError } from '../protocols/restxml.js';
import type { WireResponse } from '../protocols/wire.js';

/**
 * S3's error vocabulary, in AWS's words. Codes, messages, status codes and the extra elements each
 * error carries were recorded against real AWS in localstack/localstack tests/aws/services/s3/
 * test_s3.snapshot.json, test_s3_api.snapshot.json and test_s3_list_operations.snapshot.json (commit
 * 8b9a79f05846, recorded 2026-02) — "LS-SNAP <test name>" in this module's comments; "S3-UG" is the
 * archived awsdocs/amazon-s3-userguide, "BOTO-S3" botocore's S3 model (aws-behaviour.md's abbreviations).
 * Other sources are named where used.
 */

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * x-amz-id-2 ("host id"), derived from the request id so that the response header, the error body and
 * CloudTrail's additionalEventData carry the same value. AWS's are 76 base64 characters (56 bytes),
 * e.g. "uOyHkRL9VagkHEr2P+Nco94WyVoAa6ECzRfMJ8EXb1S5vzSQxuB7C6gpbdVef1D2nunE+usjBU8=" (the lab's record).
 */
export const hostIdFor = (requestId: string): string =>
  createHash('sha512').update(`kms-lab s3 ${requestId}`).digest().subarray(0, 56).toString('base64');

/**
 * S3's error document: <Error><Code/><Message/>…extra…<RequestId/><HostId/></Error>, as restXmlError
 * writes it, except that text escapes only &, < and > — S3 writes the quotes of its enhanced AccessDenied
 * messages (`on resource: "arn:aws:s3:::b/k"`) as they are.
 */
export function errorResponse(err: AwsError, requestId: string, method: string): WireResponse {
  const response = restXmlError(err, requestId, hostIdFor(requestId), method);
  if (method === 'HEAD') return response;
  const text = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const fields: Array<[string, string]> = [['Code', err.code], ['Message', err.message], ...Object.entries(err.extra), ['RequestId', requestId], ['HostId', hostIdFor(requestId)]];
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields.map(([k, v]) => `<${k}>${text(v)}</${k}>`).join('')}</Error>`;
  return { ...response, body };
}

// LS-SNAP test_get_object_no_such_bucket
export const noSuchBucket = (bucket: string): AwsError =>
  new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });

// LS-SNAP test_range_key_not_exists
export const noSuchKey = (key: string): AwsError => new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });

// LS-SNAP test_delete_object_versioned
export const noSuchVersion = (key: string, versionId: string): AwsError =>
  new AwsError('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId });

/** The anonymous caller and other accounts get the generic text (S3-UG troubleshoot-403-errors). */
export const accessDenied = (message = 'Access Denied'): AwsError => new AwsError('AccessDenied', message, 403);

export const invalidArgument = (message: string, name: string, value?: string): AwsError =>
  new AwsError('InvalidArgument', message, 400, value === undefined ? { ArgumentName: name } : { ArgumentName: name, ArgumentValue: value });

export const invalidRequest = (message: string): AwsError => new AwsError('InvalidRequest', message, 400);

// LS-SNAP test_s3_request_payer_exceptions
export const malformedXml = (): AwsError =>
  new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);

// LS-SNAP test_s3_uppercase_bucket_name
export const invalidBucketName = (bucket: string): AwsError =>
  new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket });

// LS-SNAP test_multipart_and_list_parts
export const noSuchUpload = (uploadId: string): AwsError =>
  new AwsError(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { UploadId: uploadId },
  );

// Common knowledge of every S3 client: "AccessControlListNotSupported: The bucket does not allow ACLs",
// returned when Object Ownership is BucketOwnerEnforced (S3 API reference, PutBucketAcl).
export const aclNotSupported = (): AwsError => new AwsError('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);

/**
 * The lab's lesson: an anonymous (or SigV2) request for an SSE-KMS object, even one a bucket policy makes
 * public, is refused with this 400 (aws-behaviour.md §B.2: github.com/aws/aws-cli/issues/1006,
 * github.com/aws/aws-sdk-js/issues/1147 "statusCode: 400").
 */
export const kmsNeedsSigV4 = (): AwsError =>
  new AwsError(
    'InvalidArgument',
    'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.',
    400,
    { ArgumentName: 'Authorization', ArgumentValue: 'null' },
  );

/**
 * S3 wraps KMS's failures (aws-behaviour.md §B.1, LS-SNAP test_s3_sse_validate_kms_key[_state]):
 * authorisation failures become S3's 403 AccessDenied carrying KMS's own message
 * (github.com/aws/copilot-cli/issues/5762, github.com/cisagov/XFD/pull/1371); every other KMS error keeps
 * KMS's 400 and its code gets a `KMS.` prefix (KMS.NotFoundException, KMS.DisabledException,
 * KMS.KMSInvalidStateException).
 */
export function fromKms(e: unknown): unknown {
  if (!(e instanceof AwsError)) return e;
  if (e.code === 'AccessDeniedException') return new AwsError('AccessDenied', e.message, 403, {}, e.decision);
  if (e.code.startsWith('KMS.')) return e;
  return new AwsError(`KMS.${e.code}`, e.message, 400);
}
