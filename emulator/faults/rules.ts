/**
 * Fault rules: what `PUT /_emulator/faults` and `kms-lab emulator --faults FILE` take, validated so that
 * a typo is refused with a message that says which member is wrong and what it may be — a rule that
 * silently never fires would make a chaos run pass for the wrong reason.
 *
 *   {"seed": 42, "rules": [
 *     {"service": "kms", "operation": "*", "probability": 0.2, "fault": "throttling"},
 *     {"service": "*", "probability": 0.05, "fault": "internalError"},
 *     {"service": "s3", "operation": "Put*", "probability": 0.1, "fault": "latency", "latencyMs": 250}]}
 */

export const FAULT_KINDS = ['throttling', 'internalError', 'serviceUnavailable', 'latency', 'dropConnection'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  /** A signing name ('kms', 's3', 'sts', 'iam', 'cloudtrail') or '*' for every service. */
  service: string;
  /** An operation name (CloudTrail's eventName, e.g. 'Encrypt', 'PutObject') or a pattern with * and ?. */
  operation: string;
  /** Chance, from 0 to 1, that the rule fires on a request it matches. */
  probability: number;
  fault: FaultKind;
  /** Added delay for `latency` rules. */
  latencyMs?: number;
}

export interface FaultConfig {
  /** Seed of the PRNG; the same seed and the same request sequence inject the same faults. */
  seed: number;
  rules: FaultRule[];
}

/** What the validator knows about the endpoint: its services and, where known, their operations. */
export interface KnownServices {
  names: readonly string[];
  /** Operations of a service, or undefined when it cannot list them (S3 dispatches by method and path). */
  operations(service: string): ReadonlySet<string> | undefined;
}

export const MAX_SEED = 0xffffffff;
export const MAX_LATENCY_MS = 60_000;
export const MAX_RULES = 100;

const RULE_MEMBERS = ['service', 'operation', 'probability', 'fault', 'latencyMs'];
const EXAMPLE = '{"seed": 42, "rules": [{"service": "kms", "operation": "*", "probability": 0.2, "fault": "throttling"}]}';

export class FaultConfigError extends Error {
  override name = 'FaultConfigError';
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

/** Parses and checks a fault configuration; throws FaultConfigError naming the first thing wrong. */
export function parseFaultConfig(input: unknown, known: KnownServices, randomSeed: () => number): FaultConfig {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new FaultConfigError(`The fault configuration must be a JSON object, e.g. ${EXAMPLE}.`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'seed' && k !== 'rules') throw new FaultConfigError(`Unknown member "${k}" in the fault configuration; it has "seed" and "rules", e.g. ${EXAMPLE}.`);
  }
  let seed: number;
  if (o.seed === undefined || o.seed === null) seed = randomSeed();
  else if (typeof o.seed === 'number' && Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= MAX_SEED) seed = o.seed;
  else throw new FaultConfigError(`seed must be an integer from 0 to ${MAX_SEED}; got ${show(o.seed)}.`);
  if (!Array.isArray(o.rules)) throw new FaultConfigError(`rules must be an array of fault rules; got ${show(o.rules)}. Example: ${EXAMPLE}.`);
  if (o.rules.length > MAX_RULES) throw new FaultConfigError(`At most ${MAX_RULES} fault rules are allowed; got ${o.rules.length}.`);
  return { seed, rules: o.rules.map((r, i) => parseRule(r, `rules[${i}]`, known)) };
}

function parseRule(input: unknown, at: string, known: KnownServices): FaultRule {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new FaultConfigError(`${at} must be an object with service, operation, probability and fault; got ${show(input)}.`);
  const r = input as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!RULE_MEMBERS.includes(k)) throw new FaultConfigError(`${at} has an unknown member "${k}"; a rule has ${RULE_MEMBERS.join(', ')}.`);
  }
  const services = [...known.names].sort();
  if (typeof r.service !== 'string' || (r.service !== '*' && !services.includes(r.service)))
    throw new FaultConfigError(`${at}.service must be one of ${services.join(', ')} or "*" (every service); got ${show(r.service)}.`);
  const service = r.service;

  const operation = r.operation === undefined ? '*' : r.operation;
  if (typeof operation !== 'string' || !/^[A-Za-z0-9*?]{1,128}$/.test(operation))
    throw new FaultConfigError(`${at}.operation must be an operation name or a pattern with * and ?, e.g. "Encrypt", "Put*", "*"; got ${show(r.operation)}.`);
  if (!/[*?]/.test(operation)) {
    const ops = service === '*' ? undefined : known.operations(service);
    if (ops && !ops.has(operation)) throw new FaultConfigError(`${at}.operation: ${service} has no operation ${show(operation)}, so the rule would never fire.`);
  }

  if (typeof r.probability !== 'number' || !Number.isFinite(r.probability) || r.probability < 0 || r.probability > 1)
    throw new FaultConfigError(`${at}.probability must be a number from 0 to 1 (0.2 = 20 % of matching requests); got ${show(r.probability)}.`);

  if (typeof r.fault !== 'string' || !(FAULT_KINDS as readonly string[]).includes(r.fault))
    throw new FaultConfigError(`${at}.fault must be one of ${FAULT_KINDS.join(', ')}; got ${show(r.fault)}.`);
  const fault = r.fault as FaultKind;

  const rule: FaultRule = { service, operation, probability: r.probability, fault };
  if (fault === 'latency') {
    if (typeof r.latencyMs !== 'number' || !Number.isInteger(r.latencyMs) || r.latencyMs < 1 || r.latencyMs > MAX_LATENCY_MS)
      throw new FaultConfigError(`${at}.latencyMs must be an integer from 1 to ${MAX_LATENCY_MS} for a latency rule; got ${show(r.latencyMs)}.`);
    rule.latencyMs = r.latencyMs;
  } else if (r.latencyMs !== undefined) {
    throw new FaultConfigError(`${at}.latencyMs only belongs to a "latency" rule; this rule's fault is "${fault}".`);
  }
  return rule;
}

/** An operation pattern as a RegExp: * any run of characters, ? one character (nothing else is special). */
export const operationPattern = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
