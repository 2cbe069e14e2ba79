import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient, ListKeysCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mulberry32 } from '../../emulator/faults/prng.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { clientConfig, freshEmulator } from '../helpers/emulator.js';
import { clearFaults, getFaults, setFaults } from '../helpers/faults.js';
import { lookup } from '../cloudtrail/support.js';

// What an SDK sees when a fault is injected: each service's own error in its own protocol, retryable as
// AWS's are, and recorded by CloudTrail like any failed call.

interface SdkError { name: string; message: string; $fault?: string; $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string } }

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  assert.fail('the call succeeded but an injected fault was expected');
}

/** A seed whose first draw fires a rule of probability p and whose second does not: the first attempt fails, the retry passes. */
function seedFailingOnce(p: number): number {
  for (let seed = 0; ; seed++) {
    const draw = mulberry32(seed);
    if (draw() < p && draw() >= p) return seed;
  }
}

describe('injected faults on the wire', () => {
  let r: RunningEmulator;
  let kms: KMSClient, ct: CloudTrailClient, sts: STSClient, iam: IAMClient, s3: S3Client;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    kms = new KMSClient(clientConfig(r));
    ct = new CloudTrailClient(clientConfig(r));
    sts = new STSClient(clientConfig(r));
    iam = new IAMClient(clientConfig(r));
    s3 = new S3Client({ ...clientConfig(r), forcePathStyle: true });
  });
  after(() => r.stop());
  beforeEach(() => clearFaults(r));

  const every = (fault: string) => setFaults(r, { seed: 1, rules: [{ service: '*', probability: 1, fault }] });

  describe('throttling is each service\'s own throttling error', () => {
    beforeEach(() => every('throttling'));

    it('KMS: ThrottlingException (400) "You have exceeded the rate at which you may call KMS…"', async () => {
      const e = await failure(kms.send(new ListKeysCommand({})));
      assert.deepEqual([e.name, e.$metadata?.httpStatusCode], ['ThrottlingException', 400]);
      assert.equal(e.message, 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.');
    });

    it('CloudTrail: ThrottlingException (400) "Rate exceeded"', async () => {
      const e = await failure(ct.send(new DescribeTrailsCommand({})));
      assert.deepEqual([e.name, e.message, e.$metadata?.httpStatusCode], ['ThrottlingException', 'Rate exceeded', 400]);
    });

    it('STS: Throttling (400, Sender) "Rate exceeded"', async () => {
      const e = await failure(sts.send(new GetCallerIdentityCommand({})));
      assert.deepEqual([e.name, e.message, e.$metadata?.httpStatusCode, e.$fault], ['Throttling', 'Rate exceeded', 400, 'client']);
    });

    it('IAM: Throttling (400) "Rate exceeded"', async () => {
      const e = await failure(iam.send(new ListUsersCommand({})));
      assert.deepEqual([e.name, e.message, e.$metadata?.httpStatusCode], ['Throttling', 'Rate exceeded', 400]);
    });

    it('S3: SlowDown (503) "Please reduce your request rate."', async () => {
      const e = await failure(s3.send(new ListBucketsCommand({})));
      assert.deepEqual([e.name, e.message, e.$metadata?.httpStatusCode], ['SlowDown', 'Please reduce your request rate.', 503]);
    });
  });

  describe('server errors are the protocol\'s own', () => {
    it('internalError: KMS InternalFailure (500)', async () => {
      await every('internalError');
      const e = await failure(kms.send(new ListKeysCommand({})));
      assert.deepEqual([e.name, e.$metadata?.httpStatusCode, e.$fault], ['InternalFailure', 500, 'server']);
      assert.equal(e.message, 'The request processing has failed because of an unknown error, exception or failure.');
    });

    it('internalError: STS InternalFailure (500, Receiver)', async () => {
      await every('internalError');
      const e = await failure(sts.send(new GetCallerIdentityCommand({}))) as SdkError & { Type?: string };
      assert.deepEqual([e.name, e.$metadata?.httpStatusCode, e.Type], ['InternalFailure', 500, 'Receiver']);
    });

    it('internalError: S3 InternalError (500) "We encountered an internal error. Please try again."', async () => {
      await every('internalError');
      const e = await failure(s3.send(new ListBucketsCommand({})));
      assert.deepEqual([e.name, e.message, e.$metadata?.httpStatusCode], ['InternalError', 'We encountered an internal error. Please try again.', 500]);
    });

    it('serviceUnavailable: KMS ServiceUnavailable (503) "The request has failed due to a temporary failure of the server."', async () => {
      await every('serviceUnavailable');
      const e = await failure(kms.send(new ListKeysCommand({})));
      assert.deepEqual([e.name, e.message, e.$metadata?.httpStatusCode], ['ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503]);
    });

    it('serviceUnavailable: S3 ServiceUnavailable (503) "Service is unable to handle request."', async () => {
      await every('serviceUnavailable');
      const e = await failure(s3.send(new ListBucketsCommand({})));
      assert.deepEqual([e.name, e.message, e.$metadata?.httpStatusCode], ['ServiceUnavailable', 'Service is unable to handle request.', 503]);
    });

    it('dropConnection: the socket closes without an answer', async () => {
      await every('dropConnection');
      const e = await failure(kms.send(new ListKeysCommand({}))) as SdkError & { code?: string };
      assert.equal(e.code, 'ECONNRESET');
    });
  });

  for (const fault of ['throttling', 'internalError', 'serviceUnavailable', 'dropConnection']) {
    it(`the SDK's standard retry recovers from a single ${fault}`, async () => {
      await setFaults(r, { seed: seedFailingOnce(0.5), rules: [{ service: 'kms', probability: 0.5, fault }] });
      const retrying = new KMSClient({ ...clientConfig(r), maxAttempts: 3, retryMode: 'standard' });
      const out = await retrying.send(new ListKeysCommand({}));
      assert.equal(out.$metadata.attempts, 2);
      assert.deepEqual((await getFaults(r)).rules.map((x) => [x.matched, x.fired]), [[2, 1]]);
    });
  }

  it('latency delays the answer by latencyMs', async () => {
    await setFaults(r, { seed: 1, rules: [{ service: 'sts', operation: 'GetCallerIdentity', probability: 1, fault: 'latency', latencyMs: 300 }] });
    const t0 = performance.now();
    const out = await sts.send(new GetCallerIdentityCommand({}));
    assert.ok(performance.now() - t0 >= 290, `answered after ${performance.now() - t0} ms`);
    assert.equal(out.Account, '000000000000');
  });

  it('CloudTrail records an injected fault as a failed call, with errorCode and errorMessage', async () => {
    await setFaults(r, { seed: 1, rules: [{ service: 'kms', operation: 'CreateKey', probability: 1, fault: 'throttling' }] });
    const e = await failure(kms.send(new CreateKeyCommand({ Description: 'throttled' })));
    const { Events } = await lookup(r, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }] });
    assert.equal(Events?.length, 1);
    const record = JSON.parse(Events![0].CloudTrailEvent!);
    assert.equal(record.errorCode, 'ThrottlingException');
    assert.equal(record.errorMessage, e.message);
    assert.equal(record.requestID, e.$metadata?.requestId);
  });

  it('a dropped connection leaves no CloudTrail record (nothing was answered)', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    await setFaults(r, { seed: 1, rules: [{ service: 'kms', operation: 'ScheduleKeyDeletion', probability: 1, fault: 'dropConnection' }] });
    await failure(kms.send(new ScheduleKeyDeletionCommand({ KeyId: KeyMetadata!.KeyId! })));
    const { Events } = await lookup(r, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ScheduleKeyDeletion' }] });
    assert.equal(Events?.length, 0);
  });
});
