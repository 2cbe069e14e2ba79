/**
 * `kms-lab run --chaos [profile]`: fault rules for the embedded emulator (emulator/faults/), so that a run proves
 * the harness reaches the same verdicts when AWS throttles and fails now and then.
 */

export interface ChaosRule {
  service: string;
  operation?: string;
  probability: number;
  fault: 'throttling' | 'internalError' | 'serviceUnavailable' | 'latency' | 'dropConnection';
  latencyMs?: number;
}

export const CHAOS_PROFILES: Readonly<Record<string, { description: string; rules: ChaosRule[] }>> = {
  default: {
    description: '20 % throttling and 5 % server errors (InternalFailure) on every service',
    rules: [
      { service: '*', probability: 0.2, fault: 'throttling' },
      { service: '*', probability: 0.05, fault: 'internalError' },
    ],
  },
  throttling: {
    description: '40 % throttling on every service (ThrottlingException, Throttling, S3 SlowDown)',
    rules: [{ service: '*', probability: 0.4, fault: 'throttling' }],
  },
  errors: {
    description: '10 % InternalFailure and 5 % ServiceUnavailable on every service',
    rules: [
      { service: '*', probability: 0.1, fault: 'internalError' },
      { service: '*', probability: 0.05, fault: 'serviceUnavailable' },
    ],
  },
  slow: {
    description: '20 % of calls 200 ms slower, plus the default profile',
    rules: [
      { service: '*', probability: 0.2, fault: 'latency', latencyMs: 200 },
      { service: '*', probability: 0.2, fault: 'throttling' },
      { service: '*', probability: 0.05, fault: 'internalError' },
    ],
  },
};

/** The seed used when --chaos-seed is not given: fixed, so that two chaos runs inject the same faults. */
export const DEFAULT_CHAOS_SEED = 42;

/**
 * With up to ~25 % of attempts failing, 10 attempts leave about 1 call in a million failing for good
 * (0.25^10), so a chaos run's verdicts are the lab's, not luck's.
 */
export const CHAOS_MAX_ATTEMPTS = 10;

export function chaosConfig(profile: string, seed = DEFAULT_CHAOS_SEED): { seed: number; rules: ChaosRule[] } {
  const p = CHAOS_PROFILES[profile];
  if (!p) throw new Error(`Unknown chaos profile "${profile}"; use one of ${Object.keys(CHAOS_PROFILES).join(', ')}.`);
  return { seed, rules: p.rules.map((r) => ({ ...r })) };
}
