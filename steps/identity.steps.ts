import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import type { LabWorld } from '../support/world.js';

/**
 * The answers of "When" steps. Every call's outcome (success or AWS's refusal) is kept on the world; these
 * steps assert on it, and the evidence already holds the full answer.
 */

function lastOutcome(world: LabWorld) {
  if (!world.last) throw new Error('No call was made yet in this scenario; a "When … " step must come first.');
  return world.last;
}

function describeOutcome(world: LabWorld): string {
  const o = lastOutcome(world);
  return o.ok
    ? `${o.call.operation} by ${o.call.principal}${o.call.resource ? ` on ${o.call.resource}` : ''} succeeded`
    : `${o.call.operation} by ${o.call.principal}${o.call.resource ? ` on ${o.call.resource}` : ''} was refused with ${o.error.code}${o.error.httpStatus ? ` (HTTP ${o.error.httpStatus})` : ''}: ${o.error.message}`;
}

function assertRefused(world: LabWorld, code: string, opts: { status?: number; message?: string; mentioning?: string } = {}) {
  const o = lastOutcome(world);
  assert.ok(!o.ok, `Expected a refusal with ${code}, but ${describeOutcome(world)}.`);
  assert.equal(o.error.code, code, `Expected ${code}, but ${describeOutcome(world)}.`);
  if (opts.status !== undefined) assert.equal(o.error.httpStatus, opts.status, `Expected HTTP ${opts.status}, but ${describeOutcome(world)}.`);
  if (opts.message !== undefined) assert.equal(o.error.message, world.expand(opts.message), `AWS's message differs. ${describeOutcome(world)}.`);
  if (opts.mentioning !== undefined) {
    const part = world.expand(opts.mentioning);
    assert.ok(o.error.message.includes(part), `Expected the message to mention "${part}", but ${describeOutcome(world)}.`);
  }
}

Then('it succeeds', function (this: LabWorld) {
  assert.ok(lastOutcome(this).ok, `Expected success, but ${describeOutcome(this)}.`);
});

Then('it is refused with {string}', function (this: LabWorld, code: string) {
  assertRefused(this, code);
});

Then('it is refused with {string} and the message {string}', function (this: LabWorld, code: string, message: string) {
  assertRefused(this, code, { message });
});

Then('it is refused with {string} mentioning {string}', function (this: LabWorld, code: string, mentioning: string) {
  assertRefused(this, code, { mentioning });
});

Then('it is refused with HTTP {int} {string}', function (this: LabWorld, status: number, code: string) {
  assertRefused(this, code, { status });
});

Then('it is refused with HTTP {int} {string} and the message {string}', function (this: LabWorld, status: number, code: string, message: string) {
  assertRefused(this, code, { status, message });
});

Then('it is refused with HTTP {int} {string} mentioning {string}', function (this: LabWorld, status: number, code: string, mentioning: string) {
  assertRefused(this, code, { status, mentioning });
});
