import { AwsError } from '../core/errors.js';

/**
 * KMS's own errors, with the exact texts real AWS returns. Sources:
 * - LS-KMS-SNAP = localstack/localstack tests/aws/services/kms/test_kms.snapshot.json (recorded against AWS,
 *   commit 8b9a79f05846);
 * - KMS-DG key-state.md = awsdocs/aws-kms-developer-guide doc_source/key-state.md, "Table Details" footnotes;
 * - the other captures are cited next to each one. All KMS errors are HTTP 400 (LS-KMS-SNAP).
 */

const err = (code: string, message: string): AwsError => new AwsError(code, message, 400);

/** LS-KMS-SNAP test_get_key_does_not_exist: the key ARN in single quotes, no trailing period, even for a bare id. */
export const keyDoesNotExist = (keyArn: string): AwsError => err('NotFoundException', `Key '${keyArn}' does not exist`);

/** LS-KMS-SNAP test_get_key_invalid_uuid: `Invalid keyId 'fake-key-id'`. */
export const invalidKeyId = (keyId: string): AwsError => err('NotFoundException', `Invalid keyId '${keyId}'`);

/** LS-KMS-SNAP test_get_key_in_different_region: a key ARN of another Region → `Invalid arn us-west-2`. */
export const invalidArnRegion = (region: string): AwsError => err('NotFoundException', `Invalid arn ${region}`);

/** github.com/cloudposse/docs/issues/152: `Alias arn:aws:kms:us-west-2:271462348125:alias/parameter_store_key is not found.` */
export const aliasNotFound = (aliasArn: string): AwsError => err('NotFoundException', `Alias ${aliasArn} is not found.`);

/** Terraform/EKS captures: `AlreadyExistsException: An alias with the name arn:aws:kms:…:alias/… already exists`. */
export const aliasAlreadyExists = (aliasArn: string): AwsError =>
  err('AlreadyExistsException', `An alias with the name ${aliasArn} already exists`);

/** KMS-DG key-state.md [1]; LS-KMS-SNAP test_rotate_key_on_demand_raises_error_given_key_is_disabled. */
export const keyDisabled = (keyArn: string): AwsError => err('DisabledException', `${keyArn} is disabled.`);

/**
 * KMS-DG key-state.md [3]. For cryptographic operations the table allows [2] (DisabledException) or [3];
 * AWS answered [3] when S3 used a pending-deletion key (localstack test_s3.snapshot.json
 * test_s3_sse_validate_kms_key_state), so [3] is used everywhere.
 */
export const keyPendingDeletion = (keyArn: string): AwsError => err('KMSInvalidStateException', `${keyArn} is pending deletion.`);

/** KMS-DG key-state.md [4] (CancelKeyDeletion on a key that is not pending deletion). */
export const keyNotPendingDeletion = (keyArn: string): AwsError => err('KMSInvalidStateException', `${keyArn} is not pending deletion.`);

/** LS-KMS-SNAP test_encrypt_decrypt_encryption_context: InvalidCiphertextException with an empty message. */
export const invalidCiphertext = (): AwsError => err('InvalidCiphertextException', '');

/** LS-KMS-SNAP test_error_messaging_for_invalid_keys / test_re_encrypt_incorrect_source_key. */
export const incorrectKey = (): AwsError =>
  err('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');

/** LS-KMS-SNAP test_error_messaging_for_invalid_keys: `<key-arn> key usage is SIGN_VERIFY which is not valid for Encrypt.` */
export const invalidKeyUsage = (keyArn: string, usage: string, operation: string): AwsError =>
  err('InvalidKeyUsageException', `${keyArn} key usage is ${usage} which is not valid for ${operation}.`);

/** LS-KMS-SNAP test_invalid_generate_mac: `Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.` */
export const algorithmIncompatible = (algorithm: string, keySpec: string): AwsError =>
  err('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${keySpec}.`);

/**
 * Decrypt of a ciphertext whose key is gone or out of reach (github.com/aws/aws-encryption-sdk-javascript/issues/1005;
 * S3's GetObject says the same, github.com/ministryofjustice/modernisation-platform/issues/3468).
 */
export const ciphertextKeyUnavailable = (): AwsError =>
  err('AccessDeniedException',
    'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.');

export const validation = (message: string): AwsError => err('ValidationException', message);

/** LS-KMS-SNAP test_generate_data_key_pair_dry_run. */
export const dryRun = (): AwsError => err('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');

/** LS-KMS-SNAP test_sign_verify "bad-signature": empty message. */
export const invalidSignature = (): AwsError => err('KMSInvalidSignatureException', '');

/** LS-KMS-SNAP test_invalid_verify_mac: empty message. */
export const invalidMac = (): AwsError => err('KMSInvalidMacException', '');

/** Recorded by AWS users: terraform-aws-modules/terraform-aws-kms#14, data-dot-all/dataall#956. */
export const lockoutPolicy = (): AwsError =>
  err('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');

export const malformedPolicy = (message: string): AwsError => err('MalformedPolicyDocumentException', message);

export const tagError = (message: string): AwsError => err('TagException', message);

export const unsupported = (message = ''): AwsError => err('UnsupportedOperationException', message);

export const limitExceeded = (message: string): AwsError => err('LimitExceededException', message);

export const invalidGrantId = (): AwsError => err('InvalidGrantIdException', '');

export const invalidGrantToken = (): AwsError => err('InvalidGrantTokenException', '');

export const invalidMarker = (): AwsError => err('InvalidMarkerException', '');

/**
 * Denials: AccessDeniedException, HTTP 400, with IAM's message (reference A.1; the text itself comes from
 * the policy engine's accessDeniedMessage).
 */
export const accessDenied = (message: string, decision?: unknown): AwsError =>
  new AwsError('AccessDeniedException', message, 400, {}, decision);
