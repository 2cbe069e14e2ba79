import type { Operation } from '../core/service.js';

/**
 * "No permissions are required to perform this operation. If an administrator attaches a policy to
 * your identity that explicitly denies access to the sts:GetCallerIdentity action, you can still
 * perform this operation" (STS API reference). So: no authorization at all.
 * UserId is the account id for the root, AIDA… for a user and AROA…:session for an assumed role;
 * Arn is the root, user or arn:aws:sts::ACCT:assumed-role/ROLE/SESSION (aws-behaviour.md §D; root as
 * captured in github.com/kubeflow/testing/pull/961).
 */
export const getCallerIdentity: Operation = (_params, ctx) => {
  ctx.audit.requestParameters = null;
  ctx.audit.responseElements = null;
  const p = ctx.principal;
  return { UserId: p.principalId, Account: p.accountId, Arn: p.arn };
};
