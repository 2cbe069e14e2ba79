import type { CallContext } from './service.js';

/**
 * How services call each other inside the emulator. S3 uses KMS as the requester (SSE-KMS); CloudTrail
 * delivers log files to S3 as its service principal. Each port is implemented by the service that owns
 * the state and registered on the Emulator; callers never reach into another service's state.
 */

export interface KmsDataKey {
  /** Full key ARN (S3 reports it in x-amz-server-side-encryption-aws-kms-key-id). */
  keyArn: string;
  plaintext: Buffer;
  ciphertextBlob: Buffer;
}

export interface KmsCallOnBehalf {
  /** Key id, key ARN, alias name or alias ARN, as the requester wrote it. */
  keyId?: string;
  encryptionContext: Record<string, string>;
  /** Condition key kms:ViaService, e.g. 's3.us-east-1.amazonaws.com'. */
  viaService: string;
  /** CloudTrail invokedBy / sourceIPAddress / userAgent of the calling service, e.g. 's3.amazonaws.com'. */
  invokedBy: string;
}

export interface KmsPort {
  /**
   * GenerateDataKey (AES_256) as ctx.principal: the key policy and IAM are evaluated for the requester with
   * kms:ViaService set, and a KMS CloudTrail event is recorded with invokedBy. Throws AwsError with KMS's own
   * code (NotFoundException, DisabledException, KMSInvalidStateException, AccessDeniedException, …).
   */
  generateDataKey(ctx: CallContext, req: KmsCallOnBehalf & { keyId: string }): KmsDataKey;
  /** Decrypt as ctx.principal, same rules and recording as generateDataKey. */
  decrypt(ctx: CallContext, req: KmsCallOnBehalf & { ciphertextBlob: Buffer }): { keyArn: string; plaintext: Buffer };
  /** The AWS managed key (e.g. 'aws/s3') of an account and region, created on first use as AWS does. */
  awsManagedKeyArn(accountId: string, region: string, alias: 'aws/s3'): string;
  /** Resolves a key id/ARN/alias to the key ARN, or undefined when no such key exists in that account and region. */
  resolveKeyArn(accountId: string, region: string, keyId: string): string | undefined;
}

export interface S3Port {
  bucketExists(bucket: string): boolean;
  /** The bucket's owner account, region and policy document (JSON text), if the bucket exists. */
  bucketInfo(bucket: string): { ownerAccountId: string; region: string; policy?: string } | undefined;
  /**
   * Writes an object as an AWS service principal (CloudTrail log delivery): the bucket policy must allow
   * `servicePrincipal` s3:PutObject on the key, with aws:SourceArn/aws:SourceAccount and s3:x-amz-acl as given.
   * Throws AwsError (AccessDenied, NoSuchBucket) otherwise.
   */
  putObjectAsService(req: {
    servicePrincipal: string;
    bucket: string;
    key: string;
    body: Buffer;
    contentType?: string;
    contentEncoding?: string;
    metadata?: Record<string, string>;
    acl?: string;
    sourceArn?: string;
    sourceAccount?: string;
    sseKmsKeyId?: string;
    /** Added to S3's own `aws:s3:arn` context when SSE-KMS is used (CloudTrail: `aws:cloudtrail:arn`). */
    sseKmsEncryptionContext?: Record<string, string>;
  }): void;
  /** Reads an object's bytes regardless of policy (for the emulator's own use, e.g. digest chaining). */
  readObject(bucket: string, key: string): { body: Buffer; metadata: Record<string, string> } | undefined;
}
