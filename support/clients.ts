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

export function makeClients(conn: Connection, credentials: Credentials | undefined = conn.credentials): AwsClients {
  const common = {
    region: conn.region,
    endpoint: conn.endpoint,
    // Only the provisioner uses the profile; actors carry their own assumed-role credentials.
    ...(credentials ? { credentials } : { profile: conn.profile }),
    requestHandler,
  };
  const kms = new KMSClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: conn.forcePathStyle });
  const sts = new STSClient(common);
  const iam = new IAMClient(common);
  // The CloudTrail poller retries itself with backoff and honours ThrottlingException across scenarios,
  // so the SDK must not hide throttling behind its own retries.
  const cloudtrail = new CloudTrailClient({ ...common, maxAttempts: 1 });
  return {
    kms, s3, sts, iam, cloudtrail,
    destroy() {
      for (const c of [kms, s3, sts, iam, cloudtrail]) c.destroy();
    },
  };
}
