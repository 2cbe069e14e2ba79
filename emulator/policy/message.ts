import type { AuthzRequest, Decision } from './types.js';

export interface MessageOptions {
  /**
   * KMS does not confirm that a key exists to a caller the key policy keeps out across accounts
   * (or, for Decrypt, to one who cannot use the ciphertext's key): it names no resource and gives a
   * fixed reason. Captures: "… is not authorized to perform: kms:GenerateDataKey on this resource
   * because the resource does not exist in this Region, no resource-based policies allow access, or a
   * resource-based policy explicitly denies access" (github.com/buildkite/docs/pull/2344) and
   * "… kms:Decrypt on the resource associated with this ciphertext because …"
   * (github.com/onnela-lab/beiwe-backend/issues/363). The service decides when this applies.
   */
  conceal?: 'this resource' | 'the resource associated with this ciphertext';
}

/**
 * AWS's IAM-style access-denied text (aws-behaviour.md §A.1):
 * `User: <arn> is not authorized to perform: <action> on resource: <resource> <reason>`.
 * The anonymous caller is written `User: anonymous`. The reason is taken from the decision as is, so
 * a caller may substitute its own (e.g. a session-policy denial).
 */
export function accessDeniedMessage(req: AuthzRequest, d: Decision, options: MessageOptions = {}): string {
  if (d.allowed) throw new Error(`accessDeniedMessage: ${req.action} on ${req.resource} was allowed`);
  const who = req.principal.kind === 'anonymous' ? 'anonymous' : req.principal.arn;
  if (options.conceal) {
    return `User: ${who} is not authorized to perform: ${req.action} on ${options.conceal} because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`;
  }
  return `User: ${who} is not authorized to perform: ${req.action} on resource: ${req.resource} ${d.reason}`;
}
