import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pLimit from 'p-limit';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, clientConfig, freshEmulator } from '../helpers/emulator.js';
import { aws, deliver, loggingTrail, lookup, readLogFile, type DeliverReport } from '../cloudtrail/support.js';

// Many clients at once on the same bucket, the same key and the same trail: no lost or torn writes, every
// KMS round trip intact, and CloudTrail — Event history and the delivered log files, delivered while the
// calls are still coming in — holds exactly one record per request, with digests that still validate.

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const noCli = await awsCliMissing();

const CLIENTS = 8;
const CONCURRENCY = 32;
const BUCKET = 'shared';
const TRAIL_BUCKET = 'busy-trail-logs';

interface Sent { requestId: string; eventName: string }

describe('many clients at once', () => {
  let r: RunningEmulator;
  let trailArn: string;
  let keyId: string;
  let s3: S3Client[];
  let kms: KMSClient[];
  const sent: Sent[] = [];
  const reports: DeliverReport[] = [];
  const started = new Date(Date.now() - 60_000);
  const limit = pLimit(CONCURRENCY);
  const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
  const note = (eventName: string, out: { $metadata: { requestId?: string } }) => sent.push({ requestId: out.$metadata.requestId!, eventName });

  /** Runs `work` while CloudTrail delivers every 150 ms, as a trail would while traffic goes on. */
  async function whileDelivering<T>(work: () => Promise<T>): Promise<T> {
    let running = true;
    const loop = (async () => {
      while (running) {
        reports.push(await deliver(r));
        await new Promise((res) => setTimeout(res, 150));
      }
    })();
    try {
      return await work();
    } finally {
      running = false;
      await loop;
    }
  }

  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    trailArn = await loggingTrail(r, { name: 'busy', bucket: TRAIL_BUCKET, validation: true, dataEvents: true });
    s3 = Array.from({ length: CLIENTS }, () => new S3Client({ ...clientConfig(r), forcePathStyle: true }));
    kms = Array.from({ length: CLIENTS }, () => new KMSClient(clientConfig(r)));
    await s3[0].send(new CreateBucketCommand({ Bucket: BUCKET }));
    keyId = (await kms[0].send(new CreateKeyCommand({ Description: 'shared key' }))).KeyMetadata!.KeyId!;
  });
  after(() => r.stop());

  it('objects written concurrently under distinct keys read back byte-identical, plain and SSE-KMS', async () => {
    const bodies = Array.from({ length: 120 }, (_, i) => randomBytes(1 + ((i * 7919) % 65_536)));
    await whileDelivering(() => Promise.all(bodies.map((body, i) => limit(async () => {
      const sse = i % 2 === 0 ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: keyId } : {};
      note('PutObject', await s3[i % CLIENTS].send(new PutObjectCommand({ Bucket: BUCKET, Key: `obj-${i}`, Body: body, ...sse })));
    }))));
    await whileDelivering(() => Promise.all(bodies.map((body, i) => limit(async () => {
      const out = await s3[(i + 3) % CLIENTS].send(new GetObjectCommand({ Bucket: BUCKET, Key: `obj-${i}` }));
      note('GetObject', out);
      assert.equal(md5(await out.Body!.transformToByteArray()), md5(body), `obj-${i}`);
    }))));
  });

  it('concurrent writers and readers of one key: every read returns one whole body that was written', async () => {
    const bodies = Array.from({ length: 60 }, (_, i) => Buffer.concat([Buffer.from(`writer ${i}\n`), Buffer.alloc(32_768 + i, i)]));
    const written = new Set(bodies.map(md5));
    const seen: string[] = [];
    await whileDelivering(() => Promise.all(bodies.flatMap((body, i) => [
      limit(async () => note('PutObject', await s3[i % CLIENTS].send(new PutObjectCommand({ Bucket: BUCKET, Key: 'contended', Body: body,
        ...(i % 3 === 0 ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: keyId } : {}) })))),
      limit(async () => {
        try {
          const out = await s3[(i + 1) % CLIENTS].send(new GetObjectCommand({ Bucket: BUCKET, Key: 'contended' }));
          note('GetObject', out);
          seen.push(md5(await out.Body!.transformToByteArray()));
        } catch (e) {
          // Before the first write lands the key does not exist yet; that is the only acceptable failure.
          assert.equal((e as Error).name, 'NoSuchKey');
          note('GetObject', e as { $metadata: { requestId?: string } });
        }
      }),
    ])));
    assert.ok(seen.length > 0);
    for (const h of seen) assert.ok(written.has(h), 'a read returned bytes no writer wrote (torn write)');
    const last = await s3[0].send(new GetObjectCommand({ Bucket: BUCKET, Key: 'contended' }));
    note('GetObject', last);
    assert.ok(written.has(md5(await last.Body!.transformToByteArray())), 'the object that remains is one whole body');
  });

  it('concurrent Encrypt and Decrypt on one key round-trip every plaintext', async () => {
    await whileDelivering(() => Promise.all(Array.from({ length: 150 }, (_, i) => limit(async () => {
      const plaintext = randomBytes(1 + (i % 4096));
      const context = { request: String(i) };
      const enc = await kms[i % CLIENTS].send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context }));
      note('Encrypt', enc);
      const dec = await kms[(i + 5) % CLIENTS].send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }));
      note('Decrypt', dec);
      assert.deepEqual(Buffer.from(dec.Plaintext!), plaintext);
    }))));
  });

  it('Event history has exactly one event per KMS request', async () => {
    for (const eventName of ['Encrypt', 'Decrypt']) {
      const found = new Map<string, number>();
      const eventIds = new Set<string>();
      let NextToken: string | undefined;
      do {
        const page = await lookup(r, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], MaxResults: 50, NextToken, StartTime: started });
        for (const e of page.Events ?? []) {
          const record = JSON.parse(e.CloudTrailEvent!) as { requestID: string; eventID: string };
          found.set(record.requestID, (found.get(record.requestID) ?? 0) + 1);
          assert.ok(!eventIds.has(record.eventID), `eventID ${record.eventID} twice`);
          eventIds.add(record.eventID);
        }
        NextToken = page.NextToken;
      } while (NextToken);
      const mine = sent.filter((s) => s.eventName === eventName);
      assert.equal(mine.length, 150);
      for (const s of mine) assert.equal(found.get(s.requestId), 1, `${eventName} ${s.requestId} is in Event history ${found.get(s.requestId) ?? 0} times`);
    }
  });

  it('the log files delivered while the calls came in hold exactly one record per request', async () => {
    reports.push(await deliver(r));
    const files = reports.flatMap((x) => x.logFiles).filter((f) => f.bucket === TRAIL_BUCKET);
    assert.deepEqual(reports.flatMap((x) => x.errors), [], 'no delivery failed');
    assert.equal(new Set(files.map((f) => f.key)).size, files.length, 'no log file was written twice');
    const byRequest = new Map<string, number>();
    const eventIds = new Set<string>();
    for (const f of files) {
      const records = await readLogFile(r, TRAIL_BUCKET, f.key);
      assert.equal(records.length, f.records);
      for (const rec of records) {
        assert.ok(!eventIds.has(rec.eventID), `eventID ${rec.eventID} delivered twice`);
        eventIds.add(rec.eventID);
        byRequest.set(`${rec.eventName}|${rec.requestID}`, (byRequest.get(`${rec.eventName}|${rec.requestID}`) ?? 0) + 1);
      }
    }
    const name = (s: Sent) => `${s.eventName}|${s.requestId}`;
    const missingOrTwice = sent.filter((s) => byRequest.get(name(s)) !== 1).map((s) => `${name(s)}: ${byRequest.get(name(s)) ?? 0}`);
    assert.deepEqual(missingOrTwice, [], 'every request is in the log files exactly once');
  });

  it('aws cloudtrail validate-logs finds every digest and log file valid', { skip: noCli }, async () => {
    const end = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const out = await aws(r, ['cloudtrail', 'validate-logs', '--trail-arn', trailArn, '--start-time', started.toISOString().replace(/\.\d{3}Z$/, 'Z'), '--end-time', end]);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /([1-9]\d*)\/\1 digest files valid/);
    assert.match(out.stdout, /([1-9]\d*)\/\1 log files valid/);
    assert.doesNotMatch(out.stdout, /INVALID/);
  });
});
