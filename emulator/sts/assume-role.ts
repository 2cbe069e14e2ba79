import { deflateRawSync } from 'node:zlib';
import { checkAccess } from '../core/authorize.js';
import { AwsError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { CallContext, Operation } from '../core/service.js';
import { findByName } from '../iam/common.js';
import { checkIdentityPolicy } from '../iam/policy-documents.js';
import type { IamRole, Tag } from '../identity/model.js';
import { parsePolicy } from '../policy/validate.js';
import { issueCredentials } from './credentials.js';
import { Constraints, optionalInteger, optionalString } from './validation.js';

/*
 * AssumeRole (STS API reference) with AWS's texts:
 * - denial: "User: <caller arn> is not authorized to perform: sts:AssumeRole on resource: <role arn>",
 *   with no "because …" suffix (github.com/data-dot-all/dataall/pull/1873, 2025;
 *   github.com/aws/karpenter-provider-aws/issues/4680, 2023). A role that does not exist is refused the
 *   same way: the caller learns nothing about it.
 * - "Roles may not be assumed by root accounts." (github.com/kubeflow/testing/pull/961).
 * - "<arn> is invalid" for a RoleArn that is no ARN (localstack sts snapshot test_sts_invalid_parameters).
 * - "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
 *   (github.com/kreuzwerker/awsu/issues/27) and "The requested DurationSeconds exceeds the 1 hour
 *   session limit for roles assumed by role chaining." (github.com/aws/eks-anywhere/pull/9485).
 * - session tags: "Duplicate tag keys found. Please note that Tag keys are case insensitive." and
 *   "The specified transitive tag key must be included in the requested tags." (localstack sts snapshot).
 * Who may assume: the role's trust policy and the caller's identity policies, evaluated by the policy
 * engine in 'role-trust' mode — a trust policy naming the caller (or its role) grants on its own in the
 * same account; naming the account delegates to the caller's IAM policies; across accounts both are
 * needed (IAM User Guide, id_roles_compare-resource-policies.html and
 * reference_policies_evaluation-logic-cross-account.html).
 */

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
/** STS: "The value specified can range from 900 seconds (15 minutes) up to the maximum session duration set for the role." */
const DEFAULT_DURATION = 3600;
/** "Role chaining limits your … session to a maximum of one hour" (IAM User Guide, id_roles_terms-and-concepts.html). */
const CHAINED_MAX = 3600;

const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterValue', message, 400);
const accessDenied = (message: string): AwsError => new AwsError('AccessDenied', message, 403);

function readTags(params: Record<string, unknown>): Tag[] {
  const raw = params.Tags;
  if (raw === undefined || raw === '') return [];
  return (Array.isArray(raw) ? raw : [raw]).map((t) => {
    const o = (t ?? {}) as Record<string, unknown>;
    return { Key: String(o.Key ?? ''), Value: String(o.Value ?? '') };
  });
}

function readList(params: Record<string, unknown>, name: string): string[] {
  const raw = params[name];
  if (raw === undefined || raw === '') return [];
  return (Array.isArray(raw) ? raw : [raw]).map(String);
}

/** arn:partition:service:region:account:resource with partition, service and resource present. */
const wellFormedArn = (arn: string): boolean => /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/.test(arn);

/** The role a RoleArn names. Role names are unique in an account, so the path in the ARN is not compared. */
function findRole(ctx: CallContext, arn: string): IamRole | undefined {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
  if (!m) return undefined;
  const account = ctx.emulator.identity.accounts.get(m[1]);
  return account ? findByName(account.roles, m[2]) : undefined;
}

/** Session credentials asking for more credentials: role chaining, and GetSessionToken sessions alike. */
function isChained(ctx: CallContext): boolean {
  const p = ctx.principal;
  return p.kind === 'assumed-role' || (p.accessKeyId !== undefined && ctx.emulator.identity.sessionOf(p.accessKeyId) !== undefined);
}

/**
 * PackedPolicySize: "a percentage value that indicates the packed size of the session policies and
 * session tags combined" (STS API reference). AWS's packing is not published; this approximates it with
 * the deflated size against a 2048-byte budget (an inference, not AWS's algorithm).
 */
function packedPolicySize(policy: string | undefined, tags: Tag[]): number {
  const packed = (policy ?? '').replace(/\s/g, '') + tags.map((t) => `${t.Key}=${t.Value}`).join('&');
  return Math.max(1, Math.ceil((deflateRawSync(packed).length / 2048) * 100));
}

export const assumeRole: Operation = async (params, ctx) => {
  const roleArnParam = optionalString(params, 'RoleArn');
  const sessionName = optionalString(params, 'RoleSessionName');
  const duration = optionalInteger(params, 'DurationSeconds', 'durationSeconds');
  const externalId = optionalString(params, 'ExternalId');
  const policy = optionalString(params, 'Policy');
  const tags = readTags(params);
  const transitive = readList(params, 'TransitiveTagKeys');
  new Constraints()
    .required('roleArn', roleArnParam)
    .required('roleSessionName', sessionName)
    .length('roleArn', roleArnParam, 20, 2048)
    .pattern('roleSessionName', sessionName, SESSION_NAME, '[\\w+=,.@-]*')
    .length('roleSessionName', sessionName, 2, 64)
    .range('durationSeconds', duration, 900, 43200)
    .pattern('externalId', externalId, EXTERNAL_ID, '[\\w+=,.@:\\/-]*')
    .length('externalId', externalId, 2, 1224)
    .length('policy', policy, 1, 2048)
    .check();
  const roleArn = roleArnParam!;
  const name = sessionName!;

  ctx.audit.requestParameters = {
    roleArn,
    roleSessionName: name,
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(tags.length > 0 ? { tags: tags.map((t) => ({ key: t.Key, value: t.Value })) } : {}),
    ...(transitive.length > 0 ? { transitiveTagKeys: transitive } : {}),
  };

  if (!wellFormedArn(roleArn)) throw new AwsError('ValidationError', `${roleArn} is invalid`, 400);
  const keys = tags.map((t) => t.Key.toLowerCase());
  if (new Set(keys).size !== keys.length) throw invalidParameter('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  if (transitive.some((k) => !keys.includes(k.toLowerCase()))) throw invalidParameter('The specified transitive tag key must be included in the requested tags.');

  const caller = ctx.principal;
  if (caller.kind === 'root') throw accessDenied('Roles may not be assumed by root accounts.');
  const notAuthorized = (action: string) => accessDenied(`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${roleArn}`);

  const role = findRole(ctx, roleArn);
  if (!role) throw notAuthorized('sts:AssumeRole');
  const roleAccount = role.arn.split(':')[4];
  const trust = parsePolicy(role.assumeRolePolicyDocument);
  const context = {
    'sts:ExternalId': externalId,
    'sts:RoleSessionName': name,
    ...(tags.length > 0 ? { 'aws:TagKeys': tags.map((t) => t.Key) } : {}),
    ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
    ...(transitive.length > 0 ? { 'sts:TransitiveTagKeys': transitive } : {}),
  };
  // Session tags need sts:TagSession from the same policies (IAM User Guide, id_session-tags.html).
  for (const action of tags.length > 0 ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole']) {
    const { decision } = checkAccess(ctx, { action, resource: role.arn, resourceAccount: roleAccount, resourcePolicy: trust, mode: 'role-trust', context });
    if (!decision.allowed) throw notAuthorized(action);
  }

  if (isChained(ctx) && duration !== undefined && duration > CHAINED_MAX) {
    throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', 400);
  }
  if (duration !== undefined && duration > role.maxSessionDuration) {
    throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
  }
  if (policy !== undefined) await checkIdentityPolicy(policy);

  const assumed: Principal = {
    kind: 'assumed-role',
    accountId: roleAccount,
    // The session ARN names the role without its path (aws-behaviour.md §D).
    arn: `arn:aws:sts::${roleAccount}:assumed-role/${role.name}/${name}`,
    principalId: `${role.roleId}:${name}`,
    role: { arn: role.arn, name: role.name, roleId: role.roleId, accountId: roleAccount },
    sessionName: name,
    sessionIssuedAt: ctx.now,
  };
  const issued = issueCredentials(ctx, assumed, duration ?? DEFAULT_DURATION, policy);
  const packed = policy !== undefined || tags.length > 0 ? packedPolicySize(policy, tags) : undefined;
  const assumedRoleUser = { Arn: assumed.arn, AssumedRoleId: assumed.principalId };

  ctx.audit.responseElements = {
    credentials: issued.audit,
    assumedRoleUser: { assumedRoleId: assumed.principalId, arn: assumed.arn },
    ...(packed !== undefined ? { packedPolicySize: packed } : {}),
  };
  ctx.audit.resources = [{ ARN: role.arn, accountId: roleAccount, type: 'AWS::IAM::Role' }];
  if (roleAccount !== caller.accountId) ctx.audit.recipientAccountId = roleAccount;

  return { Credentials: issued.wire, AssumedRoleUser: assumedRoleUser, ...(packed !== undefined ? { PackedPolicySize: packed } : {}) };
};
