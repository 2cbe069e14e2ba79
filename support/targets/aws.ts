import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ALL_CAPABILITIES, applyCapabilityOverride } from '../capabilities.js';
import type { LabParameters } from '../parameters.js';
import { pathStyleUrl, type Connection, type RunningTarget, type StartOptions, type Target } from './types.js';

export interface CallerIdentity { account: string; arn: string }

export function awsConnection(params: LabParameters): Connection {
  // --endpoint on the aws target is for testing the wiring (e.g. against the emulator); real runs omit it.
  return { endpoint: params.endpoint, region: params.region, profile: params.profile, forcePathStyle: Boolean(params.endpoint) };
}

export async function callerIdentity(conn: Connection): Promise<CallerIdentity> {
  const sts = new STSClient({ region: conn.region, endpoint: conn.endpoint, profile: conn.profile, credentials: conn.credentials });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } catch (e) {
    throw new Error(`Could not find out which AWS account these credentials belong to (STS GetCallerIdentity${conn.profile ? `, profile ${conn.profile}` : ''}): ${e instanceof Error ? e.message : String(e)}. Configure credentials (env, --profile, or \`aws sso login\`).`);
  } finally {
    sts.destroy();
  }
}

/**
 * The guard: nothing is created in an account the operator did not name. Throws with what to do;
 * returns the identity when allowed.
 */
export async function assertAllowedAccount(params: LabParameters, conn = awsConnection(params)): Promise<CallerIdentity> {
  const who = await callerIdentity(conn);
  if (!params.allowAccount) {
    throw new Error(`Refusing to provision in AWS account ${who.account} (credentials of ${who.arn}): pass --allow-account ${who.account} to confirm that the lab may create and delete resources there.`);
  }
  if (params.allowAccount !== who.account) {
    throw new Error(`Refusing to provision: --allow-account is ${params.allowAccount} but the credentials (${who.arn}) are for account ${who.account}. Use the right --profile or --allow-account.`);
  }
  return who;
}

/** What a run creates, printed before anything is created. */
export function provisioningPlan(params: LabParameters, who: CallerIdentity, scenarios: number): string {
  const tag = `kms-lab:run-id=${params.runId}`;
  return [
    `kms-lab will provision in AWS account ${who.account}, region ${params.region}, as ${who.arn}:`,
    `  - IAM roles kms-lab-${params.runId}-…-{administrator,student,auditor} with inline policies (assumed by the lab; deleted at the end)`,
    `  - for each of the ${scenarios} selected scenario(s), as it needs them:`,
    `      KMS keys with aliases alias/<name>-${params.runId}-… (scheduled for deletion after 7 days, the minimum),`,
    `      S3 buckets kms-lab-${params.runId}-… (emptied and deleted),`,
    `      CloudTrail trails kms-lab-${params.runId}-… (deleted; their log buckets are emptied and deleted)`,
    `  - every resource is tagged ${tag}; cleanup only touches resources created by this run`,
    `  - AWS bills KMS keys (prorated), CloudTrail data events and Insights analysis while they exist`,
  ].join('\n');
}

/** Real AWS through the standard credential chain; refuses to provision unless --allow-account matches. */
export const awsTarget: Target = {
  name: 'aws',
  async start({ params }: StartOptions): Promise<RunningTarget> {
    const conn = awsConnection(params);
    await assertAllowedAccount(params, conn);
    return {
      name: 'aws',
      description: `AWS ${params.region}${params.endpoint ? ` via ${params.endpoint}` : ''}${params.profile ? ` (profile ${params.profile})` : ''}`,
      connection: conn,
      capabilities: applyCapabilityOverride(new Set(ALL_CAPABILITIES), params.capabilities),
      capabilityNotes: {},
      // CloudTrail delivers log files about every 5 minutes; LookupEvents lags ~15 minutes at worst.
      timing: {
        cloudTrailDeadlineMs: (params.cloudTrailDeadlineSeconds ?? 20 * 60) * 1000,
        cloudTrailPollMs: 10_000,
        maxPollMs: 60_000,
        consistencyMs: 60_000,
      },
      objectUrl: (bucket, key) =>
        params.endpoint
          ? pathStyleUrl(params.endpoint, bucket, key)
          : `https://${bucket}.s3.${params.region}.amazonaws.com/${key.split('/').map(encodeURIComponent).join('/')}`,
      stop: async () => {},
    };
  },
};
