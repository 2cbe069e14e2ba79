import type { Principal } from '../core/principal.js';

/**
 * Principal / NotPrincipal in resource policies.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *
 * - 'direct': the statement names this caller (user ARN, role ARN for any of its sessions, the exact
 *   session ARN, a service principal, or `*`). It grants on its own.
 * - 'account': the statement names the caller's account (`ACCT` or `arn:aws:iam::ACCT:root`).
 *   "It allows the account to use IAM policies to delegate the permissions" — it grants nothing to an
 *   IAM user or role unless their identity policies also allow (KMS developer guide,
 *   key-policy-default.html; the same rule applies to role trust policies and, for cross-account
 *   access, to every resource policy).
 * - 'none'.
 * Wildcards other than a lone `*` are not supported in Principal by AWS, so ARNs compare exactly.
 */
export type PrincipalMatch = 'direct' | 'account' | 'none';

const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;
const ACCOUNT_ID = /^\d{12}$/;

/** The account a principal value names at account level, if it does. */
export function accountOf(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return value;
  return ROOT_ARN.exec(value)?.[1];
}

function principalValues(element: unknown): { star: boolean; byType: Map<string, string[]> } {
  const byType = new Map<string, string[]>();
  if (element === '*') return { star: true, byType };
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return { star: false, byType };
  for (const [type, raw] of Object.entries(element as Record<string, unknown>)) {
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    byType.set(type, values);
  }
  // `"Principal": "*"` and `{"AWS": "*"}` are equivalent: everyone, including anonymous callers.
  return { star: byType.get('AWS')?.includes('*') ?? false, byType };
}

function awsValueMatch(value: string, p: Principal): PrincipalMatch {
  if (value === '*') return 'direct';
  if (p.kind === 'anonymous' || p.kind === 'service') return 'none';
  const account = accountOf(value);
  if (account !== undefined) return account === p.accountId ? 'account' : 'none';
  switch (p.kind) {
    case 'user':
      return value === p.arn || value === p.principalId ? 'direct' : 'none';
    case 'assumed-role':
      // A role ARN covers every session of the role; a session ARN only itself.
      return value === p.arn || value === p.role?.arn || value === p.role?.roleId ? 'direct' : 'none';
    default:
      return 'none';
  }
}

function serviceValueMatch(value: string, p: Principal): boolean {
  return p.kind === 'service' && value.toLowerCase() === (p.servicePrincipal ?? p.arn).toLowerCase();
}

export function matchPrincipal(element: unknown, p: Principal): PrincipalMatch {
  const { star, byType } = principalValues(element);
  if (star) return 'direct';
  let best: PrincipalMatch = 'none';
  for (const value of byType.get('AWS') ?? []) {
    const m = awsValueMatch(value, p);
    if (m === 'direct') return 'direct';
    if (m === 'account') best = 'account';
  }
  for (const value of byType.get('Service') ?? []) if (serviceValueMatch(value, p)) return 'direct';
  // Federated and CanonicalUser principals never sign requests in this emulator.
  return best;
}

/**
 * NotPrincipal: the statement applies unless the caller is excluded. AWS checks the caller at every
 * level — "AWS verifies the account first, then the role, and then the assumed-role user" — so an
 * exclusion holds only when the list names the caller's account AND the caller itself (the user, or the
 * role or its session). Naming just a user still applies the statement to that user.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 */
export function matchNotPrincipal(element: unknown, p: Principal): PrincipalMatch {
  const { star, byType } = principalValues(element);
  if (star) return 'none';
  const aws = byType.get('AWS') ?? [];
  let excluded: boolean;
  switch (p.kind) {
    case 'anonymous':
      excluded = false;
      break;
    case 'service':
      excluded = (byType.get('Service') ?? []).some((v) => serviceValueMatch(v, p));
      break;
    case 'root':
      excluded = aws.some((v) => accountOf(v) === p.accountId);
      break;
    default:
      excluded = aws.some((v) => accountOf(v) === p.accountId) && aws.some((v) => awsValueMatch(v, p) === 'direct');
  }
  return excluded ? 'none' : 'direct';
}
