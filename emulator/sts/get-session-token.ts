import { AwsError } from '../core/errors.js';
import type { Operation } from '../core/service.js';
import { issueCredentials } from './credentials.js';
import { Constraints, optionalInteger } from './validation.js';

/**
 * GetSessionToken (STS API reference): for an IAM user or the account root with long-term keys;
 * 900..129600 seconds, default 43200, and at most one hour for the root ("If the duration is longer
 * than one hour, the session for AWS account owners defaults to one hour"). Session credentials may
 * not ask: "Cannot call GetSessionToken with session credentials" (AWS's AccessDenied text).
 * MFA (SerialNumber/TokenCode) is not modelled.
 */
export const getSessionToken: Operation = (params, ctx) => {
  const duration = optionalInteger(params, 'DurationSeconds', 'durationSeconds');
  new Constraints().range('durationSeconds', duration, 900, 129600).check();
  ctx.audit.requestParameters = duration !== undefined ? { durationSeconds: duration } : null;

  const p = ctx.principal;
  const fromSession = p.accessKeyId !== undefined && ctx.emulator.identity.sessionOf(p.accessKeyId) !== undefined;
  if (fromSession || (p.kind !== 'user' && p.kind !== 'root')) {
    throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  }
  const seconds = p.kind === 'root' ? Math.min(duration ?? 3600, 3600) : (duration ?? 43200);
  const issued = issueCredentials(ctx, p, seconds);
  ctx.audit.responseElements = { credentials: issued.audit };
  return { Credentials: issued.wire };
};
