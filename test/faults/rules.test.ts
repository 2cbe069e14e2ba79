import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultConfigError, parseFaultConfig, type KnownServices } from '../../emulator/faults/rules.js';

// The fault configuration PUT /_emulator/faults and `kms-lab emulator --faults FILE` take, and the reasons it
// is refused: a rule that silently never fires would let a chaos run pass for the wrong reason.

const KNOWN: KnownServices = {
  names: ['kms', 's3', 'sts', 'iam', 'cloudtrail'],
  operations: (s) => (s === 'kms' ? new Set(['Encrypt', 'Decrypt', 'CreateKey']) : undefined),
};
const parse = (input: unknown) => parseFaultConfig(input, KNOWN, () => 99);
const refusal = (input: unknown): string => {
  try {
    parse(input);
  } catch (e) {
    assert.ok(e instanceof FaultConfigError);
    return e.message;
  }
  assert.fail('the configuration was accepted');
};
const rule = (r: Record<string, unknown>) => ({ seed: 1, rules: [{ service: 'kms', probability: 0.5, fault: 'throttling', ...r }] });

describe('fault configuration', () => {
  it('takes rules as given, with operation defaulting to every operation', () => {
    const c = parse({ seed: 7, rules: [{ service: 'kms', probability: 0.2, fault: 'throttling' },
      { service: 's3', operation: 'Put*', probability: 1, fault: 'latency', latencyMs: 250 }] });
    assert.deepEqual(c, { seed: 7, rules: [
      { service: 'kms', operation: '*', probability: 0.2, fault: 'throttling' },
      { service: 's3', operation: 'Put*', probability: 1, fault: 'latency', latencyMs: 250 },
    ] });
  });

  it('chooses a seed when none is given (GET /_emulator/faults reports it, so the run can be repeated)', () => {
    assert.equal(parse({ rules: [] }).seed, 99);
  });

  it('accepts "*" for every service and names S3 operations it cannot list', () => {
    assert.equal(parse(rule({ service: '*', operation: 'Anything' })).rules[0].service, '*');
    assert.equal(parse(rule({ service: 's3', operation: 'PutObject' })).rules[0].operation, 'PutObject');
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['a body that is not an object', [], /must be a JSON object/],
    ['a member other than seed and rules', { seed: 1, rules: [], rule: [] }, /Unknown member "rule"/],
    ['rules that are not an array', { seed: 1 }, /rules must be an array of fault rules; got nothing/],
    ['a negative seed', { seed: -1, rules: [] }, /seed must be an integer from 0 to 4294967295; got -1/],
    ['a fractional seed', { seed: 1.5, rules: [] }, /seed must be an integer/],
    ['a rule that is not an object', { rules: ['kms'] }, /rules\[0\] must be an object/],
    ['an unknown service', rule({ service: 'ec2' }), /rules\[0\]\.service must be one of cloudtrail, iam, kms, s3, sts or "\*" .*got "ec2"/],
    ['a misspelt member', { rules: [{ service: 'kms', probabilty: 1, fault: 'throttling' }] }, /rules\[0\] has an unknown member "probabilty"/],
    ['a probability above 1', rule({ probability: 20 }), /rules\[0\]\.probability must be a number from 0 to 1 .*got 20/],
    ['a probability given as text', rule({ probability: '0.2' }), /probability must be a number from 0 to 1/],
    ['an unknown fault', rule({ fault: 'explode' }), /rules\[0\]\.fault must be one of throttling, internalError, serviceUnavailable, latency, dropConnection; got "explode"/],
    ['an operation the service does not have', rule({ operation: 'Encrpyt' }), /kms has no operation "Encrpyt", so the rule would never fire/],
    ['an operation pattern with other characters', rule({ operation: 'Put.*' }), /operation must be an operation name or a pattern with \* and \?/],
    ['a latency rule without latencyMs', rule({ fault: 'latency' }), /latencyMs must be an integer from 1 to 60000 for a latency rule; got nothing/],
    ['a latency above a minute', rule({ fault: 'latency', latencyMs: 120_000 }), /latencyMs must be an integer from 1 to 60000/],
    ['latencyMs on a rule that is not a latency rule', rule({ latencyMs: 10 }), /latencyMs only belongs to a "latency" rule; this rule's fault is "throttling"/],
    ['more than 100 rules', { rules: Array.from({ length: 101 }, () => ({ service: 'kms', probability: 0, fault: 'throttling' })) }, /At most 100 fault rules/],
  ];
  for (const [what, input, message] of refused) {
    it(`refuses ${what}, saying which member and what it may be`, () => {
      assert.match(refusal(input), message);
    });
  }
});
