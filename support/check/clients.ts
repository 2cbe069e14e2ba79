import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Connection } from '../targets/types.js';
import { guardReadOnly, type CallLogEntry } from './guard.js';

/**
 * The SDK clients of check mode. Every one is guarded (guard.ts): a client that could change an account is
 * never made here. Throttling and 5xx are retried by the SDK's standard retry strategy (exponential backoff
 * with jitter); LookupEvents goes through its own client without SDK retries, so that every attempt passes
 * the 2-requests-per-second limiter of its account (lookup.ts).
 */
export interface CheckClients {
  readonly kms: KMSClient;
  readonly s3: S3Client;
  readonly cloudtrail: CloudTrailClient;
  /** LookupEvents only: maxAttempts 1, paced and retried by the caller. */
  readonly lookup: CloudTrailClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  destroy(): void;
}

export type CheckCredentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/** Attempts per call, throttling included (the SDK backs off between them). */
export const MAX_ATTEMPTS = 6;
const requestHandler = { connectionTimeout: 5_000, requestTimeout: 60_000 };

export function makeCheckClients(conn: Connection, credentials: CheckCredentials, onCall?: (e: CallLogEntry) => void): CheckClients {
  const common = { region: conn.region, endpoint: conn.endpoint, credentials, requestHandler, maxAttempts: MAX_ATTEMPTS };
  // Made on first use (a check that never reads IAM makes no IAM client); every one guarded.
  const made: { destroy(): void }[] = [];
  const lazy = <C extends { destroy(): void; middlewareStack: Parameters<typeof guardReadOnly>[0]['middlewareStack'] }>(name: string, make: () => C) => {
    let c: C | undefined;
    return () => {
      if (!c) made.push((c = guardReadOnly(make(), name, { onCall })));
      return c;
    };
  };
  const kms = lazy('KMSClient', () => new KMSClient(common));
  // A trail bucket may live in another Region than the student's: S3's redirect is followed, not an error.
  const s3 = lazy('S3Client', () => new S3Client({ ...common, forcePathStyle: conn.forcePathStyle, followRegionRedirects: true }));
  const cloudtrail = lazy('CloudTrailClient', () => new CloudTrailClient(common));
  const lookup = lazy('CloudTrailClient', () => new CloudTrailClient({ ...common, maxAttempts: 1 }));
  const iam = lazy('IAMClient', () => new IAMClient(common));
  const sts = lazy('STSClient', () => new STSClient(common));
  return {
    get kms() { return kms(); },
    get s3() { return s3(); },
    get cloudtrail() { return cloudtrail(); },
    get lookup() { return lookup(); },
    get iam() { return iam(); },
    get sts() { return sts(); },
    destroy() {
      for (const c of made.splice(0)) c.destroy();
    },
  };
}

/** The operator's own STS client: it may only say who the operator is and assume the students' roles. */
export function operatorSts(conn: Connection): STSClient {
  return guardReadOnly(new STSClient({
    region: conn.region,
    endpoint: conn.endpoint,
    requestHandler,
    maxAttempts: MAX_ATTEMPTS,
    ...(conn.credentials ? { credentials: conn.credentials } : conn.profile ? { profile: conn.profile } : {}),
  }), 'STSClient', { extra: ['AssumeRole'] });
}

export interface Operator {
  accountId: string;
  arn: string;
  sts: STSClient;
}

/** Who runs the check: refused early, for the whole run, when the operator's own credentials do not work. */
export async function whoIsOperator(conn: Connection): Promise<Operator> {
  const sts = operatorSts(conn);
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    if (!me.Account || !me.Arn) throw new Error('STS GetCallerIdentity returned no account');
    if (me.Arn.endsWith(':root')) {
      throw new Error(`the credentials are the root user of account ${me.Account}, and AWS does not let a root user assume roles ("Roles may not be assumed by root accounts"); use an IAM user or role (e.g. an SSO session)`);
    }
    return { accountId: me.Account, arn: me.Arn, sts };
  } catch (e) {
    sts.destroy();
    const err = e as { name?: string; message?: string };
    throw new Error(`kms-lab check needs the instructor's own AWS credentials (env, --profile or SSO) to assume the students' roles, and they do not work: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message ?? String(e)}`);
  }
}

export interface AssumedStudent {
  sessionArn: string;
  credentials: AwsCredentialIdentityProvider;
}

/** The AWS-side reason of a failed call, for an error row: code and message, never credentials. */
export function describeAwsError(e: unknown): string {
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err?.Code ?? err?.name ?? 'Error';
  return `${code}${err?.$metadata?.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : ''}: ${err?.message ?? String(e)}`;
}

/**
 * AssumeRole into a student's role with its ExternalId. Returns a credential provider that renews the session
 * five minutes before it expires (a large class on AWS can take longer than one session).
 */
export async function assumeStudentRole(op: Operator, student: { roleArn: string; externalId?: string }, sessionName: string): Promise<AssumedStudent> {
  let sessionArn = '';
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const out = await op.sts.send(new AssumeRoleCommand({
      RoleArn: student.roleArn,
      RoleSessionName: sessionName,
      DurationSeconds: 3600,
      ...(student.externalId ? { ExternalId: student.externalId } : {}),
    }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${student.roleArn} returned no credentials`);
    sessionArn = out.AssumedRoleUser?.Arn ?? sessionArn;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  let cached = await assume();
  const provider: AwsCredentialIdentityProvider = async () => {
    if (cached.expiration && cached.expiration.getTime() - Date.now() < 5 * 60_000) cached = await assume();
    return cached;
  };
  return { sessionArn, credentials: provider };
}
