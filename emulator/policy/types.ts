import type { Principal } from '../core/principal.js';

/**
 * The IAM policy language, as documents arrive from callers. Element values are loosely typed on
 * purpose: policies are user input, and evaluation must survive a malformed one (validate.ts is
 * where malformed documents are reported).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Statement | Statement[];
}

export type OneOrMany<T> = T | T[];

/** `"*"` or `{"AWS": …, "Service": …, "Federated": …, "CanonicalUser": …}`. */
export type PrincipalElement = '*' | Partial<Record<'AWS' | 'Service' | 'Federated' | 'CanonicalUser', OneOrMany<string>>>;

export type ConditionValue = string | number | boolean;
/** `{ operator: { conditionKey: value | value[] } }` */
export type ConditionBlock = Record<string, Record<string, OneOrMany<ConditionValue>>>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Condition?: ConditionBlock;
}

/** name = inline policy name or managed policy ARN */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export type ContextValue = string | number | boolean | Date | Array<string | number | boolean>;

export interface AuthzRequest {
  principal: Principal;
  /** 'kms:Encrypt' */
  action: string;
  /** Full ARN (arn:aws:kms:us-east-1:000000000000:key/<uuid>, arn:aws:s3:::bucket/key) or '*'. */
  resource: string;
  /** Account owning the resource ('' for none). */
  resourceAccount: string;
  /**
   * Request condition keys; names are case-insensitive. An array is a multi-valued key
   * (kms:EncryptionContextKeys); `undefined` means the key is absent from the request.
   */
  context?: Record<string, ContextValue | undefined>;
}

/**
 * How the resource's own policy takes part:
 * - 'none': the resource type has no resource policy (iam:CreateUser …) — identity policies only.
 * - 'standard': optional resource policy that can grant on its own (S3 bucket policy).
 * - 'kms-key': the key policy is required; naming the account delegates to IAM.
 * - 'role-trust': sts:AssumeRole against a role's trust policy; same rules as 'kms-key'.
 */
export type ResourcePolicyMode = 'none' | 'standard' | 'kms-key' | 'role-trust';

export type PolicyType = 'identity-based' | 'resource-based';

export interface DecidingStatement {
  policyType: PolicyType;
  /** Identity policies only: inline policy name or managed policy ARN. */
  policyName?: string;
  sid?: string;
  /** 0-based statement index within its policy. */
  index: number;
}

export interface Decision {
  allowed: boolean;
  effect: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  /** For Allow the granting statement(s); for ExplicitDeny the denying one; empty for ImplicitDeny. */
  deciding: DecidingStatement[];
  /** For denials, which side failed — picks AWS's message. */
  deniedBy?: PolicyType;
  /**
   * AWS's message suffix, exactly: `because no identity-based policy allows the kms:Decrypt action`,
   * `with an explicit deny in an identity-based policy`, `with an explicit deny in a resource-based policy`.
   * Empty when allowed.
   */
  reason: string;
}

export interface EvaluationPolicies {
  identity: NamedPolicy[];
  resource?: PolicyDocument;
  mode: ResourcePolicyMode;
}
