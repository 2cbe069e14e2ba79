import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import { ctAs } from './support.js';

// "The rate of lookup requests is limited to two per second, per account, per Region. If this limit is
// exceeded, a throttling error occurs." (API_LookupEvents)
describe('LookupEvents rate limit', () => {
  let r: RunningEmulator;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
  });
  after(() => r.stop());

  const burst = async (region: string, n: number) => {
    const ct = ctAs(r, undefined, region); // maxAttempts 1: the SDK does not retry
    const results = await Promise.allSettled(Array.from({ length: n }, () => ct.send(new LookupEventsCommand({ MaxResults: 1 }))));
    return results.map((x) => {
      if (x.status === 'fulfilled') return 'ok';
      const e = x.reason as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return `${e.name} ${e.$metadata?.httpStatusCode} ${e.message}`;
    });
  };

  it('a third request within the same second of an account and Region is refused with ThrottlingException', async () => {
    const out = await burst('eu-west-1', 4);
    assert.deepEqual(out.filter((x) => x === 'ok').length, 2, out.join('\n'));
    assert.deepEqual(out.filter((x) => x !== 'ok'), ['ThrottlingException 400 Rate exceeded', 'ThrottlingException 400 Rate exceeded']);
  });

  it('another Region has its own allowance', async () => {
    assert.deepEqual(await burst('eu-central-1', 2), ['ok', 'ok']);
  });

  it('the allowance comes back after a second', async () => {
    await burst('ap-south-1', 4);
    await new Promise((res) => setTimeout(res, 1100));
    assert.deepEqual(await burst('ap-south-1', 2), ['ok', 'ok']);
  });
});
