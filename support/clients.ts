import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Connection } from './targets/types.js';

/** One principal's SDK clients. Every actor has its own, so a call is always made as exactly one identity. */
export interface AwsClients {
  readonly kms: KMSClient;
  readonly s3: S3Client;
  readonly sts: STSClient;
  readonly iam: IAMClient;
  readonly cloudtrail: CloudTrailClient;
  destroy(): void;
}

export type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/** Calls that hang must fail a step, not the whole run. */
const requestHandler = { connectionTimeout: 5_000, requestTimeout: 60_000 };

/**
 * The SDK's standard retry mode: it retries exactly what AWS says is retryable — throttling errors
 * (ThrottlingException, Throttling, SlowDown, RequestLimitExceeded, 429 …), 500/502/503/504, and connection
 * errors — with exponential backoff and full jitter, and never anything else (AccessDenied, NotFound,
 * validation errors fail at once). 5 attempts rides out ordinary throttling; a connection may ask for more
 * (a --chaos run does, so that a 24 % fault rate cannot turn a passing scenario into a failing one).
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

export function makeClients(conn: Connection, credentials: Credentials | undefined = conn.credentials): AwsClients {
  const common = {
    region: conn.region,
    endpoint: conn.endpoint,
    // Only the provisioner uses the profile; actors carry their own assumed-role credentials.
    ...(credentials ? { credentials } : { profile: conn.profile }),
    requestHandler,
    retryMode: 'standard',
    maxAttempts: conn.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  const kms = new KMSClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: conn.forcePathStyle });
  const sts = new STSClient(common);
  const iam = new IAMClient(common);
  // The same standard retries: CreateTrail and friends must survive throttling too. The CloudTrail poller still
  // sees a throttle that outlasts them (ThrottlingException after the last attempt) and then pauses every poller.
  const cloudtrail = new CloudTrailClient(common);
  return {
    kms, s3, sts, iam, cloudtrail,
    destroy() {
      for (const c of [kms, s3, sts, iam, cloudtrail]) c.destroy();
    },
  };
}
