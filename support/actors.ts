import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteRoleCommand,
  DeleteRolePolicyCommand, DeleteUserCommand, DeleteUserPolicyCommand, PutRolePolicyCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { makeClients, type AwsClients } from './clients.js';
import { roleName, ScenarioNames } from './names.js';
import { isGone, RUN_ID_TAG, type ResourceTracker } from './resources.js';
import { errorCode, retryWhileConsistencyLags } from './retry.js';
import type { RunningTarget } from './targets/types.js';

export const ACTOR_NAMES = ['administrator', 'student', 'auditor'] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];
/** "anonymous" is not a role: it is whoever sends an unsigned request (the lab's public URL). */
export type AnyActorName = ActorName | 'anonymous';

export interface Actor {
  readonly name: ActorName;
  readonly roleName: string;
  /** arn:aws:iam::ACCT:role/NAME — what key policies name. */
  readonly roleArn: string;
  /** arn:aws:sts::ACCT:assumed-role/NAME/SESSION — what CloudTrail and error messages show. */
  readonly sessionArn: string;
  readonly clients: AwsClients;
  /** Evidence shows who an actor is, never its clients or credentials. */
  toJSON(): { actor: string; roleArn: string; sessionArn: string };
}

export interface Provisioner {
  readonly accountId: string;
  readonly arn: string;
  readonly clients: AwsClients;
}

type Statement = { Effect: 'Allow'; Action: string | string[]; Resource: string | string[] };

/**
 * Each actor's identity policy is what the lab's story needs and no more:
 * - administrator: runs the lab (keys, buckets, trails). Whether it may *use* a key depends on the key
 *   policy: the console policy delegates to IAM (so yes), an administrators-only policy does not (so no).
 * - student: S3 only. It may use a key only where the key policy names it as a key user.
 * - auditor: reads CloudTrail and the trail's log files.
 * S3 access is limited to this run's buckets.
 */
export function identityPolicy(actor: ActorName, runId: string): { Version: '2012-10-17'; Statement: Statement[] } {
  const buckets = [`arn:aws:s3:::${ScenarioNames.bucketPrefix(runId)}*`, `arn:aws:s3:::${ScenarioNames.bucketPrefix(runId)}*/*`];
  const statements: Record<ActorName, Statement[]> = {
    administrator: [
      { Effect: 'Allow', Action: ['kms:*', 'cloudtrail:*'], Resource: '*' },
      { Effect: 'Allow', Action: 's3:*', Resource: buckets },
    ],
    student: [{ Effect: 'Allow', Action: 's3:*', Resource: buckets }],
    auditor: [
      { Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 'cloudtrail:Get*', 'cloudtrail:Describe*', 'cloudtrail:List*'], Resource: '*' },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'], Resource: buckets },
    ],
  };
  return { Version: '2012-10-17', Statement: statements[actor] };
}

function trustPolicy(accountId: string) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
  };
}

export async function provisioner(target: RunningTarget): Promise<Provisioner> {
  const clients = makeClients(target.connection);
  const me = await clients.sts.send(new GetCallerIdentityCommand({}));
  if (!me.Account || !me.Arn) throw new Error(`${target.description}: STS GetCallerIdentity returned no account.`);
  return { accountId: me.Account, arn: me.Arn, clients };
}

/** Who calls AssumeRole for the actors: the provisioner itself, or a run user when that is a root user. */
interface Assumer {
  arn: string;
  sts: STSClient;
}

/**
 * AWS refuses AssumeRole from a root user ("Roles may not be assumed by root accounts"), and the emulator's
 * bootstrap credentials are root. Then the run gets its own IAM user that may assume only this run's roles.
 */
async function assumerFor(target: RunningTarget, owner: Provisioner, runId: string, worker: string, tracker: ResourceTracker): Promise<Assumer> {
  if (!owner.arn.endsWith(':root')) return { arn: owner.arn, sts: owner.clients.sts };
  const iam = owner.clients.iam;
  const user = roleName(runId, worker, 'runner');
  const created = await iam.send(new CreateUserCommand({ UserName: user, Tags: [{ Key: RUN_ID_TAG, Value: runId }] })).catch((e: unknown) => {
    throw new Error(`Could not create the IAM user ${user} that assumes the lab's roles (the provisioner ${owner.arn} is a root user, which may not assume roles): ${errorCode(e)}: ${(e as Error).message}`);
  });
  let accessKeyId: string | undefined;
  tracker.add({
    kind: 'IAM user',
    id: user,
    remove: async () => {
      if (accessKeyId) await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: accessKeyId })).catch(ignoreGone);
      await iam.send(new DeleteUserPolicyCommand({ UserName: user, PolicyName: 'kms-lab' })).catch(ignoreGone);
      await iam.send(new DeleteUserCommand({ UserName: user })).catch(ignoreGone);
    },
  });
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${owner.accountId}:role/${roleName(runId, worker, '')}*` }],
  };
  await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: 'kms-lab', PolicyDocument: JSON.stringify(policy) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey;
  if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error(`CreateAccessKey for ${user} returned no key.`);
  accessKeyId = key.AccessKeyId;
  const clients = makeClients({ ...target.connection, profile: undefined }, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey });
  return { arn: created.User?.Arn ?? `arn:aws:iam::${owner.accountId}:user/${user}`, sts: clients.sts };
}

/**
 * Creates the actors' roles (tagged with the run id, removed by `tracker` at the end) and assumes each one.
 * Every actor gets its own clients with its own temporary credentials.
 */
export async function provisionActors(opts: {
  target: RunningTarget;
  owner: Provisioner;
  runId: string;
  worker: string;
  tracker: ResourceTracker;
}): Promise<Map<ActorName, Actor>> {
  const { target, owner, runId, worker, tracker } = opts;
  const actors = new Map<ActorName, Actor>();
  const assumer = await assumerFor(target, owner, runId, worker, tracker);
  for (const name of ACTOR_NAMES) {
    const role = roleName(runId, worker, name);
    const created = await owner.clients.iam.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy(owner.accountId)),
        Description: `kms-lab ${name} for run ${runId}`,
        MaxSessionDuration: 3600 * 4,
        Tags: [{ Key: RUN_ID_TAG, Value: runId }],
      }),
    ).catch((e: unknown) => {
      throw new Error(`Could not create the IAM role ${role} for the lab's "${name}" as ${owner.arn}: ${errorCode(e)}: ${(e as Error).message}. The lab needs iam:CreateRole, iam:PutRolePolicy, iam:DeleteRole and sts:AssumeRole.`);
    });
    const roleArn = created.Role?.Arn ?? `arn:aws:iam::${owner.accountId}:role/${role}`;
    tracker.add({
      kind: 'IAM role',
      id: role,
      remove: async () => {
        await owner.clients.iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 'kms-lab' })).catch(ignoreGone);
        await owner.clients.iam.send(new DeleteRoleCommand({ RoleName: role })).catch(ignoreGone);
      },
    });
    await owner.clients.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'kms-lab', PolicyDocument: JSON.stringify(identityPolicy(name, runId)) }));
    actors.set(name, await assume(target, owner, assumer, name, role, roleArn, runId));
  }
  return actors;
}

async function assume(target: RunningTarget, owner: Provisioner, assumer: Assumer, name: ActorName, role: string, roleArn: string, runId: string): Promise<Actor> {
  const sessionName = `kms-lab-${runId}-${name}`.slice(0, 64);
  let sessionArn = '';
  // A provider, not fixed credentials: the SDK calls it again before the session expires (long AWS runs).
  const credentials = async (): Promise<AwsCredentialIdentity> => {
    const out = await retryWhileConsistencyLags(
      () => assumer.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 })),
      // A new role, or a new access key of the run user, takes seconds to be usable on AWS.
      (e) => errorCode(e) === 'AccessDenied' || errorCode(e) === 'InvalidClientTokenId',
      target.timing.consistencyMs,
    ).catch((e: unknown) => {
      throw new Error(`Could not assume the role ${roleArn} as ${assumer.arn} for the lab's "${name}": ${errorCode(e)}: ${(e as Error).message}`);
    });
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials.`);
    sessionArn = out.AssumedRoleUser?.Arn ?? sessionArn;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  const first = await credentials();
  let cached: AwsCredentialIdentity = first;
  const provider = async (): Promise<AwsCredentialIdentity> => {
    // Refresh five minutes before expiry; otherwise reuse (AssumeRole is rate limited too).
    if (cached.expiration && cached.expiration.getTime() - Date.now() < 5 * 60_000) cached = await credentials();
    return cached;
  };
  const clients = makeClients({ ...target.connection, profile: undefined }, provider);
  if (!sessionArn) sessionArn = `arn:aws:sts::${owner.accountId}:assumed-role/${role}/${sessionName}`;
  const arn = sessionArn;
  return { name, roleName: role, roleArn, sessionArn: arn, clients, toJSON: () => ({ actor: name, roleArn, sessionArn: arn }) };
}

function ignoreGone(e: unknown): void {
  if (!isGone(e)) throw e;
}
