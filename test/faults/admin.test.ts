import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { clientConfig, freshEmulator } from '../helpers/emulator.js';
import { clearFaults, getFaults, setFaults } from '../helpers/faults.js';

// The admin API of fault injection: PUT sets the rules, GET shows them with counters, DELETE removes them.

describe('/_emulator/faults', () => {
  let r: RunningEmulator;
  before(async () => { r = await freshEmulator({ cloudtrailDeliverySeconds: 0 }); });
  after(() => r.stop());
  beforeEach(() => clearFaults(r));

  const put = (body: string) => fetch(`${r.url}/_emulator/faults`, { method: 'PUT', body });
  const kms = (target: string) => fetch(r.url, { method: 'POST', headers: { 'x-amz-target': `TrentService.${target}`, 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });

  it('PUT installs the rules and answers them with zeroed counters', async () => {
    const status = await setFaults(r, { seed: 11, rules: [{ service: 'kms', operation: 'Encrypt', probability: 0.5, fault: 'throttling' }] });
    assert.deepEqual(status, { seed: 11, requests: 0, rules: [{ service: 'kms', operation: 'Encrypt', probability: 0.5, fault: 'throttling', matched: 0, fired: 0 }] });
  });

  it('GET shows how often each rule matched and fired', async () => {
    await setFaults(r, { seed: 11, rules: [{ service: 'sts', probability: 1, fault: 'throttling' }] });
    const sts = new STSClient(clientConfig(r));
    for (let i = 0; i < 3; i++) await sts.send(new GetCallerIdentityCommand({})).catch(() => undefined);
    const status = await getFaults(r);
    assert.equal(status.requests, 3);
    assert.deepEqual(status.rules.map((x) => [x.matched, x.fired]), [[3, 3]]);
  });

  it('GET without rules says so', async () => {
    assert.deepEqual(await getFaults(r), { seed: null, requests: 0, rules: [] });
  });

  it('DELETE removes every rule', async () => {
    await setFaults(r, { seed: 1, rules: [{ service: '*', probability: 1, fault: 'throttling' }] });
    const res = await fetch(`${r.url}/_emulator/faults`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { seed: null, requests: 0, rules: [] });
  });

  it('PUT refuses invalid rules with 400 and the reason, and keeps the rules it had', async () => {
    await setFaults(r, { seed: 1, rules: [{ service: 'kms', probability: 0.1, fault: 'throttling' }] });
    const res = await put(JSON.stringify({ seed: 1, rules: [{ service: 'kms', probability: 1.5, fault: 'throttling' }] }));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /rules\[0\]\.probability must be a number from 0 to 1/);
    assert.equal((await getFaults(r)).rules[0].probability, 0.1);
  });

  it('PUT refuses a body that is not JSON with 400', async () => {
    const res = await put('{"seed": 1, "rules": [');
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'The request body of PUT /_emulator/faults must be a JSON object.' });
  });

  it('POST /_emulator/reset leaves the rules in place (they are configuration, not state)', async () => {
    await setFaults(r, { seed: 1, rules: [{ service: 'kms', probability: 1, fault: 'throttling' }] });
    assert.equal((await fetch(`${r.url}/_emulator/reset`, { method: 'POST' })).status, 200);
    assert.equal((await getFaults(r)).rules.length, 1);
  });

  it('never applies to the admin API itself', async () => {
    await setFaults(r, { seed: 1, rules: [{ service: '*', probability: 1, fault: 'dropConnection' }] });
    assert.equal((await fetch(`${r.url}/_emulator/health`)).status, 200);
    assert.equal((await getFaults(r)).requests, 0);
  });

  it('applies only after authentication: an unsigned call gets its authentication error, not a fault', async () => {
    await setFaults(r, { seed: 1, rules: [{ service: '*', probability: 1, fault: 'internalError' }] });
    const res = await kms('ListKeys');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.equal((await getFaults(r)).requests, 0);
  });
});
