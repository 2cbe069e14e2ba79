import { randomInt } from 'node:crypto';
import type { WireProtocol } from '../auth/errors.js';
import type { AwsError } from '../core/errors.js';
import { faultError } from './errors.js';
import { mulberry32 } from './prng.js';
import { MAX_SEED, operationPattern, parseFaultConfig, type FaultConfig, type FaultKind, type FaultRule, type KnownServices } from './rules.js';

/** What happens to one request: an added delay, and possibly a failure instead of the service's answer. */
export interface FaultDecision {
  latencyMs: number;
  fault?: Exclude<FaultKind, 'latency'>;
}

export interface FaultRuleStatus extends FaultRule {
  /** Requests the rule matched (service and operation). */
  matched: number;
  /** Of those, how many it was applied to. */
  fired: number;
}

export interface FaultStatus {
  /** null while no rules are set. */
  seed: number | null;
  /** Requests evaluated since the rules were set. */
  requests: number;
  rules: FaultRuleStatus[];
}

interface ActiveRule {
  rule: FaultRule;
  operation: RegExp;
  matched: number;
  fired: number;
}

/**
 * Fault injection for the whole endpoint. Rules are evaluated in order against each authenticated
 * request's service and operation; every matching rule consumes one draw of the seeded PRNG. A latency
 * rule that fires adds its delay and evaluation goes on; the first failing rule that fires (throttling,
 * internalError, serviceUnavailable, dropConnection) ends it. The same seed and the same sequence of
 * requests therefore inject the same faults. Admin calls (/_emulator/*) are never subject to faults.
 * `/_emulator/reset` leaves the rules in place: they are configuration, not state.
 */
export class FaultInjector {
  private seed: number | null = null;
  private rules: ActiveRule[] = [];
  private requests = 0;
  private random: () => number = () => 1;

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** Validates and installs a configuration (replacing any previous one; counters start at 0). */
  configure(input: unknown, known: KnownServices): FaultStatus {
    const config: FaultConfig = parseFaultConfig(input, known, () => randomInt(0, MAX_SEED));
    this.seed = config.seed;
    this.random = mulberry32(config.seed);
    this.rules = config.rules.map((rule) => ({ rule, operation: operationPattern(rule.operation), matched: 0, fired: 0 }));
    this.requests = 0;
    return this.status();
  }

  clear(): void {
    this.seed = null;
    this.rules = [];
    this.requests = 0;
    this.random = () => 1;
  }

  status(): FaultStatus {
    return {
      seed: this.seed,
      requests: this.requests,
      rules: this.rules.map((r) => ({ ...r.rule, matched: r.matched, fired: r.fired })),
    };
  }

  /** Decides (and counts) what happens to one request of `service` / `operation`. */
  decide(service: string, operation: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    if (this.rules.length === 0) return decision;
    this.requests++;
    for (const r of this.rules) {
      if ((r.rule.service !== '*' && r.rule.service !== service) || !r.operation.test(operation)) continue;
      r.matched++;
      if (this.random() >= r.rule.probability) continue;
      r.fired++;
      if (r.rule.fault === 'latency') {
        decision.latencyMs += r.rule.latencyMs ?? 0;
        continue;
      }
      decision.fault = r.rule.fault;
      break;
    }
    return decision;
  }

  /**
   * Decides, waits out any added latency, and says what to answer instead of the service: the service's
   * own error in its protocol, 'drop' to close the connection without an answer, or undefined to go on.
   */
  async inject(service: string, protocol: WireProtocol, operation: string): Promise<AwsError | 'drop' | undefined> {
    if (this.rules.length === 0) return undefined;
    const d = this.decide(service, operation);
    if (d.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, d.latencyMs));
    if (!d.fault) return undefined;
    if (d.fault === 'dropConnection') return 'drop';
    return faultError(d.fault, service, protocol);
  }
}
