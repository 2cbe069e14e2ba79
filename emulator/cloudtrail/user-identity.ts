import type { Principal } from '../core/principal.js';

/**
 * CloudTrail's `userIdentity` element for each kind of caller, with fields in the order AWS writes them.
 * Sources:
 * - docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 *   (types Root / IAMUser / AssumedRole / AWSAccount / AWSService; `invokedBy` "is only present when a request
 *   is made by an AWS service"; `userName` absent for Root without alias and for AssumedRole).
 * - The lab's real record (/work/shared/seed/000_ceabfa6cfed72b48.txt): AssumedRole with `sessionContext`
 *   = `sessionIssuer` then `attributes` {`creationDate`, `mfaAuthenticated`}, no `webIdFederationData`; the
 *   anonymous caller is `{"type":"AWSAccount","principalId":"","accountId":"anonymous"}`.
 * - KMS-DG (deleting-keys-determining-usage): a call S3 makes for a user keeps the user's identity and adds
 *   `invokedBy` as the last member.
 */
export interface UserIdentity {
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSAccount' | 'AWSService';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: {
    sessionIssuer: { type: 'Role'; principalId: string; arn: string; accountId: string; userName: string };
    attributes: { creationDate: string; mfaAuthenticated: 'false' | 'true' };
  };
  invokedBy?: string;
}

/** CloudTrail times: ISO 8601 UTC to the second, e.g. 2025-05-07T01:46:33Z. */
export const ctTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function userIdentity(p: Principal, invokedBy?: string): UserIdentity {
  const base = identityOf(p);
  if (invokedBy && base.type !== 'AWSService') base.invokedBy = invokedBy;
  return base;
}

function identityOf(p: Principal): UserIdentity {
  switch (p.kind) {
    case 'root':
      return { type: 'Root', principalId: p.accountId, arn: p.arn, accountId: p.accountId, ...key(p) };
    case 'user':
      return { type: 'IAMUser', principalId: p.principalId, arn: p.arn, accountId: p.accountId, ...key(p), userName: p.userName };
    case 'assumed-role': {
      const role = p.role;
      const id: UserIdentity = { type: 'AssumedRole', principalId: p.principalId, arn: p.arn, accountId: p.accountId, ...key(p) };
      if (role) {
        id.sessionContext = {
          sessionIssuer: { type: 'Role', principalId: role.roleId, arn: role.arn, accountId: role.accountId, userName: role.name },
          attributes: { creationDate: ctTime(p.sessionIssuedAt ?? new Date(0)), mfaAuthenticated: 'false' },
        };
      }
      return id;
    }
    case 'anonymous':
      return { type: 'AWSAccount', principalId: '', accountId: 'anonymous' };
    case 'service':
      return { type: 'AWSService', invokedBy: p.servicePrincipal ?? p.arn };
  }
}

const key = (p: Principal): { accessKeyId?: string } => (p.accessKeyId ? { accessKeyId: p.accessKeyId } : {});

/**
 * LookupEvents' `Username`: the IAM user name, the role session name for assumed roles ("LookupEvents
 * `Username` for assumed roles is the session name" — aws-behaviour.md §D), `root` for the root user.
 */
export function lookupUsername(p: Principal): string | undefined {
  switch (p.kind) {
    case 'root': return 'root';
    case 'user': return p.userName;
    case 'assumed-role': return p.sessionName ?? p.principalId.split(':')[1];
    case 'service': return p.servicePrincipal;
    case 'anonymous': return 'anonymous';
  }
}
