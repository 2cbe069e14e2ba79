/**
 * Who is calling, once SigV4 has been verified (or found absent, for S3's anonymous principal).
 * Everything downstream — policy evaluation, error messages, CloudTrail's userIdentity — reads this.
 */
export type PrincipalKind = 'root' | 'user' | 'assumed-role' | 'anonymous' | 'service';

export interface Principal {
  kind: PrincipalKind;
  /** Account the principal belongs to; 'anonymous' for the anonymous principal (CloudTrail's spelling). */
  accountId: string;
  /** arn:aws:iam::ACCT:root | arn:aws:iam::ACCT:user/path/name | arn:aws:sts::ACCT:assumed-role/ROLE/SESSION | '*' (anonymous) */
  arn: string;
  /** ACCT (root) | AIDA… (user) | AROA…:SESSION (assumed role) */
  principalId: string;
  userName?: string;
  /** For assumed-role sessions: the role being assumed (its ARN keeps the role's path; the session ARN does not). */
  role?: { arn: string; name: string; roleId: string; accountId: string };
  sessionName?: string;
  /** When the session's credentials were issued (CloudTrail sessionContext.attributes.creationDate). */
  sessionIssuedAt?: Date;
  /** The access key the request was signed with, if any. */
  accessKeyId?: string;
  /** For AWS service principals, e.g. 'cloudtrail.amazonaws.com'. */
  servicePrincipal?: string;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  accountId: 'anonymous',
  arn: '*',
  principalId: 'anonymous',
}) as Principal;

export function servicePrincipal(service: string): Principal {
  return { kind: 'service', accountId: '', arn: service, principalId: service, servicePrincipal: service };
}
