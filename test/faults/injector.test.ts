import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultInjector } from '../../emulator/faults/injector.js';
import type { KnownServices } from '../../emulator/faults/rules.js';

// How rules are applied to requests: seeded, in order, counted.

const KNOWN: KnownServices = { names: ['kms', 's3', 'sts', 'iam', 'cloudtrail'], operations: () => undefined };
const injector = (config: unknown): FaultInjector => {
  const f = new FaultInjector();
  f.configure(config, KNOWN);
  return f;
};
const run = (f: FaultInjector, n: number, service = 'kms', operation = 'Encrypt') =>
  Array.from({ length: n }, () => f.decide(service, operation).fault ?? '-').join(',');

describe('fault injection decisions', () => {
  it('are the same for the same seed and the same sequence of requests', () => {
    const config = { seed: 1234, rules: [{ service: '*', probability: 0.3, fault: 'throttling' }, { service: '*', probability: 0.3, fault: 'internalError' }] };
    assert.equal(run(injector(config), 200), run(injector(config), 200));
  });

  it('differ between seeds', () => {
    const rules = [{ service: '*', probability: 0.5, fault: 'throttling' }];
    assert.notEqual(run(injector({ seed: 1, rules }), 100), run(injector({ seed: 2, rules }), 100));
  });

  it('never fire a rule of probability 0 and always fire one of probability 1', () => {
    assert.equal(run(injector({ seed: 5, rules: [{ service: '*', probability: 0, fault: 'throttling' }] }), 50), Array(50).fill('-').join(','));
    assert.equal(run(injector({ seed: 5, rules: [{ service: '*', probability: 1, fault: 'throttling' }] }), 50), Array(50).fill('throttling').join(','));
  });

  it('fire at about the configured rate', () => {
    const f = injector({ seed: 42, rules: [{ service: '*', probability: 0.2, fault: 'throttling' }] });
    const fired = run(f, 10_000).split(',').filter((x) => x === 'throttling').length;
    assert.ok(fired > 1800 && fired < 2200, `fired ${fired} of 10000`);
  });

  it('apply a rule only to its service and to operations its pattern matches', () => {
    const f = injector({ seed: 1, rules: [{ service: 's3', operation: 'Put*', probability: 1, fault: 'throttling' }] });
    assert.equal(f.decide('s3', 'PutObject').fault, 'throttling');
    assert.equal(f.decide('s3', 'PutBucketPolicy').fault, 'throttling');
    assert.equal(f.decide('s3', 'GetObject').fault, undefined);
    assert.equal(f.decide('kms', 'PutKeyPolicy').fault, undefined);
  });

  it('match ? to exactly one character', () => {
    const f = injector({ seed: 1, rules: [{ service: 'kms', operation: '?ncrypt', probability: 1, fault: 'throttling' }] });
    assert.equal(f.decide('kms', 'Encrypt').fault, 'throttling');
    assert.equal(f.decide('kms', 'ReEncrypt').fault, undefined);
  });

  it('add up the latency of every latency rule that fires, and stop at the first failing rule', () => {
    const f = injector({ seed: 1, rules: [
      { service: '*', probability: 1, fault: 'latency', latencyMs: 100 },
      { service: 'kms', probability: 1, fault: 'latency', latencyMs: 20 },
      { service: '*', probability: 1, fault: 'serviceUnavailable' },
      { service: '*', probability: 1, fault: 'throttling' },
      { service: '*', probability: 1, fault: 'latency', latencyMs: 5000 },
    ] });
    assert.deepEqual(f.decide('kms', 'Encrypt'), { latencyMs: 120, fault: 'serviceUnavailable' });
    assert.deepEqual(f.status().rules.map((r) => r.fired), [1, 1, 1, 0, 0]);
  });

  it('count per rule how many requests it matched and how many it fired on', () => {
    const f = injector({ seed: 3, rules: [{ service: 'kms', probability: 0.5, fault: 'throttling' }] });
    const decisions = run(f, 40).split(',');
    run(f, 10, 'sts', 'GetCallerIdentity');
    const s = f.status();
    assert.equal(s.requests, 50);
    assert.equal(s.rules[0].matched, 40);
    assert.equal(s.rules[0].fired, decisions.filter((d) => d === 'throttling').length);
  });

  it('start counting again when rules are replaced, and inject nothing once cleared', () => {
    const f = injector({ seed: 3, rules: [{ service: '*', probability: 1, fault: 'throttling' }] });
    run(f, 5);
    f.configure({ seed: 3, rules: [{ service: '*', probability: 1, fault: 'internalError' }] }, KNOWN);
    assert.deepEqual(f.status().rules.map((r) => [r.matched, r.fired]), [[0, 0]]);
    f.clear();
    assert.equal(f.decide('kms', 'Encrypt').fault, undefined);
    assert.deepEqual(f.status(), { seed: null, requests: 0, rules: [] });
  });
});
