import { checkAccess } from '../core/authorize.js';
import { parsePolicy, validatePolicy } from '../policy/validate.js';
import type { PolicyDocument } from '../policy/types.js';
import type { KmsCall } from './call.js';
import { limitExceeded, lockoutPolicy, malformedPolicy } from './errors.js';

/**
 * Key policies: the defaults KMS attaches, and the checks CreateKey / PutKeyPolicy apply to a caller's policy.
 */

/**
 * KMS returns its own policies pretty-printed by Jackson's default printer — `"Version" : "2012-10-17"`,
 * arrays inline as `[ {` … `} ]` — as in ct-put-key-policy.md's logged default policy and the policies of AWS
 * managed keys pulled from AWS (github.com/FogSecurity/aws-managed-kms-keys README).
 */
export function jacksonPretty(value: unknown, indent = ''): string {
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((v) => jacksonPretty(v, indent)).join(', ')} ]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{ }';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${jacksonPretty(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * CreateKey without Policy: `key-default-1` with one statement (LS-KMS-SNAP test_replicate_key ReplicaPolicy,
 * recorded against AWS; KMS-DG key-policy-default.md).
 */
export function defaultKeyPolicy(accountId: string): string {
  return jacksonPretty({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    }],
  });
}

/** The AWS managed key aws/s3's policy, as pulled from AWS (FogSecurity/aws-managed-kms-keys; aws-behaviour.md §A.2). */
export function awsManagedS3Policy(accountId: string, region: string): string {
  return jacksonPretty({
    Version: '2012-10-17',
    Id: 'auto-s3-2',
    Statement: [{
      Sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    }, {
      Sid: 'Allow direct access to key metadata to the account',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
      Resource: '*',
    }],
  });
}

const INVALID_PRINCIPALS = 'Policy contains a statement with one or more invalid principals.';

/**
 * The checks KMS applies to a policy a caller sets (BOTO-KMS PutKeyPolicyRequest.Policy):
 * - longer than 131072 characters → LimitExceededException ("If the key policy exceeds the length constraint,
 *   KMS returns a LimitExceededException");
 * - grammar and principals (policy engine's validatePolicy, kind 'kms-key'); a principal that does not exist →
 *   `Policy contains a statement with one or more invalid principals.` (github.com/awslabs/
 *   minimum-viable-dataspace-on-aws/issues/6); ForAllValues on kms:EncryptionContext:* → the
 *   OverlyPermissiveCondition text of KMS-DG conditions-kms.md. Other grammar problems carry the engine's
 *   description (AWS's own text for them is not recorded);
 * - the lockout safety check: "The key policy must allow the calling principal to make a subsequent
 *   PutKeyPolicy request on the KMS key" unless BypassPolicyLockoutSafetyCheck, evaluated with the caller's
 *   effective permissions (identity policies count where the policy names the account).
 */
export async function checkNewPolicy(k: KmsCall, text: string, keyArn: string, accountId: string, bypassLockout: boolean): Promise<PolicyDocument> {
  if (text.length > 131072) throw limitExceeded('The policy exceeds the maximum length of 131072 characters.');
  const identity = k.ctx.emulator.identity;
  const problems = await validatePolicy(text, { kind: 'kms-key', principalExists: (arn) => identity.principalExists(arn) });
  if (problems.length > 0) {
    const principal = problems.find((p) => /principal/i.test(p.message) && /(does not exist|not a valid AWS principal)/.test(p.message));
    const overly = problems.find((p) => p.message.startsWith('OverlyPermissiveCondition'));
    throw malformedPolicy(principal ? INVALID_PRINCIPALS : overly ? overly.message : problems.map((p) => p.message).join('; '));
  }
  const doc = parsePolicy(text);
  if (!bypassLockout) {
    const { decision } = checkAccess(k.ctx, {
      action: 'kms:PutKeyPolicy',
      resource: keyArn,
      resourceAccount: accountId,
      resourcePolicy: doc,
      mode: 'kms-key',
      context: { 'kms:CallerAccount': k.ctx.principal.accountId },
    });
    if (!decision.allowed) throw lockoutPolicy();
  }
  return doc;
}
