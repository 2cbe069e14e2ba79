import { AwsError } from './errors.js';
import type { CallContext } from './service.js';
import { evaluate } from '../policy/evaluate.js';
import { accessDeniedMessage } from '../policy/message.js';
import type { AuthzRequest, ContextValue, Decision, PolicyDocument, ResourcePolicyMode } from '../policy/types.js';

export interface AccessCheck {
  action: string;
  resource: string;
  resourceAccount: string;
  resourcePolicy?: PolicyDocument;
  mode: ResourcePolicyMode;
  /** Service-specific condition keys (kms:ViaService, s3:x-amz-acl…); the global ones are added here. */
  context?: Record<string, ContextValue | undefined>;
}

export interface AccessResult {
  request: AuthzRequest;
  decision: Decision;
}

/**
 * auth → policy: evaluates one action for the caller with the identity store's policies and the global
 * condition keys of the request. Services decide what a denial looks like on the wire.
 */
export function checkAccess(ctx: CallContext, check: AccessCheck): AccessResult {
  const request: AuthzRequest = {
    principal: ctx.principal,
    action: check.action,
    resource: check.resource,
    resourceAccount: check.resourceAccount,
    context: {
      'aws:SourceIp': ctx.sourceIp,
      'aws:SecureTransport': ctx.secureTransport,
      'aws:CurrentTime': ctx.now,
      'aws:EpochTime': Math.floor(ctx.now.getTime() / 1000),
      'aws:RequestedRegion': ctx.region,
      'aws:UserAgent': ctx.userAgent,
      ...check.context,
    },
  };
  const identity = ctx.emulator.identity;
  const decision = evaluate(request, { identity: identity.identityPolicies(ctx.principal), resource: check.resourcePolicy, mode: check.mode });
  const session = identity.sessionPolicy(ctx.principal);
  // A session policy can only narrow what the role allows (IAM "Session policies" docs); it never grants.
  if (decision.allowed && session) {
    const narrowed = evaluate(request, { identity: [{ name: 'session', document: session }], mode: 'none' });
    if (!narrowed.allowed) {
      const reason = narrowed.effect === 'ExplicitDeny'
        ? 'with an explicit deny in a session policy'
        : `because no session policy allows the ${check.action} action`;
      return { request, decision: { ...narrowed, reason } };
    }
  }
  return { request, decision };
}

/** Throws the service's access-denied error unless the caller may perform the action. */
export function requireAccess(ctx: CallContext, check: AccessCheck, denied: (message: string, result: AccessResult) => AwsError): AccessResult {
  const result = checkAccess(ctx, check);
  if (!result.decision.allowed) throw denied(accessDeniedMessage(result.request, result.decision), result);
  return result;
}

/** IAM and STS: 403 AccessDenied with IAM's message. */
export const queryAccessDenied = (message: string, result: AccessResult): AwsError =>
  new AwsError('AccessDenied', message, 403, {}, result.decision);
