import assert from 'node:assert/strict';
import type { RunningEmulator } from '../../emulator/server.js';
import type { FaultStatus } from '../../emulator/faults/index.js';

/** PUT /_emulator/faults; fails the test with the emulator's reason when the rules are refused. */
export async function setFaults(r: RunningEmulator, config: unknown): Promise<FaultStatus> {
  const res = await fetch(`${r.url}/_emulator/faults`, { method: 'PUT', body: JSON.stringify(config) });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body as FaultStatus;
}

export async function getFaults(r: RunningEmulator): Promise<FaultStatus> {
  const res = await fetch(`${r.url}/_emulator/faults`);
  assert.equal(res.status, 200);
  return (await res.json()) as FaultStatus;
}

export async function clearFaults(r: RunningEmulator): Promise<void> {
  const res = await fetch(`${r.url}/_emulator/faults`, { method: 'DELETE' });
  assert.equal(res.status, 200);
  await res.body?.cancel();
}

/** Lab-like chaos: `throttle` of every call on every service throttled, `errors` failing with a server error. */
export const chaosRules = (seed: number, throttle = 0.2, errors = 0.05) => ({
  seed,
  rules: [
    { service: '*', probability: throttle, fault: 'throttling' },
    { service: '*', probability: errors, fault: 'internalError' },
  ],
});
