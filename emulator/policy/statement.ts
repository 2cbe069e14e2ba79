import { conditionsHold } from './conditions.js';
import type { RequestContext } from './context.js';
import { matchesAction, matchesArn } from './pattern.js';
import type { VariableResolver } from './pattern.js';
import { matchNotPrincipal, matchPrincipal } from './principal-match.js';
import type { PrincipalMatch } from './principal-match.js';
import type { AuthzRequest, PolicyDocument, ResourcePolicyMode } from './types.js';

/** A statement that applies to the request. */
export interface StatementMatch {
  effect: 'Allow' | 'Deny';
  index: number;
  sid?: string;
  /** Resource policies only: how the Principal element named the caller. Identity statements: 'direct'. */
  principal: Exclude<PrincipalMatch, 'none'>;
}

export interface MatchOptions {
  side: 'identity' | 'resource';
  mode: ResourcePolicyMode;
}

const asList = (v: unknown): unknown[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const strings = (v: unknown[]): string[] => v.filter((x): x is string => typeof x === 'string');

export function statementsOf(doc: PolicyDocument | undefined): unknown[] {
  if (!doc || typeof doc !== 'object') return [];
  return asList((doc as { Statement?: unknown }).Statement) ?? [];
}

/**
 * Variables exist only in the 2012-10-17 language: "If you don't include the Version element …
 * variables like ${aws:username} are treated as literal strings in the policy."
 * (reference_policies_variables.html)
 */
export function resolverFor(doc: PolicyDocument | undefined, ctx: RequestContext): VariableResolver | null {
  return doc?.Version === '2012-10-17' ? (key) => ctx.single(key) : null;
}

/** Does `Element` (or `NotElement`) admit the value? Undefined when neither is present (or both are). */
function listAdmits(stmt: Record<string, unknown>, element: string, test: (pattern: string) => boolean): boolean | undefined {
  const positive = asList(stmt[element]);
  const negative = asList(stmt[`Not${element}`]);
  if ((positive === undefined) === (negative === undefined)) return undefined;
  return positive ? strings(positive).some(test) : !strings(negative!).some(test);
}

/**
 * Whether one statement applies to the request, and with what effect.
 * Statements missing a required element have no effect, which is AWS's stated rule for key policies
 * ("If either of the required Resource or Action elements are missing from a key policy statement,
 * the policy statement has no effect", KMS PutKeyPolicy API reference) and the safe reading elsewhere.
 */
export function matchStatement(
  raw: unknown,
  index: number,
  req: AuthzRequest,
  ctx: RequestContext,
  resolve: VariableResolver | null,
  opts: MatchOptions,
): StatementMatch | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const stmt = raw as Record<string, unknown>;
  const effect = stmt.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') return undefined;

  if (listAdmits(stmt, 'Action', (p) => matchesAction(p, req.action)) !== true) return undefined;

  // Trust policies have no Resource element: the role is the resource.
  if (!(opts.side === 'resource' && opts.mode === 'role-trust')) {
    if (listAdmits(stmt, 'Resource', (p) => matchesArn(p, req.resource, resolve)) !== true) return undefined;
  }

  let principal: StatementMatch['principal'] = 'direct';
  if (opts.side === 'resource') {
    const hasPrincipal = stmt.Principal !== undefined;
    const hasNot = stmt.NotPrincipal !== undefined;
    if (hasPrincipal === hasNot) return undefined;
    const m = hasPrincipal ? matchPrincipal(stmt.Principal, req.principal) : matchNotPrincipal(stmt.NotPrincipal, req.principal);
    if (m === 'none') return undefined;
    principal = m;
  } else if (stmt.Principal !== undefined || stmt.NotPrincipal !== undefined) {
    // Identity policies cannot name principals; IAM rejects them, so such a statement never applies.
    return undefined;
  }

  if (!conditionsHold(stmt.Condition, ctx, resolve)) return undefined;

  const sid = typeof stmt.Sid === 'string' ? stmt.Sid : undefined;
  return { effect, index, ...(sid !== undefined ? { sid } : {}), principal };
}

/** All statements of a document that apply to the request. */
export function matchDocument(doc: PolicyDocument | undefined, req: AuthzRequest, ctx: RequestContext, opts: MatchOptions): StatementMatch[] {
  const resolve = resolverFor(doc, ctx);
  const out: StatementMatch[] = [];
  statementsOf(doc).forEach((s, i) => {
    const m = matchStatement(s, i, req, ctx, resolve, opts);
    if (m) out.push(m);
  });
  return out;
}
