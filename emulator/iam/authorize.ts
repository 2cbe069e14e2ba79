import { queryAccessDenied, requireAccess } from '../core/authorize.js';
import type { CallContext } from '../core/service.js';
import { accessDeniedMessage } from '../policy/message.js';

/** What an IAM action is evaluated against, and how AWS names it in an access-denied message. */
export interface IamTarget {
  /** The resource ARN policies are matched against. */
  arn: string;
  /**
   * How the message names it when that differs from the ARN. AWS writes an existing user or role as
   * "user NAME" / "role NAME" (iam:GetUser … on resource: user rancher-cloud-credential-user,
   * github.com/aws-samples/rancher-on-aws-workshop/issues/28; iam:AttachRolePolicy … on resource: role
   * edapc5-RoleHeadNode-…, github.com/aws/aws-parallelcluster-ui/issues/246) but one being created by
   * its ARN (iam:CreateUser … on resource: arn:aws:iam::807078899029:user/demo-boundary-e2e-DXqX0,
   * github.com/hashicorp/boundary/pull/4287), and ListPolicies as "policy path /"
   * (github.com/aws/aws-sam-cli/issues/394).
   */
  shown?: string;
}

export const existingUser = (arn: string, name: string): IamTarget => ({ arn, shown: `user ${name}` });
export const existingRole = (arn: string, name: string): IamTarget => ({ arn, shown: `role ${name}` });

/**
 * Every IAM call is authorized for the caller against its own account's identity policies (IAM has
 * no resource policies); the account root may do everything. Denial: 403 AccessDenied with IAM's text,
 * e.g. "User: <arn> is not authorized to perform: iam:CreateUser on resource: <arn> because no
 * identity-based policy allows the iam:CreateUser action".
 */
export function authorizeIam(ctx: CallContext, action: string, target: IamTarget): void {
  requireAccess(
    ctx,
    { action: `iam:${action}`, resource: target.arn, resourceAccount: ctx.principal.accountId, mode: 'none' },
    (message, result) => {
      if (!target.shown) return queryAccessDenied(message, result);
      const shown = accessDeniedMessage({ ...result.request, resource: target.shown }, result.decision);
      return queryAccessDenied(shown, result);
    },
  );
}
