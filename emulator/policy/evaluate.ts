import { buildContext } from './context.js';
import { matchDocument } from './statement.js';
import type { StatementMatch } from './statement.js';
import type { AuthzRequest, DecidingStatement, Decision, EvaluationPolicies, PolicyType } from './types.js';

/**
 * AWS's policy evaluation logic for one request, reduced to what this emulator has: identity policies,
 * one resource policy (bucket policy, key policy or role trust policy), explicit deny, and the
 * account boundary.
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *   (an explicit deny in any policy wins; same-account access needs an allow from the identity OR the
 *   resource policy; reference_policies_evaluation-logic-cross-account.html: cross-account access needs
 *   both)
 * - https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html: "Unless the key policy
 *   explicitly allows it, you cannot use IAM policies to allow access to a KMS key"; a key policy that
 *   names a principal directly needs no IAM policy (same account); naming the account (…:root)
 *   delegates to IAM.
 * - Role trust policies follow the KMS shape: naming the principal grants, naming the account delegates.
 *
 * The root user has no identity policies but every permission in them; the anonymous caller and AWS
 * service principals have no identity side at all, so only a resource policy can let them in.
 */
export function evaluate(req: AuthzRequest, policies: EvaluationPolicies, options: { now?: Date } = {}): Decision {
  const ctx = buildContext(req, options.now);
  const p = req.principal;
  const mode = policies.mode;

  const identityMatches: Array<StatementMatch & { policyName: string }> = [];
  if (p.kind === 'user' || p.kind === 'assumed-role') {
    for (const named of policies.identity) {
      for (const m of matchDocument(named.document, req, ctx, { side: 'identity', mode })) identityMatches.push({ ...m, policyName: named.name });
    }
  }
  const resourceMatches = mode === 'none' ? [] : matchDocument(policies.resource, req, ctx, { side: 'resource', mode });

  // When both sides deny, the identity-based one is named: AWS does not document which its message picks.
  const identityDeny = identityMatches.find((m) => m.effect === 'Deny');
  if (identityDeny) return explicitDeny('identity-based', identity(identityDeny));
  const resourceDeny = resourceMatches.find((m) => m.effect === 'Deny');
  if (resourceDeny) return explicitDeny('resource-based', resource(resourceDeny));

  const idAllows = identityMatches.filter((m) => m.effect === 'Allow').map(identity);
  const identityAllows = p.kind === 'root' || idAllows.length > 0;
  const resAllows = resourceMatches.filter((m) => m.effect === 'Allow');
  const direct = resAllows.filter((m) => m.principal === 'direct').map(resource);
  const account = resAllows.filter((m) => m.principal === 'account').map(resource);
  const implicit = (side: PolicyType): Decision => implicitDeny(side, req.action);

  if (p.kind === 'anonymous' || p.kind === 'service') {
    if (direct.length > 0) return allow(direct);
    return implicit(mode === 'none' ? 'identity-based' : 'resource-based');
  }

  // An account-level grant counts only together with an identity allow ("delegates to IAM").
  const delegated = identityAllows && account.length > 0 ? [...idAllows, ...account] : [];
  // A resource without an owning account ('') has no account boundary to cross.
  const sameAccount = req.resourceAccount === '' || req.resourceAccount === p.accountId;

  switch (mode) {
    case 'none':
      return identityAllows ? allow(idAllows) : implicit('identity-based');

    case 'standard':
      if (sameAccount) {
        // Either side may grant; the identity side is AWS's default explanation when neither does.
        if (identityAllows || direct.length > 0) return allow(unique([...idAllows, ...direct, ...delegated]));
        return implicit('identity-based');
      }
      if (direct.length === 0 && account.length === 0) return implicit('resource-based');
      if (!identityAllows) return implicit('identity-based');
      return allow([...idAllows, ...direct, ...account]);

    case 'kms-key':
    case 'role-trust':
      if (sameAccount) {
        if (direct.length > 0) return allow(unique([...direct, ...delegated]));
        if (account.length === 0) return implicit('resource-based');
        return identityAllows ? allow(delegated) : implicit('identity-based');
      }
      if (direct.length === 0 && account.length === 0) return implicit('resource-based');
      if (!identityAllows) return implicit('identity-based');
      return allow([...idAllows, ...direct, ...account]);
  }
}

const identity = (m: StatementMatch & { policyName: string }): DecidingStatement => ({
  policyType: 'identity-based',
  policyName: m.policyName,
  ...(m.sid !== undefined ? { sid: m.sid } : {}),
  index: m.index,
});

const resource = (m: StatementMatch): DecidingStatement => ({
  policyType: 'resource-based',
  ...(m.sid !== undefined ? { sid: m.sid } : {}),
  index: m.index,
});

const unique = (list: DecidingStatement[]): DecidingStatement[] => [...new Set(list)];

const allow = (deciding: DecidingStatement[]): Decision => ({ allowed: true, effect: 'Allow', deciding, reason: '' });

// AWS's wording: "Troubleshoot access denied error messages", IAM User Guide
// (troubleshoot_access-denied.html); captures in aws-behaviour.md §A.1.
const article = (side: PolicyType): string => (side === 'identity-based' ? 'an identity-based' : 'a resource-based');

const explicitDeny = (side: PolicyType, statement: DecidingStatement): Decision => ({
  allowed: false,
  effect: 'ExplicitDeny',
  deciding: [statement],
  deniedBy: side,
  reason: `with an explicit deny in ${article(side)} policy`,
});

const implicitDeny = (side: PolicyType, action: string): Decision => ({
  allowed: false,
  effect: 'ImplicitDeny',
  deciding: [],
  deniedBy: side,
  reason: `because no ${side} policy allows the ${action} action`,
});
