import { AwsError } from '../core/errors.js';
import { requestParameters } from './audit.js';
import type { KmsCall, KmsInput } from './call.js';
import { bool, str } from './call.js';
import { unsupported } from './errors.js';
import { paginate } from './pagination.js';
import { checkNewPolicy } from './policy.js';
import { target } from './target.js';

/**
 * GetKeyPolicy / PutKeyPolicy / ListKeyPolicies. A key has exactly one policy, named `default` ("The only valid
 * policy name is default", BOTO-KMS PolicyName). These work in every key state (KMS-DG key-state.md).
 */

function policyName(input: KmsInput): string {
  const name = str(input, 'PolicyName') ?? 'default';
  // No AWS capture of the text for another name; the code is the one BOTO-KMS lists for GetKeyPolicy.
  if (name !== 'default') throw new AwsError('NotFoundException', `Key policy '${name}' does not exist; the only key policy name is 'default'.`);
  return name;
}

export function GetKeyPolicy(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input, { policyName: str(input, 'PolicyName') ?? 'default' });
  const { key } = target(k, str(input, 'KeyId'), { action: 'GetKeyPolicy' });
  const name = policyName(input);
  return { Policy: key.policyText, PolicyName: name };
}

export async function PutKeyPolicy(input: KmsInput, k: KmsCall): Promise<Record<string, never>> {
  const bypass = bool(input, 'BypassPolicyLockoutSafetyCheck') ?? false;
  // ct-put-key-policy.md logs the whole policy text, the policy name and the bypass flag.
  k.ctx.audit.requestParameters = requestParameters(input, { policyName: str(input, 'PolicyName') ?? 'default', bypassPolicyLockoutSafetyCheck: bypass });
  const { key } = target(k, str(input, 'KeyId'), { action: 'PutKeyPolicy', context: { 'kms:BypassPolicyLockoutSafetyCheck': bypass } });
  policyName(input);
  if (key.keyManager === 'AWS') throw unsupported(`${key.arn} is an AWS managed key; its key policy cannot be changed.`);
  const text = str(input, 'Policy') ?? '';
  key.policy = await checkNewPolicy(k, text, key.arn, key.accountId, bypass);
  key.policyText = text;
  return {};
}

export function ListKeyPolicies(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  target(k, str(input, 'KeyId'), { action: 'ListKeyPolicies' });
  const page = paginate(['default'], input.Limit as number | undefined, str(input, 'Marker'), { default: 100, max: 1000 });
  return { PolicyNames: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
}
