import type { Principal } from '../core/principal.js';

export interface Tag { Key: string; Value: string }

export interface IamUser {
  name: string;
  path: string;
  userId: string;
  arn: string;
  createDate: Date;
  inlinePolicies: Map<string, string>;
  attachedPolicies: Set<string>;
  tags: Tag[];
}

export interface IamRole {
  name: string;
  path: string;
  roleId: string;
  arn: string;
  createDate: Date;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  inlinePolicies: Map<string, string>;
  attachedPolicies: Set<string>;
  tags: Tag[];
}

export interface PolicyVersion { versionId: string; document: string; createDate: Date; isDefaultVersion: boolean }

export interface ManagedPolicy {
  arn: string;
  name: string;
  path: string;
  policyId: string;
  description?: string;
  createDate: Date;
  updateDate: Date;
  defaultVersionId: string;
  versions: PolicyVersion[];
  tags: Tag[];
}

/** Long-term keys: the root's bootstrap keys and IAM users' keys. */
export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** undefined for the account root's keys. */
  userName?: string;
  status: 'Active' | 'Inactive';
  createDate: Date;
}

/** Temporary credentials issued by STS. */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: Date;
  principal: Principal;
  /** Inline session policy passed to AssumeRole (further restricts the role's permissions). */
  sessionPolicy?: string;
}

export interface Account {
  id: string;
  /** When the account was made; IAM GetUser shows it as the root's CreateDate. */
  createDate?: Date;
  users: Map<string, IamUser>;
  roles: Map<string, IamRole>;
  /** Customer managed policies by ARN. */
  policies: Map<string, ManagedPolicy>;
}
