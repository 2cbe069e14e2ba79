/**
 * What a target can faithfully do. A scenario tagged `@requires:<capability>` runs only on targets that
 * declare it; elsewhere it is reported skipped with the reason (never a silent pass), because a target that
 * does not enforce e.g. key policies would make a "refused" scenario pass or fail for the wrong reason.
 */
export const CAPABILITIES = {
  'kms.keyPolicyEnforcement': 'KMS evaluates key policies (and IAM only where the key policy allows the account)',
  'kms.keyStateEnforcement': 'KMS refuses to encrypt with a disabled key or a key pending deletion',
  'iam.enforcement': 'every request is authorized against identity and resource policies; unsigned requests are anonymous',
  'cloudtrail.lookupEvents': 'CloudTrail records API calls and answers LookupEvents',
  'cloudtrail.logDelivery': "CloudTrail delivers log files (including S3 data events) to the trail's bucket",
  'cloudtrail.digest': 'CloudTrail delivers signed digest files (log file integrity validation)',
  'cloudtrail.bucketPolicyCheck': "CreateTrail refuses a bucket whose policy does not let CloudTrail deliver",
  's3.sseKmsEnforcement': 'S3 uses KMS as the requester for SSE-KMS (so key policy, key state and signature rules apply)',
} as const;

export type Capability = keyof typeof CAPABILITIES;

export const ALL_CAPABILITIES: readonly Capability[] = Object.keys(CAPABILITIES) as Capability[];

const TAG_PREFIX = '@requires:';

export function isCapability(name: string): name is Capability {
  return Object.hasOwn(CAPABILITIES, name);
}

/** The capabilities a scenario's tags ask for. An unknown one is an error in the feature, not a skip. */
export function requiredCapabilities(tags: readonly { name: string }[]): Capability[] {
  const out: Capability[] = [];
  for (const { name } of tags) {
    if (!name.startsWith(TAG_PREFIX)) continue;
    const cap = name.slice(TAG_PREFIX.length);
    if (!isCapability(cap)) {
      throw new Error(`Unknown capability tag ${name}; known: ${ALL_CAPABILITIES.map((c) => TAG_PREFIX + c).join(', ')}`);
    }
    if (!out.includes(cap)) out.push(cap);
  }
  return out;
}

/** Why a scenario cannot run on a target, or undefined when it can. */
export function skipReason(
  tags: readonly { name: string }[],
  target: { name: string; capabilities: ReadonlySet<Capability>; capabilityNotes?: Partial<Record<Capability, string>> },
): string | undefined {
  const missing = requiredCapabilities(tags).filter((c) => !target.capabilities.has(c));
  if (missing.length === 0) return undefined;
  const parts = missing.map((c) => {
    const note = target.capabilityNotes?.[c];
    return note ? `${c} (${note})` : `${c} (${CAPABILITIES[c]})`;
  });
  return `Skipped on target "${target.name}": it lacks ${parts.join('; ')}.`;
}

/**
 * Applies an override such as "+cloudtrail.digest,-iam.enforcement" (KMS_LAB_CAPABILITIES), so a target whose
 * abilities depend on its edition (LocalStack Pro, a newer moto) can be described without code changes.
 */
export function applyCapabilityOverride(base: ReadonlySet<Capability>, override: string | undefined): Set<Capability> {
  const out = new Set(base);
  if (!override) return out;
  for (const raw of override.split(',').map((s) => s.trim()).filter(Boolean)) {
    const sign = raw[0] === '-' ? '-' : '+';
    const name = raw.replace(/^[+-]/, '');
    if (!isCapability(name)) throw new Error(`KMS_LAB_CAPABILITIES names an unknown capability "${name}"; known: ${ALL_CAPABILITIES.join(', ')}`);
    if (sign === '-') out.delete(name);
    else out.add(name);
  }
  return out;
}
