import type { CallContext, Operation } from '../core/service.js';
import { uniqueId } from '../core/ids.js';
import type { Account, ManagedPolicy } from '../identity/model.js';
import { AWS_MANAGED_POLICIES } from '../identity/aws-managed-policies.js';
import { requireParam } from '../protocols/query.js';
import { looksLikeArn, parsePolicyArn, policyArn } from './arns.js';
import { authorizeIam } from './authorize.js';
import { wholeSeconds } from './cloudtrail-date.js';
import { audit, byName, callerAccount, defined, paginate } from './common.js';
import { iamEncode } from './encoding.js';
import { alreadyExists, deleteConflict, invalidArn, noSuchEntity, validationError } from './errors.js';
import { checkIdentityPolicy, checkManagedPolicySize } from './policy-documents.js';
import { policyAudit, policyShape, tagsAudit } from './shapes.js';
import { readDescription, readPath, readPathPrefix, readTags, requireName } from './validation.js';

/** How many users and roles of the account have the policy attached. */
export function attachmentCount(account: Account, arn: string): number {
  let n = 0;
  for (const u of account.users.values()) if (u.attachedPolicies.has(arn)) n++;
  for (const r of account.roles.values()) if (r.attachedPolicies.has(arn)) n++;
  return n;
}

/** Reads PolicyArn: "Invalid ARN:  Could not be parsed!" when it is no ARN (localstack IAM snapshot). */
export function readPolicyArn(params: Record<string, unknown>): string {
  const arn = String(requireParam(params, 'PolicyArn'));
  if (!looksLikeArn(arn)) throw invalidArn();
  return arn;
}

/** A policy the caller's account can see: its own customer managed policies, and AWS's. */
export function visiblePolicy(ctx: CallContext, arn: string): ManagedPolicy | undefined {
  const parsed = parsePolicyArn(arn);
  if (!parsed || (parsed.account !== 'aws' && parsed.account !== ctx.principal.accountId)) return undefined;
  return ctx.emulator.identity.managedPolicy(arn);
}

const createPolicy: Operation = async (params, ctx) => {
  const name = requireName(params, 'PolicyName', 'policyName');
  const document = String(requireParam(params, 'PolicyDocument'));
  const path = readPath(params);
  const description = readDescription(params);
  const tags = readTags(params);
  const account = callerAccount(ctx);
  const arn = policyArn(account.id, path, name);
  audit(ctx, defined({ policyName: name, path: params.Path, policyDocument: document, description, tags: tags.length > 0 ? tagsAudit(tags) : undefined }));
  authorizeIam(ctx, 'CreatePolicy', { arn });
  // Names are unique in the account whatever their path (moto and AWS alike refuse a second one).
  const lower = name.toLowerCase();
  if ([...account.policies.values()].some((p) => p.name.toLowerCase() === lower)) {
    throw alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
  }
  checkManagedPolicySize(document);
  await checkIdentityPolicy(document);
  const now = wholeSeconds(ctx.now);
  const policy: ManagedPolicy = {
    arn,
    name,
    path,
    policyId: uniqueId('ANPA'),
    ...(description !== undefined ? { description } : {}),
    createDate: now,
    updateDate: now,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document, createDate: now, isDefaultVersion: true }],
    tags,
  };
  account.policies.set(arn, policy);
  ctx.audit.responseElements = { policy: policyAudit(policy) };
  // CreatePolicy's Policy has no Description (the localstack snapshot of CreatePolicy shows none).
  return { Policy: policyShape(policy, 0, false) };
};

const getPolicy: Operation = (params, ctx) => {
  const arn = readPolicyArn(params);
  audit(ctx, { policyArn: arn });
  authorizeIam(ctx, 'GetPolicy', { arn });
  const policy = visiblePolicy(ctx, arn);
  if (!policy) throw noSuchEntity(`Policy ${arn} was not found.`);
  return { Policy: policyShape(policy, attachmentCount(callerAccount(ctx), arn), true) };
};

const getPolicyVersion: Operation = (params, ctx) => {
  const arn = readPolicyArn(params);
  const versionId = String(requireParam(params, 'VersionId'));
  audit(ctx, { policyArn: arn, versionId });
  authorizeIam(ctx, 'GetPolicyVersion', { arn });
  const policy = visiblePolicy(ctx, arn);
  if (!policy) throw noSuchEntity(`Policy ${arn} was not found.`);
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (!version) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
  return {
    PolicyVersion: { Document: iamEncode(version.document), VersionId: version.versionId, IsDefaultVersion: version.isDefaultVersion, CreateDate: version.createDate },
  };
};

const deletePolicy: Operation = (params, ctx) => {
  const arn = readPolicyArn(params);
  audit(ctx, { policyArn: arn });
  authorizeIam(ctx, 'DeletePolicy', { arn });
  const account = callerAccount(ctx);
  const policy = account.policies.get(arn);
  // Localstack IAM snapshot test_delete_non_existent_policy_returns_no_such_entity.
  if (!policy) throw noSuchEntity(`Policy ${arn} was not found.`);
  if (attachmentCount(account, arn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
  account.policies.delete(arn);
  return undefined;
};

const listPolicies: Operation = (params, ctx) => {
  const prefix = readPathPrefix(params);
  const scope = params.Scope === undefined ? 'All' : String(params.Scope);
  if (!['All', 'AWS', 'Local'].includes(scope)) {
    throw validationError(`1 validation error detected: Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`);
  }
  const onlyAttached = String(params.OnlyAttached) === 'true';
  audit(ctx, defined({ scope: params.Scope, onlyAttached: params.OnlyAttached, pathPrefix: params.PathPrefix, marker: params.Marker, maxItems: params.MaxItems }));
  authorizeIam(ctx, 'ListPolicies', { arn: `arn:aws:iam::${ctx.principal.accountId}:policy${prefix}`, shown: `policy path ${prefix}` });
  const account = callerAccount(ctx);
  const candidates = [
    ...(scope !== 'Local' ? [...AWS_MANAGED_POLICIES.values()] : []),
    ...(scope !== 'AWS' ? [...account.policies.values()] : []),
  ];
  const policies = candidates
    .map((p) => ({ p, count: attachmentCount(account, p.arn), name: p.name }))
    .filter(({ p, count }) => p.path.startsWith(prefix) && (!onlyAttached || count > 0))
    .sort(byName);
  const { page, more } = paginate(policies, params);
  return { Policies: page.map(({ p, count }) => policyShape(p, count, false)), ...more };
};

export const managedPolicyOperations: Record<string, Operation> = {
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  DeletePolicy: deletePolicy,
  ListPolicies: listPolicies,
};

export const managedPolicyReadOnly = ['GetPolicy', 'GetPolicyVersion', 'ListPolicies'];
