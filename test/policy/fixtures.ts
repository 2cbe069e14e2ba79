import { ANONYMOUS, servicePrincipal } from '../../emulator/core/principal.js';
import type { Principal } from '../../emulator/core/principal.js';
import { evaluate } from '../../emulator/policy/evaluate.js';
import type { AuthzRequest, ContextValue, Decision, NamedPolicy, PolicyDocument, ResourcePolicyMode, Statement } from '../../emulator/policy/types.js';

/** Shared people and documents for the policy specs. Account A owns the resources; B is "the other account". */
export const A = '111122223333';
export const B = '444455556666';
export const REGION = 'us-east-1';
export const KEY_ARN = `arn:aws:kms:${REGION}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const NOW = new Date('2026-03-01T12:00:00Z');

export function root(account: string): Principal {
  return { kind: 'root', accountId: account, arn: `arn:aws:iam::${account}:root`, principalId: account };
}

export function user(account: string, name: string, path = '/'): Principal {
  return {
    kind: 'user',
    accountId: account,
    arn: `arn:aws:iam::${account}:user${path}${name}`,
    principalId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`,
    userName: name,
  };
}

export function session(account: string, roleName: string, sessionName: string, path = '/'): Principal {
  const roleId = `AROA${roleName.toUpperCase().padEnd(17, 'X')}`;
  return {
    kind: 'assumed-role',
    accountId: account,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    principalId: `${roleId}:${sessionName}`,
    role: { arn: `arn:aws:iam::${account}:role${path}${roleName}`, name: roleName, roleId, accountId: account },
    sessionName,
    sessionIssuedAt: new Date('2026-03-01T11:00:00Z'),
  };
}

export const anonymous = ANONYMOUS;
export const cloudtrail = servicePrincipal('cloudtrail.amazonaws.com');

export const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
export const named = (name: string, ...statements: Statement[]): NamedPolicy => ({ name, document: doc(...statements) });

/** An identity policy allowing `actions` on `resource`. */
export const allowing = (actions: string | string[], resource: string | string[] = '*', name = 'Inline'): NamedPolicy =>
  named(name, { Sid: 'AllowIt', Effect: 'Allow', Action: actions, Resource: resource });

export const KEY_ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
  'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
];
export const KEY_USER_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

/** The console's default key policy (aws-behaviour.md §A.2), statements 1–3. */
export function consoleKeyPolicy(opts: { account?: string; admins?: string[]; users?: string[]; rootStatement?: boolean } = {}): PolicyDocument {
  const account = opts.account ?? A;
  const statements: Statement[] = [];
  if (opts.rootStatement ?? true) {
    statements.push({ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' });
  }
  if (opts.admins?.length) {
    statements.push({ Sid: 'Allow access for Key Administrators', Effect: 'Allow', Principal: { AWS: opts.admins }, Action: KEY_ADMIN_ACTIONS, Resource: '*' });
  }
  if (opts.users?.length) {
    statements.push({ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: opts.users }, Action: KEY_USER_ACTIONS, Resource: '*' });
  }
  return { Version: '2012-10-17', Id: 'key-consolepolicy-3', Statement: statements };
}

export interface Scenario {
  principal: Principal;
  action: string;
  resource?: string;
  resourceAccount?: string;
  identity?: NamedPolicy[];
  resourcePolicy?: PolicyDocument;
  mode?: ResourcePolicyMode;
  context?: Record<string, ContextValue | undefined>;
}

export function request(s: Scenario): AuthzRequest {
  return {
    principal: s.principal,
    action: s.action,
    resource: s.resource ?? KEY_ARN,
    resourceAccount: s.resourceAccount ?? A,
    ...(s.context ? { context: s.context } : {}),
  };
}

/** Evaluates a scenario at a fixed clock (defaults: the key in account A, mode 'kms-key'). */
export function decide(s: Scenario): Decision {
  return evaluate(request(s), { identity: s.identity ?? [], resource: s.resourcePolicy, mode: s.mode ?? 'kms-key' }, { now: NOW });
}

/**
 * Does `Condition` hold for this request context? Asked through the public API: an identity policy
 * whose only statement is guarded by the condition, evaluated for an IAM user.
 */
export function conditionHolds(
  condition: Record<string, Record<string, unknown>>,
  context: Record<string, ContextValue | undefined> = {},
  principal: Principal = user(A, 'alice'),
): boolean {
  const statement = { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: condition } as Statement;
  return decide({ principal, action: 'kms:Encrypt', identity: [named('Guarded', statement)], mode: 'none', context }).allowed;
}
