import type { CallContext, Operation } from '../core/service.js';
import { uniqueId } from '../core/ids.js';
import type { IamRole } from '../identity/model.js';
import { requireParam } from '../protocols/query.js';
import { roleArn } from './arns.js';
import { authorizeIam, existingRole } from './authorize.js';
import { wholeSeconds } from './cloudtrail-date.js';
import { audit, byName, callerAccount, defined, findByName, paginate } from './common.js';
import { alreadyExists, deleteConflict, noSuchRole } from './errors.js';
import { checkTrustPolicy, checkTrustPolicySize } from './policy-documents.js';
import { roleAudit, roleShape, tagShapes, tagsAudit } from './shapes.js';
import { mergeTags, removeTags } from './users.js';
import { readDescription, readMaxSessionDuration, readPath, readPathPrefix, readStringList, readTags, requireName } from './validation.js';

/** "Default: 3600" (IAM API reference, CreateRole MaxSessionDuration). */
const DEFAULT_MAX_SESSION = 3600;

/** The named role of the caller's account, authorized first. */
export function authorizedRole(ctx: CallContext, action: string, name: string): IamRole {
  const role = findByName(callerAccount(ctx).roles, name);
  const arn = role?.arn ?? roleArn(ctx.principal.accountId, '/', name);
  authorizeIam(ctx, action, existingRole(arn, role?.name ?? name));
  if (!role) throw noSuchRole(name);
  return role;
}

const createRole: Operation = async (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  const trust = String(requireParam(params, 'AssumeRolePolicyDocument'));
  const path = readPath(params);
  const description = readDescription(params);
  const maxSessionDuration = readMaxSessionDuration(params);
  const tags = readTags(params);
  const account = callerAccount(ctx);
  const arn = roleArn(account.id, path, name);
  audit(
    ctx,
    defined({
      roleName: name,
      path: params.Path,
      assumeRolePolicyDocument: trust,
      description,
      maxSessionDuration,
      tags: tags.length > 0 ? tagsAudit(tags) : undefined,
    }),
  );
  authorizeIam(ctx, 'CreateRole', { arn });
  if (findByName(account.roles, name)) throw alreadyExists(`Role with name ${name} already exists.`);
  checkTrustPolicySize(trust);
  await checkTrustPolicy(trust, ctx.emulator.identity);
  const role: IamRole = {
    name,
    path,
    roleId: uniqueId('AROA'),
    arn,
    createDate: wholeSeconds(ctx.now),
    assumeRolePolicyDocument: trust,
    ...(description !== undefined ? { description } : {}),
    maxSessionDuration: maxSessionDuration ?? DEFAULT_MAX_SESSION,
    inlinePolicies: new Map(),
    attachedPolicies: new Set(),
    tags,
  };
  account.roles.set(name, role);
  ctx.audit.responseElements = { role: roleAudit(role) };
  return { Role: roleShape(role, 'create') };
};

const getRole: Operation = (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  audit(ctx, { roleName: name });
  return { Role: roleShape(authorizedRole(ctx, 'GetRole', name), 'get') };
};

const deleteRole: Operation = (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  audit(ctx, { roleName: name });
  const role = authorizedRole(ctx, 'DeleteRole', name);
  // moto checks managed before inline attachments for roles (moto/iam/models.py delete_role); AWS's
  // order is not documented.
  if (role.attachedPolicies.size > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  if (role.inlinePolicies.size > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
  callerAccount(ctx).roles.delete(role.name);
  return undefined;
};

const listRoles: Operation = (params, ctx) => {
  const prefix = readPathPrefix(params);
  audit(ctx, defined({ pathPrefix: params.PathPrefix, marker: params.Marker, maxItems: params.MaxItems }));
  authorizeIam(ctx, 'ListRoles', { arn: `arn:aws:iam::${ctx.principal.accountId}:role${prefix}` });
  const roles = [...callerAccount(ctx).roles.values()].filter((r) => r.path.startsWith(prefix)).sort(byName);
  const { page, more } = paginate(roles, params);
  return { Roles: page.map((r) => roleShape(r, 'list')), ...more };
};

const updateAssumeRolePolicy: Operation = async (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  const document = String(requireParam(params, 'PolicyDocument'));
  audit(ctx, { roleName: name, policyDocument: document });
  const role = authorizedRole(ctx, 'UpdateAssumeRolePolicy', name);
  checkTrustPolicySize(document);
  await checkTrustPolicy(document, ctx.emulator.identity);
  role.assumeRolePolicyDocument = document;
  return undefined;
};

const updateRole: Operation = (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  const description = readDescription(params);
  const maxSessionDuration = readMaxSessionDuration(params);
  audit(ctx, defined({ roleName: name, description, maxSessionDuration }));
  const role = authorizedRole(ctx, 'UpdateRole', name);
  if (description !== undefined) role.description = description;
  if (maxSessionDuration !== undefined) role.maxSessionDuration = maxSessionDuration;
  // UpdateRole has an empty result element, unlike the operations that have none.
  return {};
};

const tagRole: Operation = (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  const tags = readTags(params);
  audit(ctx, { roleName: name, tags: tagsAudit(tags) });
  const role = authorizedRole(ctx, 'TagRole', name);
  role.tags = mergeTags(role.tags, tags);
  return undefined;
};

const untagRole: Operation = (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  const keys = readStringList(params, 'TagKeys');
  audit(ctx, { roleName: name, tagKeys: keys });
  const role = authorizedRole(ctx, 'UntagRole', name);
  role.tags = removeTags(role.tags, keys);
  return undefined;
};

const listRoleTags: Operation = (params, ctx) => {
  const name = requireName(params, 'RoleName', 'roleName');
  audit(ctx, { roleName: name });
  const role = authorizedRole(ctx, 'ListRoleTags', name);
  const { page, more } = paginate(role.tags, params);
  return { Tags: tagShapes(page), ...more };
};

export const roleOperations: Record<string, Operation> = {
  CreateRole: createRole,
  GetRole: getRole,
  DeleteRole: deleteRole,
  ListRoles: listRoles,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  UpdateRole: updateRole,
  TagRole: tagRole,
  UntagRole: untagRole,
  ListRoleTags: listRoleTags,
};

export const roleReadOnly = ['GetRole', 'ListRoles', 'ListRoleTags'];
