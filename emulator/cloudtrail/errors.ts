import { AwsError } from '../core/errors.js';

/**
 * CloudTrail's errors, by the codes of its API model (botocore `cloudtrail/2013-11-01/service-2.json`;
 * every one is HTTP 400 there). Messages are AWS's where a real response was found, cited per error;
 * the others are marked "(emulator wording)".
 */
const err = (code: string, message: string): AwsError => new AwsError(code, message, 400);

/** "Incorrect S3 bucket policy is detected for bucket: <bucket>" — github.com/awsdocs/aws-cloudtrail-user-guide/issues/24, aws/aws-cdk#27168. */
export const insufficientBucketPolicy = (bucket: string): AwsError =>
  err('InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${bucket}`);

/** (emulator wording; no captured AWS response) */
export const bucketDoesNotExist = (bucket: string): AwsError =>
  err('S3BucketDoesNotExistException', `S3 bucket does not exist: ${bucket}`);

/** "Trail cloudtrail already exists for customer: 313564602749" — trussworks/terraform-aws-logs#269. */
export const trailAlreadyExists = (name: string, account: string): AwsError =>
  err('TrailAlreadyExistsException', `Trail ${name} already exists for customer: ${account}`);

/**
 * "Unknown trail: arn:aws:cloudtrail:us-east-2:999999999:trail/symdemo for the user: 999999999" (GetTrailStatus)
 * and "Unknown trail: residentcare-hipaa-audit-trail for the user: 955719295925" (GetTrail) — captured AWS CLI
 * output quoted in public repositories; `what` is the ARN or the name as each operation reports it.
 */
export const trailNotFound = (what: string, account: string): AwsError =>
  err('TrailNotFoundException', `Unknown trail: ${what} for the user: ${account}`);

/** Trail name rules: moto `moto/cloudtrail/exceptions.py` wording (not AWS-verified here). */
export const invalidTrailName = (message: string): AwsError => err('InvalidTrailNameException', message);

/** (emulator wording) */
export const invalidArn = (arn: string): AwsError => err('CloudTrailARNInvalidException', `Invalid trail ARN: ${arn}`);

/** (emulator wording) */
export const invalidHomeRegion = (home: string, region: string): AwsError =>
  err('InvalidHomeRegionException', `This operation must be called from the trail's home region ${home}, not ${region}.`);

export const invalidParameter = (message: string): AwsError => err('InvalidParameterException', message);
export const invalidParameterCombination = (message: string): AwsError => err('InvalidParameterCombinationException', message);
export const invalidEventSelectors = (message: string): AwsError => err('InvalidEventSelectorsException', message);
export const invalidInsightSelectors = (message: string): AwsError => err('InvalidInsightSelectorsException', message);
export const insightNotEnabled = (trailArn: string): AwsError =>
  err('InsightNotEnabledException', `Trail ${trailArn} does not have Insights enabled.`);
export const invalidS3Prefix = (message: string): AwsError => err('InvalidS3PrefixException', message);
export const invalidBucketName = (bucket: string): AwsError => err('InvalidS3BucketNameException', `Bucket name is not valid: ${bucket}`);
export const kmsKeyNotFound = (keyId: string): AwsError => err('KmsKeyNotFoundException', `KMS key ${keyId} not found.`);
export const invalidKmsKeyId = (keyId: string): AwsError => err('InvalidKmsKeyIdException', `KMS key id is not valid: ${keyId}`);

export const invalidLookupAttributes = (message: string): AwsError => err('InvalidLookupAttributesException', message);
export const invalidTimeRange = (message = 'Start time occurs after end time.'): AwsError => err('InvalidTimeRangeException', message);
export const invalidMaxResults = (n: unknown): AwsError =>
  err('InvalidMaxResultsException', `Value ${String(n)} for MaxResults is invalid: it must be between 1 and 50.`);
export const invalidNextToken = (): AwsError =>
  err('InvalidNextTokenException', 'The NextToken is invalid: it must come from a previous call with the same parameters.');
export const invalidEventCategory = (v: unknown): AwsError =>
  err('InvalidEventCategoryException', `Event category ${String(v)} is not valid. The only valid category is insight.`);

/**
 * LookupEvents is limited to two requests per second per account and Region ("If this limit is exceeded,
 * a throttling error occurs." — API_LookupEvents). `ThrottlingException` is in the operation's model errors
 * family; "Rate exceeded" is AWS's usual throttling text for JSON services.
 */
export const throttled = (): AwsError => err('ThrottlingException', 'Rate exceeded');

export const resourceNotFound = (id: string): AwsError => err('ResourceNotFoundException', `Resource ${id} not found.`);
export const tagsLimitExceeded = (): AwsError =>
  err('TagsLimitExceededException', 'The number of tags per trail has exceeded the permitted amount. Currently, the limit is 50.');
export const invalidTagParameter = (message: string): AwsError => err('InvalidTagParameterException', message);
export const validation = (message: string): AwsError => err('ValidationException', message);

/** CloudTrail's denial (captured: "User: arn:aws:iam::…:user/test is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action"). */
export const accessDenied = (message: string): AwsError => err('AccessDeniedException', message);
