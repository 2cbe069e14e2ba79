import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { DEFAULT_MAX_ATTEMPTS, makeClients, type AwsClients } from '../../support/clients.js';
import { getFaults, setFaults } from '../helpers/faults.js';

describe('the harness\'s SDK clients retry what AWS says is retryable, and nothing else', () => {
  let emulator: RunningEmulator;
  let clients: AwsClients;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
    // maxAttempts 3 keeps the backoff short; the default is checked separately.
    clients = makeClients({ endpoint: emulator.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 3 });
  });
  after(async () => {
    clients.destroy();
    await emulator.stop();
  });

  it('uses the standard retry mode with 5 attempts unless the connection asks for more', async () => {
    const c = makeClients({ endpoint: emulator.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      assert.equal(DEFAULT_MAX_ATTEMPTS, 5);
      for (const client of [c.kms, c.s3, c.sts, c.iam, c.cloudtrail]) {
        assert.equal(await client.config.maxAttempts(), 5);
        const mode: unknown = client.config.retryMode;
        assert.equal(typeof mode === 'function' ? await (mode as () => Promise<string>)() : mode, 'standard');
      }
    } finally {
      c.destroy();
    }
  });

  it('a KMS ThrottlingException is retried until maxAttempts, then surfaces', async () => {
    await setFaults(emulator, { seed: 1, rules: [{ service: 'kms', probability: 1, fault: 'throttling' }] });
    await assert.rejects(clients.kms.send(new ListKeysCommand({})), { name: 'ThrottlingException' });
    assert.equal((await getFaults(emulator)).rules[0]!.fired, 3);
  });

  it('an S3 500 InternalError is retried until maxAttempts, then surfaces', async () => {
    await setFaults(emulator, { seed: 1, rules: [{ service: 's3', probability: 1, fault: 'internalError' }] });
    await assert.rejects(clients.s3.send(new ListBucketsCommand({})), { name: 'InternalError' });
    assert.equal((await getFaults(emulator)).rules[0]!.fired, 3);
  });

  it('CloudTrail throttling is retried by the SDK too (the poller sees only what outlasts it)', async () => {
    await setFaults(emulator, { seed: 1, rules: [{ service: 'cloudtrail', probability: 1, fault: 'throttling' }] });
    await assert.rejects(clients.cloudtrail.send(new LookupEventsCommand({})), { name: 'ThrottlingException' });
    assert.equal((await getFaults(emulator)).rules[0]!.fired, 3);
  });

  it('a non-retryable error (KMS NotFoundException) is sent exactly once', async () => {
    await setFaults(emulator, { seed: 1, rules: [{ service: 'kms', probability: 0, fault: 'throttling' }] });
    await assert.rejects(clients.kms.send(new DescribeKeyCommand({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })), { name: 'NotFoundException' });
    assert.equal((await getFaults(emulator)).rules[0]!.matched, 1);
  });
});
