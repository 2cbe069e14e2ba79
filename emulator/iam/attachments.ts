import type { CallContext, Operation } from '../core/service.js';
import type { IamRole, IamUser } from '../identity/model.js';
import { audit, paginate } from './common.js';
import { limitExceeded, noSuchEntity } from './errors.js';
import { readPolicyArn, visiblePolicy } from './managed-policies.js';
import { authorizedRole } from './roles.js';
import { authorizedUser } from './users.js';
import { readPathPrefix, requireName } from './validation.js';

/**
 * Attach/Detach/ListAttached{User,Role}Policies: managed policies (the account's own and AWS's,
 * arn:aws:iam::aws:policy/…) attached to a user or role. IAM quota: ten managed policies per user or role.
 * Texts: "Policy <arn> does not exist or is not attachable." (localstack IAM snapshot,
 * test_role_attach_policy / test_user_attach_policy); NoSuchEntity "Policy <arn> was not found." when
 * detaching one that is not attached (the NoSuchEntity code: github.com/gruntwork-io/cloud-nuke/issues/972;
 * the sentence as moto and GetPolicy word it); "Cannot exceed quota for PoliciesPerUser: 10" /
 * "PoliciesPerRole" (IAM quota names).
 */
interface Holder {
  kind: 'user' | 'role';
  noun: 'User' | 'Role';
  find: (ctx: CallContext, action: string, name: string) => IamUser | IamRole;
}

const MAX_ATTACHED = 10;

const holders: Holder[] = [
  { kind: 'user', noun: 'User', find: authorizedUser },
  { kind: 'role', noun: 'Role', find: authorizedRole },
];

function operationsFor(h: Holder): Record<string, Operation> {
  const nameParam = `${h.noun}Name`;
  const nameField = h.kind === 'user' ? 'userName' : 'roleName';

  const attach: Operation = (params, ctx) => {
    const holderName = requireName(params, nameParam, nameField);
    const arn = readPolicyArn(params);
    audit(ctx, { [nameField]: holderName, policyArn: arn });
    const holder = h.find(ctx, `Attach${h.noun}Policy`, holderName);
    if (!visiblePolicy(ctx, arn)) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    if (!holder.attachedPolicies.has(arn) && holder.attachedPolicies.size >= MAX_ATTACHED) {
      throw limitExceeded(`Cannot exceed quota for PoliciesPer${h.noun}: ${MAX_ATTACHED}`);
    }
    holder.attachedPolicies.add(arn);
    return undefined;
  };

  const detach: Operation = (params, ctx) => {
    const holderName = requireName(params, nameParam, nameField);
    const arn = readPolicyArn(params);
    audit(ctx, { [nameField]: holderName, policyArn: arn });
    const holder = h.find(ctx, `Detach${h.noun}Policy`, holderName);
    if (!holder.attachedPolicies.delete(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
    return undefined;
  };

  const list: Operation = (params, ctx) => {
    const holderName = requireName(params, nameParam, nameField);
    const prefix = readPathPrefix(params);
    audit(ctx, { [nameField]: holderName });
    const holder = h.find(ctx, `ListAttached${h.noun}Policies`, holderName);
    const attached = [...holder.attachedPolicies]
      .map((arn) => ctx.emulator.identity.managedPolicy(arn))
      .filter((p) => p !== undefined && p.path.startsWith(prefix))
      .map((p) => ({ PolicyName: p!.name, PolicyArn: p!.arn }))
      .sort((a, b) => a.PolicyName.localeCompare(b.PolicyName));
    const { page, more } = paginate(attached, params);
    return { AttachedPolicies: page, ...more };
  };

  return {
    [`Attach${h.noun}Policy`]: attach,
    [`Detach${h.noun}Policy`]: detach,
    [`ListAttached${h.noun}Policies`]: list,
  };
}

export const attachmentOperations: Record<string, Operation> = Object.assign({}, ...holders.map(operationsFor));

export const attachmentReadOnly = ['ListAttachedUserPolicies', 'ListAttachedRolePolicies'];
