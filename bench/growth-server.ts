/**
 * The emulator for the growth benchmark, in its own process: the same services and request pipeline as
 * `kms-lab emulator`, plus an IPC channel through which the bench fills state directly (keys, objects,
 * CloudTrail events) — setup in milliseconds instead of minutes — and reads heap usage. Every measurement
 * is still made over HTTP. Run by bench/growth.ts with `node --expose-gc --import tsx`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { registerCloudTrail } from '../emulator/cloudtrail/index.js';
import { Emulator } from '../emulator/core/emulator.js';
import { handleRequest } from '../emulator/core/pipeline.js';
import { registerIam } from '../emulator/iam/index.js';
import { registerKms } from '../emulator/kms/index.js';
import { defaultKeyPolicy } from '../emulator/kms/policy.js';
import { makeKey } from '../emulator/kms/metadata.js';
import { registerS3 } from '../emulator/s3/index.js';
import { registerSts } from '../emulator/sts/index.js';

export type GrowthCommand =
  | { op: 'keys'; total: number }
  | { op: 'objects'; bucket: string; templateKey: string; total: number }
  | { op: 'events'; scopeTotal: number; otherTotal: number; keyArn: string }
  | { op: 'memory' }
  | { op: 'gc' };

const emulator = new Emulator({ cloudtrailDeliverySeconds: 0 });
registerIam(emulator);
const kms = registerKms(emulator);
registerSts(emulator);
const s3 = registerS3(emulator);
const cloudtrail = registerCloudTrail(emulator);
cloudtrail.lookupLimiter.setRate(0);

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

async function fillKeys(total: number): Promise<number> {
  const region = kms.region(ACCOUNT, REGION);
  while (region.keys.size < total) {
    kms.addKey(await makeKey({ accountId: ACCOUNT, region: REGION, now: new Date(), keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', description: 'growth', policyText: defaultKeyPolicy(ACCOUNT), tags: [] }));
  }
  return region.keys.size;
}

function fillObjects(bucketName: string, templateKey: string, total: number): number {
  const bucket = s3.buckets.get(bucketName);
  const template = bucket?.objects.get(templateKey);
  if (!bucket || !template) throw new Error(`no object ${templateKey} in bucket ${bucketName} to copy`);
  let i = bucket.objects.size;
  while (bucket.objects.size < total) {
    const key = `growth/${String(i++).padStart(7, '0')}.bin`;
    // A real copy of the sealed bytes, so that memory per object is what a stored object costs.
    const sealed = { ...template.sealed, data: Buffer.from(template.sealed.data), iv: Buffer.from(template.sealed.iv), tag: Buffer.from(template.sealed.tag) };
    bucket.objects.set(key, { ...template, key, sealed, etag: randomUUID().replace(/-/g, ''), metadata: {}, tags: [] });
  }
  return bucket.objects.size;
}

const NAMES = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'ListAliases', 'GetKeyPolicy', 'ListKeys'];
/** One rare name: the attribute lookup that has to look through (nearly) everything to fill a page. */
export const RARE = 'ScheduleKeyDeletion';
/** Events are spread evenly over the last day, oldest first (the order the recorder adds them in). */
const SPAN_MS = 24 * 3600 * 1000;

function fillEvents(scopeTotal: number, otherTotal: number, keyArn: string): { scope: number; total: number } {
  const store = cloudtrail.events;
  // Refilled from empty at each size: the recorder adds events in time order, and so does this.
  store.reset();
  const now = Date.now();
  const add = (accountId: string, i: number, n: number) => {
    const time = new Date(now - SPAN_MS + Math.floor((i * SPAN_MS) / n));
    const eventName = i % 1000 === 999 ? RARE : NAMES[i % NAMES.length];
    const eventId = randomUUID();
    const record = {
      eventVersion: '1.11',
      userIdentity: { type: 'IAMUser', principalId: 'AIDAGROWTH000000000000', arn: `arn:aws:iam::${accountId}:user/growth`, accountId, accessKeyId: 'AKIAGROWTH0000000000', userName: 'growth' },
      eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: 'kms.amazonaws.com', eventName, awsRegion: REGION, sourceIPAddress: '127.0.0.1',
      userAgent: 'aws-sdk-js/3.1161.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2 api/kms#3.1161.0 m/E,e',
      requestParameters: { keyId: keyArn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }, responseElements: null,
      requestID: randomUUID(), eventID: eventId, readOnly: true,
      resources: [{ accountId, type: 'AWS::KMS::Key', ARN: keyArn }], eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: accountId, eventCategory: 'Management',
    };
    store.add({
      eventId, accountId, region: REGION, time, visibleAt: 0, category: 'Management', eventName, eventSource: 'kms.amazonaws.com', readOnly: true,
      username: 'growth', accessKeyId: 'AKIAGROWTH0000000000', resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: keyArn }], json: JSON.stringify(record),
    });
  };
  for (let i = 0; i < scopeTotal; i++) add(ACCOUNT, i, scopeTotal);
  // Other accounts' events: the store's size grows, the looked-up scope does not.
  const perAccount = 50_000;
  for (let a = 0, done = 0; done < otherTotal; a++) {
    const n = Math.min(perAccount, otherTotal - done);
    const accountId = String(100000000000 + a);
    for (let i = 0; i < n; i++) add(accountId, i, n);
    done += n;
  }
  let scope = 0;
  for (const _ of store.newestFirst(ACCOUNT, REGION)) scope++;
  return { scope, total: scopeTotal + otherTotal };
}

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/** Time spent in garbage collection since start (ms), from the gc performance entries. */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

process.on('message', async (msg: { id: number; cmd: GrowthCommand }) => {
  try {
    const c = msg.cmd;
    const t = performance.now();
    let result: unknown;
    if (c.op === 'keys') result = await fillKeys(c.total);
    else if (c.op === 'objects') result = fillObjects(c.bucket, c.templateKey, c.total);
    else if (c.op === 'events') result = fillEvents(c.scopeTotal, c.otherTotal, c.keyArn);
    else if (c.op === 'gc') result = await new Promise((resolve) => setImmediate(() => resolve(gcMs)));
    else result = memory();
    process.send!({ id: msg.id, result, ms: performance.now() - t });
  } catch (e) {
    process.send!({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});

const server = createServer({ keepAlive: true }, (req, res) => {
  handleRequest(emulator, req, res).catch(() => res.destroy());
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`growth emulator listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
