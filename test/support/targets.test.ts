import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { provisionActors, provisioner } from '../../support/actors.js';
import { ALL_CAPABILITIES } from '../../support/capabilities.js';
import { labParameters } from '../../support/parameters.js';
import { ResourceTracker } from '../../support/resources.js';
import { assertAllowedAccount, awsTarget, provisioningPlan } from '../../support/targets/aws.js';
import { embeddedTarget } from '../../support/targets/embedded.js';
import { localstackCapabilities, localstackTarget } from '../../support/targets/localstack.js';
import { motoTarget, motoUnavailable } from '../../support/targets/moto.js';

const log = () => {};

/** The standard credential chain, pointed at the emulator's root and at nothing on this machine. */
function useEmulatorCredentials(): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  return () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  };
}

describe('embedded target', () => {
  it('starts the emulator in-process on an ephemeral loopback port, with every capability, and stops it', async () => {
    const t = await embeddedTarget.start({ params: labParameters({ target: 'embedded', runId: 'test-embedded' }, {}), log });
    assert.match(t.connection.endpoint!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual([...t.capabilities].sort(), [...ALL_CAPABILITIES].sort());
    assert.equal(t.objectUrl('b', 'dir/a b.png'), `${t.connection.endpoint}/b/dir/a%20b.png`);
    await t.flushCloudTrail!();
    await t.stop();
    await assert.rejects(fetch(`${t.connection.endpoint}/_emulator/health`));
  });

  it('attaches to a running emulator (how --parallel workers share one) and leaves it running', async () => {
    const running = await startEmulator({ port: 0 });
    try {
      const t = await embeddedTarget.start({ params: labParameters({ target: 'embedded', endpoint: running.url, runId: 'test-attach' }, {}), log });
      await t.stop();
      assert.equal((await fetch(`${running.url}/_emulator/health`)).status, 200);
    } finally {
      await running.stop();
    }
  });

  it('says what to do when the endpoint is not an emulator', async () => {
    await assert.rejects(
      embeddedTarget.start({ params: labParameters({ target: 'embedded', endpoint: 'http://127.0.0.1:9', runId: 'test-bad' }, {}), log }),
      /does not answer \/_emulator\/health .*Start it with `kms-lab emulator` or omit --endpoint/,
    );
  });
});

describe('aws target, wired against the emulator\'s endpoint', () => {
  let emulator: RunningEmulator;
  let restore: () => void;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
    restore = useEmulatorCredentials();
  });
  after(async () => {
    restore();
    await emulator.stop();
  });

  it('refuses to provision without --allow-account, and with the wrong one', async () => {
    await assert.rejects(
      awsTarget.start({ params: labParameters({ target: 'aws', endpoint: emulator.url, runId: 'test-aws' }, {}), log }),
      /Refusing to provision in AWS account 000000000000 .*pass --allow-account 000000000000/,
    );
    await assert.rejects(
      assertAllowedAccount(labParameters({ target: 'aws', endpoint: emulator.url, allowAccount: '111122223333', runId: 'test-aws' }, {})),
      /--allow-account is 111122223333 but the credentials .* are for account 000000000000/,
    );
  });

  it('with the caller\'s account: every capability, AWS timings, and actors provisioned through the credential chain', async () => {
    const params = labParameters({ target: 'aws', endpoint: emulator.url, allowAccount: '000000000000', runId: 'test-aws' }, {});
    const t = await awsTarget.start({ params, log });
    assert.equal(t.connection.credentials, undefined, 'the standard chain, not fixed credentials');
    assert.equal(t.timing.cloudTrailDeadlineMs, 20 * 60_000);
    assert.deepEqual([...t.capabilities].sort(), [...ALL_CAPABILITIES].sort());
    assert.equal(t.objectUrl('b', 'k'), `${emulator.url}/b/k`);
    const owner = await provisioner(t);
    assert.equal(owner.accountId, '000000000000');
    const tracker = new ResourceTracker();
    const actors = await provisionActors({ target: t, owner, runId: 'test-aws', worker: '0', tracker });
    assert.deepEqual([...actors.keys()], ['administrator', 'student', 'auditor']);
    assert.match(actors.get('student')!.sessionArn, /^arn:aws:sts::000000000000:assumed-role\/kms-lab-test-aws-w0-student\//);
    const cleanup = await tracker.cleanup();
    assert.deepEqual(cleanup.failed, []);
    assert.equal(cleanup.removed.length, 4, 'three roles and the run user');
    owner.clients.destroy();
  });

  it('the plan names the account, the caller, and the run tag', () => {
    const plan = provisioningPlan(labParameters({ target: 'aws', runId: 'abc-1234', region: 'ap-northeast-1' }, {}), { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/me' }, 35);
    assert.match(plan, /account 111122223333, region ap-northeast-1, as arn:aws:iam::111122223333:user\/me/);
    assert.match(plan, /35 selected scenario/);
    assert.match(plan, /tagged kms-lab:run-id=abc-1234/);
  });
});

describe('localstack target', () => {
  let fake: Server;
  let fakeUrl: string;
  before(async () => {
    // Stands in for LocalStack's own health route, which names the edition.
    fake = createServer((req, res) => {
      res.writeHead(req.url === '/_localstack/health' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ edition: 'pro', services: { kms: 'running' } }));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => fake.close(() => r())));

  it('an endpoint that reports the Pro edition gets CloudTrail; ENFORCE_IAM adds IAM enforcement', async () => {
    const t = await localstackTarget.start({ params: labParameters({ target: 'localstack', endpoint: fakeUrl, runId: 'test-ls' }, {}), log });
    assert.equal(t.description, `LocalStack (pro) at ${fakeUrl}`);
    assert.deepEqual([...t.capabilities].sort(), ['cloudtrail.logDelivery', 'cloudtrail.lookupEvents']);
    assert.deepEqual([...localstackCapabilities('pro', true)].sort(), ['cloudtrail.logDelivery', 'cloudtrail.lookupEvents', 'iam.enforcement']);
    assert.deepEqual([...localstackCapabilities('community', true)], []);
  });

  it('against the emulator\'s endpoint (not LocalStack): Community, nothing claimed', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const t = await localstackTarget.start({ params: labParameters({ target: 'localstack', endpoint: emulator.url, runId: 'test-ls' }, {}), log });
      assert.deepEqual([...t.capabilities], []);
      assert.match(t.capabilityNotes['iam.enforcement']!, /Pro feature/);
    } finally {
      await emulator.stop();
    }
  });

  it('without an endpoint it needs @testcontainers/localstack, and says how to get it', async (t) => {
    const installed = await import('@testcontainers/localstack' as string).then(() => true, () => false);
    if (installed) return t.skip('@testcontainers/localstack is installed; starting a container needs a Docker engine, which this test does not assume');
    await assert.rejects(
      localstackTarget.start({ params: labParameters({ target: 'localstack', runId: 'test-ls' }, {}), log }),
      /needs @testcontainers\/localstack 11\.14\.0 .*or pass --endpoint for a running LocalStack/,
    );
  });
});

describe('moto target', () => {
  it('explains a missing Python or moto', () => {
    assert.match(motoUnavailable('/nonexistent/python3')!, /is not available .*pip install 'moto\[server\]'/);
  });

  it('starts python3 -m moto.server on a free loopback port and stops exactly that process', async (t) => {
    const reason = motoUnavailable();
    if (reason) return t.skip(reason);
    const target = await motoTarget.start({ params: labParameters({ target: 'moto', runId: 'test-moto' }, {}), log });
    assert.match(target.connection.endpoint!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(target.capabilities.size, 0);
    assert.equal((await fetch(`${target.connection.endpoint}/moto-api/`)).status, 200);
    await target.stop();
    await assert.rejects(fetch(`${target.connection.endpoint}/moto-api/`));
  });
});
