import type { CallContext, Operation } from '../core/service.js';
import type { IamRole, IamUser } from '../identity/model.js';
import { requireParam } from '../protocols/query.js';
import { paginate, audit } from './common.js';
import { iamEncode } from './encoding.js';
import { noSuchEntity } from './errors.js';
import { checkIdentityPolicy, checkInlineAggregate } from './policy-documents.js';
import { authorizedRole } from './roles.js';
import { authorizedUser } from './users.js';
import { requireName } from './validation.js';

/**
 * Put/Get/Delete/List{User,Role}Policy: policies embedded in one user or role. The same four
 * operations for both kinds of holder, told apart by these few facts.
 */
interface Holder {
  kind: 'user' | 'role';
  /** 'User' → UserName, PutUserPolicy … */
  noun: 'User' | 'Role';
  find: (ctx: CallContext, action: string, name: string) => IamUser | IamRole;
}

const holders: Holder[] = [
  { kind: 'user', noun: 'User', find: authorizedUser },
  { kind: 'role', noun: 'Role', find: authorizedRole },
];

function operationsFor(h: Holder): Record<string, Operation> {
  const nameParam = `${h.noun}Name`;
  const nameField = h.kind === 'user' ? 'userName' : 'roleName';
  const missing = (policy: string) => noSuchEntity(`The ${h.kind} policy with name ${policy} cannot be found.`);

  const put: Operation = async (params, ctx) => {
    const holderName = requireName(params, nameParam, nameField);
    const policyName = requireName(params, 'PolicyName', 'policyName');
    const document = String(requireParam(params, 'PolicyDocument'));
    audit(ctx, { [nameField]: holderName, policyName, policyDocument: document });
    const holder = h.find(ctx, `Put${h.noun}Policy`, holderName);
    await checkIdentityPolicy(document);
    const after = new Map(holder.inlinePolicies).set(policyName, document);
    checkInlineAggregate(h.kind, holder.name, after.values());
    holder.inlinePolicies.set(policyName, document);
    return undefined;
  };

  const get: Operation = (params, ctx) => {
    const holderName = requireName(params, nameParam, nameField);
    const policyName = requireName(params, 'PolicyName', 'policyName');
    audit(ctx, { [nameField]: holderName, policyName });
    const holder = h.find(ctx, `Get${h.noun}Policy`, holderName);
    const document = holder.inlinePolicies.get(policyName);
    if (document === undefined) throw missing(policyName);
    return { [nameParam]: holder.name, PolicyName: policyName, PolicyDocument: iamEncode(document) };
  };

  const del: Operation = (params, ctx) => {
    const holderName = requireName(params, nameParam, nameField);
    const policyName = requireName(params, 'PolicyName', 'policyName');
    audit(ctx, { [nameField]: holderName, policyName });
    const holder = h.find(ctx, `Delete${h.noun}Policy`, holderName);
    if (!holder.inlinePolicies.delete(policyName)) throw missing(policyName);
    return undefined;
  };

  const list: Operation = (params, ctx) => {
    const holderName = requireName(params, nameParam, nameField);
    audit(ctx, { [nameField]: holderName });
    const holder = h.find(ctx, `List${h.noun}Policies`, holderName);
    const { page, more } = paginate([...holder.inlinePolicies.keys()].sort(), params);
    return { PolicyNames: page, ...more };
  };

  return {
    [`Put${h.noun}Policy`]: put,
    [`Get${h.noun}Policy`]: get,
    [`Delete${h.noun}Policy`]: del,
    [`List${h.noun}Policies`]: list,
  };
}

export const inlinePolicyOperations: Record<string, Operation> = Object.assign({}, ...holders.map(operationsFor));

export const inlinePolicyReadOnly = ['GetUserPolicy', 'ListUserPolicies', 'GetRolePolicy', 'ListRolePolicies'];
