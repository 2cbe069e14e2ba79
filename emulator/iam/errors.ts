import { AwsError } from '../core/errors.js';

/*
 * IAM's error texts, each as AWS words it. Sources:
 * - "The user with name X cannot be found." — localstack tests/aws/services/iam/test_iam.snapshot.json
 *   (recorded against AWS); roles, user and role policies follow the same sentence.
 * - "Cannot delete entity, must delete access keys first." — github.com/aws-controllers-k8s/community/issues/2229;
 *   "… must delete policies first." — github.com/awslabs/aws-orbit-workbench/issues/633;
 *   "… must detach all policies first." — github.com/hashicorp/boundary/pull/5646;
 *   "Cannot delete a policy attached to entities." — github.com/serverless/components/issues/312.
 * - "Policy <arn> does not exist or is not attachable." / "Policy <arn> was not found." /
 *   "Invalid ARN:  Could not be parsed!" (two spaces) — the localstack IAM snapshot.
 * - "The specified value for roleName is invalid. It must contain only alphanumeric characters and/or
 *   the following: +=,.@_-" — github.com/aws-samples/one-observability-demo/issues/469;
 *   the path text — github.com/aws-cloudformation/cfn-lint/issues/722.
 */

export const noSuchEntity = (message: string): AwsError => new AwsError('NoSuchEntity', message, 404);

export const noSuchUser = (name: string): AwsError => noSuchEntity(`The user with name ${name} cannot be found.`);
export const noSuchRole = (name: string): AwsError => noSuchEntity(`The role with name ${name} cannot be found.`);

export const alreadyExists = (message: string): AwsError => new AwsError('EntityAlreadyExists', message, 409);

export const deleteConflict = (message: string): AwsError => new AwsError('DeleteConflict', message, 409);

export const limitExceeded = (message: string): AwsError => new AwsError('LimitExceeded', message, 409);

export const validationError = (message: string): AwsError => new AwsError('ValidationError', message, 400);

export const malformedPolicy = (message: string): AwsError => new AwsError('MalformedPolicyDocument', message, 400);

/** The Coral framework's constraint message that AWS returns for out-of-range members. */
export function constraintError(field: string, value: string | number, constraint: string): AwsError {
  return validationError(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

export const invalidArn = (): AwsError => validationError('Invalid ARN:  Could not be parsed!');
