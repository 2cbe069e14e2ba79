import type { Principal } from '../core/principal.js';
import type { AuthzRequest, ContextValue } from './types.js';

/**
 * The request context that conditions and policy variables read.
 * Key names are case-insensitive ("aws:SourceIP is equivalent to AWS:SourceIp",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html) — this
 * includes the `<context-key>` part of `kms:EncryptionContext:<context-key>` ("the condition key,
 * which consists of the kms:EncryptionContext: prefix and the context-key replacement, is not case
 * sensitive", KMS developer guide, conditions-kms.html#conditions-kms-encryption-context-case).
 * Values keep their case; the condition operator decides how they compare.
 */
export interface RequestContext {
  /** All values of a key, or undefined when the key is absent (an empty set counts as absent). */
  values(key: string): string[] | undefined;
  /** The value of a single-valued key; undefined when absent or multi-valued (not usable as a variable). */
  single(key: string): string | undefined;
}

/** aws:CurrentTime is written without milliseconds, as AWS does (2024-01-01T00:00:00Z). */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function normalize(value: ContextValue): { values: string[]; multi: boolean } {
  if (Array.isArray(value)) return { values: value.map(String), multi: true };
  if (value instanceof Date) return { values: [isoSeconds(value)], multi: false };
  return { values: [String(value)], multi: false };
}

/**
 * Keys AWS derives from the caller itself (global condition keys,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html, and the
 * principal table in reference_policies_variables.html#policy-vars-infotouse):
 * - aws:PrincipalArn is the *role* ARN for an assumed-role session, not the session ARN;
 * - aws:userid is the account id for the root user, AIDA… for a user, AROA…:session for a session,
 *   'anonymous' for the anonymous caller;
 * - aws:username exists for IAM users only.
 */
export function principalKeys(p: Principal): Record<string, ContextValue | undefined> {
  const keys: Record<string, ContextValue | undefined> = {
    'aws:PrincipalIsAWSService': p.kind === 'service',
  };
  switch (p.kind) {
    case 'root':
      Object.assign(keys, { 'aws:PrincipalArn': p.arn, 'aws:PrincipalAccount': p.accountId, 'aws:PrincipalType': 'Account', 'aws:userid': p.accountId });
      break;
    case 'user':
      Object.assign(keys, {
        'aws:PrincipalArn': p.arn,
        'aws:PrincipalAccount': p.accountId,
        'aws:PrincipalType': 'User',
        'aws:userid': p.principalId,
        'aws:username': p.userName ?? p.arn.slice(p.arn.lastIndexOf('/') + 1),
      });
      break;
    case 'assumed-role':
      Object.assign(keys, {
        'aws:PrincipalArn': p.role?.arn ?? p.arn,
        'aws:PrincipalAccount': p.accountId,
        'aws:PrincipalType': 'AssumedRole',
        'aws:userid': p.principalId,
        'aws:TokenIssueTime': p.sessionIssuedAt,
      });
      break;
    case 'anonymous':
      Object.assign(keys, { 'aws:PrincipalType': 'Anonymous', 'aws:userid': 'anonymous' });
      break;
    case 'service':
      keys['aws:PrincipalServiceName'] = p.servicePrincipal ?? p.arn;
      break;
  }
  return keys;
}

export function buildContext(req: AuthzRequest, now: Date = new Date()): RequestContext {
  // Most requests read few keys (or none): values are normalised when first read, not up front.
  const raw = new Map<string, ContextValue>();
  const entries = new Map<string, { values: string[]; multi: boolean }>();
  const put = (source: Record<string, ContextValue | undefined>): void => {
    for (const key in source) {
      const value = source[key];
      // undefined means "not supplied": it never hides a value the engine derived.
      if (value === undefined) continue;
      raw.set(key.toLowerCase(), value);
    }
  };
  put({ 'aws:CurrentTime': now, 'aws:EpochTime': Math.floor(now.getTime() / 1000) });
  put(principalKeys(req.principal));
  if (req.context) put(req.context);
  const entry = (key: string): { values: string[]; multi: boolean } | undefined => {
    const k = key.toLowerCase();
    let e = entries.get(k);
    if (!e) {
      const value = raw.get(k);
      if (value === undefined) return undefined;
      entries.set(k, (e = normalize(value)));
    }
    return e;
  };

  return {
    values(key) {
      const e = entry(key);
      return e && e.values.length > 0 ? e.values : undefined;
    },
    single(key) {
      const e = entry(key);
      return e && !e.multi && e.values.length === 1 ? e.values[0] : undefined;
    },
  };
}
