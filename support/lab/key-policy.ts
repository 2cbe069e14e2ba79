/**
 * Key policies as the KMS console writes them (Id key-consolepolicy-3, the lab's own policy), so the lab's
 * lesson — the key policy decides who may use a key — is tested with the policy a learner actually gets.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { AWS?: string | string[]; Service?: string | string[] } | '*';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface KeyPolicyDocument {
  Id?: string;
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export const SID_ROOT = 'Enable IAM User Permissions';
export const SID_ADMINS = 'Allow access for Key Administrators';
export const SID_USERS = 'Allow use of the key';
export const SID_GRANTS = 'Allow attachment of persistent resources';

/** The console's key administrator actions (as in the lab's policy, including RotateKeyOnDemand). */
export const KEY_ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
  'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand',
];

/** The console's key user actions for a symmetric encryption key. */
export const KEY_USER_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

const GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

/**
 * console: account root (delegates to IAM) + key administrators (+ key users when there are any).
 * administrators-only: only the key administrators statement, so IAM policies cannot grant use of the key.
 */
export type KeyPolicyKind = 'console' | 'administrators-only';

const one = (arns: string[]): string | string[] => (arns.length === 1 ? arns[0]! : arns);

export function labKeyPolicy(kind: KeyPolicyKind, accountId: string, admins: string[], users: string[] = []): KeyPolicyDocument {
  const statements: PolicyStatement[] = [];
  if (kind === 'console') {
    statements.push({ Sid: SID_ROOT, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' });
  }
  if (admins.length > 0) statements.push({ Sid: SID_ADMINS, Effect: 'Allow', Principal: { AWS: one(admins) }, Action: KEY_ADMIN_ACTIONS, Resource: '*' });
  const doc: KeyPolicyDocument = { Id: kind === 'console' ? 'key-consolepolicy-3' : 'kms-lab-administrators-only', Version: '2012-10-17', Statement: statements };
  return users.length > 0 ? withKeyUsers(doc, users) : doc;
}

export function principalsOf(s: PolicyStatement): string[] {
  if (s.Principal === '*') return ['*'];
  const aws = s.Principal?.AWS;
  return aws === undefined ? [] : Array.isArray(aws) ? aws : [aws];
}

export function actionsOf(s: PolicyStatement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

/** The key users statements with exactly `users` as principals (none = the statements are removed). */
export function withKeyUsers(doc: KeyPolicyDocument, users: string[]): KeyPolicyDocument {
  const rest = doc.Statement.filter((s) => s.Sid !== SID_USERS && s.Sid !== SID_GRANTS);
  if (users.length === 0) return { ...doc, Statement: rest };
  return {
    ...doc,
    Statement: [
      ...rest,
      { Sid: SID_USERS, Effect: 'Allow', Principal: { AWS: one(users) }, Action: KEY_USER_ACTIONS, Resource: '*' },
      { Sid: SID_GRANTS, Effect: 'Allow', Principal: { AWS: one(users) }, Action: GRANT_ACTIONS, Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
    ],
  };
}

export function keyUsersOf(doc: KeyPolicyDocument): string[] {
  return doc.Statement.filter((s) => s.Sid === SID_USERS).flatMap(principalsOf);
}

/** Statements are found by Sid: AWS may reorder keys or turn a one-element array into a string, never the Sid. */
export function statementBySid(doc: KeyPolicyDocument, sid: string): PolicyStatement | undefined {
  return doc.Statement.find((s) => s.Sid === sid);
}
