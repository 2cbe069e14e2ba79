import { randomBytes } from 'node:crypto';
import { requestParameters } from './audit.js';
import { authorizeIdentity, checkKeyAccess } from './authz.js';
import type { KmsCall, KmsInput } from './call.js';
import { checkDryRun, num, str, strings } from './call.js';
import type { EncryptionContext } from './encryption-context.js';
import { accessDenied, invalidGrantId, invalidGrantToken, limitExceeded, validation } from './errors.js';
import { accessDeniedMessage } from '../policy/message.js';
import { principalNamed } from './grants-match.js';
import { paginate } from './pagination.js';
import { resolveKey } from './resolve.js';
import { requireEnabled, target } from './target.js';
import type { Grant, GrantConstraints, KmsKey } from './types.js';

/**
 * CreateGrant / ListGrants / RetireGrant / RevokeGrant / ListRetirableGrants (KMS-DG grants.md, grant-manage.md).
 * Grants take effect immediately here, so a grant token is accepted but never needed; tokens are opaque
 * base64 that name their grant, so RetireGrant can find a grant by token alone.
 */

const MAX_GRANTS_PER_KEY = 50000; // KMS-DG resource-limits.md "Grants per KMS key"

/** Grant operations each kind of key supports (API reference CreateGrant "Operations"). */
function allowedOperations(key: KmsKey): string[] {
  const always = ['CreateGrant', 'RetireGrant', 'DescribeKey'];
  if (key.keyUsage === 'GENERATE_VERIFY_MAC') return [...always, 'GenerateMac', 'VerifyMac'];
  if (key.keyUsage === 'SIGN_VERIFY') return [...always, 'Sign', 'Verify', 'GetPublicKey'];
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') return [...always, 'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey'];
  return [...always, 'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext'];
}

const TOKEN_VERSION = 0x01;

function newToken(grantId: string): string {
  return Buffer.concat([Buffer.from([TOKEN_VERSION]), Buffer.from(grantId, 'hex'), randomBytes(32)]).toString('base64');
}

/** The grant id a token names, or undefined for a token that is not one of ours. */
export function grantIdOfToken(token: string): string | undefined {
  const b = Buffer.from(token, 'base64');
  return b.length === 65 && b[0] === TOKEN_VERSION ? b.subarray(1, 33).toString('hex') : undefined;
}

/** GrantTokens in any request must be tokens KMS issued (InvalidGrantTokenException otherwise). */
export function checkGrantTokens(input: KmsInput): void {
  for (const t of strings(input, 'GrantTokens') ?? []) if (!grantIdOfToken(t)) throw invalidGrantToken();
}

const sameContext = (a?: EncryptionContext, b?: EncryptionContext): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const sorted = (ec?: EncryptionContext): [string, string][] | undefined => (ec ? Object.entries(ec).sort(([x], [y]) => (x < y ? -1 : 1)) : undefined);

export function CreateGrant(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const operations = strings(input, 'Operations') ?? [];
  const grantee = str(input, 'GranteePrincipal') ?? str(input, 'GranteeServicePrincipal');
  const retiring = str(input, 'RetiringPrincipal') ?? str(input, 'RetiringServicePrincipal');
  const constraints = input.Constraints as GrantConstraints | undefined;
  const { key } = target(k, str(input, 'KeyId'), {
    action: 'CreateGrant',
    crossAccount: true,
    context: {
      'kms:GrantOperations': operations,
      'kms:GranteePrincipal': grantee,
      'kms:RetiringPrincipal': retiring,
      'kms:GrantIsForAWSResource': k.viaService !== undefined,
      'kms:GrantConstraintType': constraints ? Object.keys(constraints).filter((c) => c.startsWith('EncryptionContext')) : undefined,
    },
  });
  requireEnabled(key);
  if ((str(input, 'GranteePrincipal') === undefined) === (str(input, 'GranteeServicePrincipal') === undefined))
    throw validation('You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.');
  if (operations.length === 0) throw validation('Operations must not be empty.');
  const allowed = allowedOperations(key);
  const bad = operations.filter((o) => !allowed.includes(o));
  if (bad.length > 0) throw validation(`Grant operations ${bad.join(', ')} are not valid for ${key.arn} (key spec ${key.keySpec}, key usage ${key.keyUsage}).`);
  if (constraints && (constraints.EncryptionContextEquals || constraints.EncryptionContextSubset) && key.keySpec !== 'SYMMETRIC_DEFAULT')
    throw validation('Encryption context grant constraints are only valid for symmetric encryption KMS keys.');
  checkDryRun(input);

  const name = str(input, 'Name');
  // "CreateGrant is idempotent": the same request returns the same grant id with a fresh token (API reference CreateGrant, Name).
  const existing = [...key.grants.values()].find((g) =>
    g.Name === name && g.GranteePrincipal === grantee && g.RetiringPrincipal === retiring
    && [...g.Operations].sort().join() === [...operations].sort().join()
    && sameContext(g.Constraints?.EncryptionContextEquals, constraints?.EncryptionContextEquals)
    && sameContext(g.Constraints?.EncryptionContextSubset, constraints?.EncryptionContextSubset));
  if (existing) {
    k.ctx.audit.responseElements = { grantId: existing.GrantId };
    return { GrantToken: newToken(existing.GrantId), GrantId: existing.GrantId };
  }
  if (key.grants.size >= MAX_GRANTS_PER_KEY) throw limitExceeded(`The number of grants on ${key.arn} has reached the limit of ${MAX_GRANTS_PER_KEY}.`);
  const grantId = randomBytes(32).toString('hex');
  const grant: Grant = {
    GrantId: grantId,
    token: newToken(grantId),
    KeyId: key.arn,
    Name: name,
    CreationDate: k.ctx.now,
    GranteePrincipal: grantee!,
    RetiringPrincipal: retiring,
    granteeIsService: str(input, 'GranteePrincipal') === undefined,
    retiringIsService: str(input, 'RetiringPrincipal') === undefined && retiring !== undefined,
    IssuingAccount: `arn:aws:iam::${k.ctx.principal.accountId}:root`,
    Operations: operations,
    Constraints: constraints && Object.keys(constraints).length > 0 ? constraints : undefined,
  };
  key.grants.set(grantId, grant);
  // ct-creategrant: responseElements {grantId}.
  k.ctx.audit.responseElements = { grantId };
  return { GrantToken: grant.token, GrantId: grantId };
}

const entry = (g: Grant): Record<string, unknown> => ({
  KeyId: g.KeyId,
  GrantId: g.GrantId,
  Name: g.Name,
  CreationDate: g.CreationDate,
  GranteePrincipal: g.granteeIsService ? undefined : g.GranteePrincipal,
  GranteeServicePrincipal: g.granteeIsService ? g.GranteePrincipal : undefined,
  RetiringPrincipal: g.retiringIsService ? undefined : g.RetiringPrincipal,
  RetiringServicePrincipal: g.retiringIsService ? g.RetiringPrincipal : undefined,
  IssuingAccount: g.IssuingAccount,
  Operations: g.Operations,
  Constraints: g.Constraints,
});

export function ListGrants(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'ListGrants', crossAccount: true, context: { 'kms:GrantIsForAWSResource': k.viaService !== undefined } });
  const grantId = str(input, 'GrantId');
  const grantee = str(input, 'GranteePrincipal');
  if (grantId !== undefined && !key.grants.has(grantId)) throw invalidGrantId();
  const grants = [...key.grants.values()].filter((g) => (grantId === undefined || g.GrantId === grantId) && (grantee === undefined || g.GranteePrincipal === grantee));
  const page = paginate(grants, num(input, 'Limit'), str(input, 'Marker'), { default: 50, max: 100 });
  return { Grants: page.items.map(entry), NextMarker: page.NextMarker, Truncated: page.Truncated };
}

export function ListRetirableGrants(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  k.ctx.audit.resources = [];
  authorizeIdentity(k, 'ListRetirableGrants');
  const retiring = str(input, 'RetiringPrincipal') ?? str(input, 'RetiringServicePrincipal') ?? k.ctx.principal.arn;
  const grants: Grant[] = [];
  for (const key of k.store.allKeys()) for (const g of key.grants.values()) if (g.RetiringPrincipal === retiring) grants.push(g);
  const page = paginate(grants, num(input, 'Limit'), str(input, 'Marker'), { default: 50, max: 100 });
  return { Grants: page.items.map(entry), NextMarker: page.NextMarker, Truncated: page.Truncated };
}

/**
 * "This operation can be called by the retiring principal for a grant, by the grantee principal if the grant
 * allows the RetireGrant operation, and by the Amazon Web Services account in which the grant is created. It can
 * also be called by principals to whom permission for retiring a grant is delegated" (API reference RetireGrant).
 */
export function RetireGrant(input: KmsInput, k: KmsCall): Record<string, never> {
  // ct-retire-grant: requestParameters null, the grant id in additionalEventData.
  k.ctx.audit.requestParameters = null;
  const token = str(input, 'GrantToken');
  const keyIdInput = str(input, 'KeyId');
  const grantIdInput = str(input, 'GrantId');
  let key: KmsKey | undefined;
  let grant: Grant | undefined;
  if (token !== undefined) {
    const id = grantIdOfToken(token);
    if (!id) throw invalidGrantToken();
    for (const candidate of k.store.allKeys()) if (candidate.grants.has(id)) [key, grant] = [candidate, candidate.grants.get(id)];
    if (!grant) throw invalidGrantToken();
  } else if (keyIdInput !== undefined && grantIdInput !== undefined) {
    key = resolveKey(k, keyIdInput, { aliases: false, crossAccount: true }).key;
    grant = key.grants.get(grantIdInput);
    if (!grant) throw invalidGrantId();
  } else {
    throw validation('Grant token OR (grant ID, key ID) must be specified');
  }
  k.ctx.audit.additionalEventData = { grantId: grant.GrantId };
  k.ctx.audit.resources = [{ accountId: key!.accountId, type: 'AWS::KMS::Key', ARN: key!.arn }];
  const p = k.ctx.principal;
  const mayRetire =
    principalNamed(grant.RetiringPrincipal, p, k, 'RetireGrant', key!) ||
    (grant.Operations.includes('RetireGrant') && principalNamed(grant.GranteePrincipal, p, k, 'RetireGrant', key!)) ||
    (p.kind === 'root' && grant.IssuingAccount === `arn:aws:iam::${p.accountId}:root`);
  if (!mayRetire) {
    const result = checkKeyAccess(k, { action: 'RetireGrant', key: key! });
    if (!result.decision.allowed) throw accessDenied(accessDeniedMessage(result.request, result.decision), result.decision);
  }
  checkDryRun(input);
  key!.grants.delete(grant.GrantId);
  return {};
}

export function RevokeGrant(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'RevokeGrant', crossAccount: true, context: { 'kms:GrantIsForAWSResource': k.viaService !== undefined } });
  const grantId = str(input, 'GrantId') ?? '';
  if (!key.grants.has(grantId)) throw invalidGrantId();
  checkDryRun(input);
  key.grants.delete(grantId);
  return {};
}
