import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Emulator } from '../core/emulator.js';
import { AwsError } from '../core/errors.js';
import { CLOUDTRAIL_PRINCIPAL } from './bucket-policy.js';
import { buildDigest, digestKey, sha256Hex, type DigestKeys, type DigestLogFile, type PreviousDigest } from './digest.js';
import type { InsightRecord } from './insights.js';
import type { CloudTrailRecord } from './record.js';
import type { Trail } from './trails.js';

/**
 * Log file delivery to S3, as `cloudtrail.amazonaws.com`, through the S3 port (which checks the bucket
 * policy: s3:PutObject with `s3:x-amz-acl` = bucket-owner-full-control, aws:SourceArn, aws:SourceAccount).
 *
 * - Log files (CT-UG cloudtrail-find-log-files, cloudtrail-log-file-examples):
 *   `[prefix/]AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 chars>.json.gz`,
 *   gzip of `{"Records":[…]}`, the time being the delivery time; one file per trail, Region and delivery.
 *   SSE-KMS with the trail's KmsKeyId when it has one.
 * - Insights files: the same under `CloudTrail-Insight/` with `<acct>_CloudTrail-Insight_<region>_…`
 *   (CT-UG logging-insights-events-with-cloudtrail).
 * - Digest files (digest.ts) for trails with log file validation: AWS delivers one per hour; the emulator
 *   delivers one per Region on every `POST /_emulator/cloudtrail/deliver`, and on timer runs only when log
 *   files were delivered since the last digest or the last digest is an hour old. The chain starts again
 *   (a "starting digest" with null previous* fields) when logging or validation is (re)started; after
 *   StopLogging one final digest covers what remained. Digests are not KMS-encrypted (AWS encrypts digest
 *   files with SSE-S3 even when the trail uses SSE-KMS).
 * Failed deliveries keep their records for the next run and are reported in GetTrailStatus
 * (LatestDeliveryError / LatestDigestDeliveryError: the S3 error code).
 */
export interface FileReport { trailArn: string; bucket: string; key: string; records?: number; logFiles?: number }
export interface DeliveryReport {
  logFiles: FileReport[];
  insightFiles: FileReport[];
  digestFiles: FileReport[];
  errors: Array<{ trailArn: string; file: string; error: string; message: string }>;
}

interface Queue {
  logs: Map<string, CloudTrailRecord[]>;
  insights: Map<string, InsightRecord[]>;
  undigested: Map<string, DigestLogFile[]>;
  /** Last digest per Region of the current chain; absent: the next digest starts a chain. */
  chain: Map<string, PreviousDigest>;
  chainStart?: Date;
}

const MAX_PENDING = 50_000;
const HOUR = 3600_000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** "The 16-character UniqueString component of the log file name … has no meaning" (CT-UG cloudtrail-log-file-examples). */
const unique16 = (): string => [...randomBytes(16)].map((b) => ALNUM[b % ALNUM.length]).join('');
const ymd = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '/');
const minuteStamp = (d: Date): string => d.toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z';

export function logKey(kind: 'CloudTrail' | 'CloudTrail-Insight', prefix: string | undefined, accountId: string, region: string, at: Date): string {
  const key = `AWSLogs/${accountId}/${kind}/${region}/${ymd(at)}/${accountId}_${kind}_${region}_${minuteStamp(at)}_${unique16()}.json.gz`;
  return prefix ? `${prefix}/${key}` : key;
}

export class Delivery {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly emulator: Emulator, private readonly keys: DigestKeys) {}

  private queue(t: Trail): Queue {
    let q = this.queues.get(t.arn);
    if (!q) this.queues.set(t.arn, (q = { logs: new Map(), insights: new Map(), undigested: new Map(), chain: new Map() }));
    return q;
  }

  enqueue(t: Trail, r: CloudTrailRecord): void {
    push(this.queue(t).logs, r.awsRegion, r);
  }

  enqueueInsight(t: Trail, r: InsightRecord): void {
    push(this.queue(t).insights, r.awsRegion, r);
  }

  /** StartLogging, or validation switched on: the next digest is a starting digest covering from `at`. */
  restartChain(t: Trail, at: Date): void {
    const q = this.queue(t);
    q.chain.clear();
    q.chainStart = at;
  }

  forget(t: Trail): void {
    this.queues.delete(t.arn);
  }

  pendingCount(t: Trail): number {
    const q = this.queues.get(t.arn);
    return q ? [...q.logs.values(), ...q.insights.values()].reduce((n, l) => n + l.length, 0) : 0;
  }

  reset(): void {
    this.queues.clear();
  }

  deliver(trails: Trail[], now: Date, mode: 'admin' | 'timer'): DeliveryReport {
    const report: DeliveryReport = { logFiles: [], insightFiles: [], digestFiles: [], errors: [] };
    for (const t of trails) {
      const q = this.queues.get(t.arn);
      if (!q && !t.status.isLogging) continue;
      const queue = q ?? this.queue(t);
      this.deliverLogs(t, queue, now, report);
      this.deliverInsights(t, queue, now, report);
      if (t.logFileValidationEnabled) this.deliverDigests(t, queue, now, mode, report);
      else queue.undigested.clear();
    }
    return report;
  }

  private put(t: Trail, key: string, body: Buffer, extra: { metadata?: Record<string, string>; kms?: boolean }): void {
    const s3 = this.emulator.s3;
    if (!s3) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    s3.putObjectAsService({
      servicePrincipal: CLOUDTRAIL_PRINCIPAL,
      bucket: t.s3BucketName,
      key,
      body: gzipSync(body),
      contentType: 'application/json',
      contentEncoding: 'gzip',
      metadata: extra.metadata,
      acl: 'bucket-owner-full-control',
      sourceArn: t.arn,
      sourceAccount: t.accountId,
      sseKmsKeyId: extra.kms ? t.kmsKeyId : undefined,
      // CloudTrail asks KMS with its own context beside S3's, so key policies can scope CloudTrail to the
      // account's trails: "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:ACCT:trail/*"
      // (CloudTrail User Guide, create-kms-key-policy-for-cloudtrail).
      sseKmsEncryptionContext: extra.kms && t.kmsKeyId ? { 'aws:cloudtrail:arn': t.arn } : undefined,
    });
  }

  private deliverLogs(t: Trail, q: Queue, now: Date, report: DeliveryReport): void {
    for (const [region, records] of q.logs) {
      if (records.length === 0) continue;
      records.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
      const key = logKey('CloudTrail', t.s3KeyPrefix, t.accountId, region, now);
      const body = Buffer.from(JSON.stringify({ Records: records }));
      t.status.latestDeliveryAttemptTime = now;
      try {
        this.put(t, key, body, { kms: true });
      } catch (e) {
        failed(e, t, key, report, 'log');
        continue;
      }
      q.logs.delete(region);
      t.status.latestDeliveryTime = now;
      t.status.latestDeliveryAttemptSucceeded = now;
      t.status.latestDeliveryError = undefined;
      push(q.undigested, region, {
        s3Bucket: t.s3BucketName, s3Object: key, hashValue: sha256Hex(body), hashAlgorithm: 'SHA-256',
        newestEventTime: records[records.length - 1].eventTime, oldestEventTime: records[0].eventTime,
      });
      report.logFiles.push({ trailArn: t.arn, bucket: t.s3BucketName, key, records: records.length });
    }
  }

  private deliverInsights(t: Trail, q: Queue, now: Date, report: DeliveryReport): void {
    for (const [region, records] of q.insights) {
      if (records.length === 0) continue;
      const key = logKey('CloudTrail-Insight', t.s3KeyPrefix, t.accountId, region, now);
      try {
        this.put(t, key, Buffer.from(JSON.stringify({ Records: records })), { kms: true });
      } catch (e) {
        failed(e, t, key, report, 'log');
        continue;
      }
      q.insights.delete(region);
      report.insightFiles.push({ trailArn: t.arn, bucket: t.s3BucketName, key, records: records.length });
    }
  }

  private deliverDigests(t: Trail, q: Queue, now: Date, mode: 'admin' | 'timer', report: DeliveryReport): void {
    const regions = new Set<string>([...q.undigested.keys(), ...q.chain.keys()]);
    if (t.status.isLogging) regions.add(t.homeRegion);
    for (const region of regions) {
      const logs = q.undigested.get(region) ?? [];
      const previous = q.chain.get(region);
      if (!t.status.isLogging && logs.length === 0) {
        q.chain.delete(region); // the final digest was delivered: the chain is closed
        continue;
      }
      const due = mode === 'admin' || logs.length > 0 || !previous || now.getTime() - previous.end.getTime() >= HOUR;
      if (!due) continue;
      const second = Math.floor(now.getTime() / 1000) * 1000;
      // Digest keys carry the end time to the second; keep them strictly increasing within a chain.
      const end = new Date(previous ? Math.max(second, previous.end.getTime() + 1000) : second);
      const start = previous?.end ?? q.chainStart ?? t.status.startLoggingTime ?? end;
      const objectKey = digestKey(t.s3KeyPrefix, t.accountId, region, t.name, t.homeRegion, end);
      const digest = buildDigest({ key: this.keys.forRegion(region), accountId: t.accountId, bucket: t.s3BucketName, objectKey,
        start: start.getTime() > end.getTime() ? end : start, end, previous, logFiles: logs });
      try {
        this.put(t, objectKey, digest.content, { metadata: { signature: digest.signature, 'signature-algorithm': 'SHA256withRSA' } });
      } catch (e) {
        failed(e, t, objectKey, report, 'digest');
        continue;
      }
      q.undigested.delete(region);
      q.chain.set(region, { bucket: t.s3BucketName, key: objectKey, hash: digest.hash, signature: digest.signature, end });
      t.status.latestDigestDeliveryTime = now;
      t.status.latestDigestDeliveryError = undefined;
      report.digestFiles.push({ trailArn: t.arn, bucket: t.s3BucketName, key: objectKey, logFiles: logs.length });
      if (!t.status.isLogging) q.chain.delete(region);
    }
  }
}

function push<T>(m: Map<string, T[]>, region: string, item: T): void {
  let l = m.get(region);
  if (!l) m.set(region, (l = []));
  l.push(item);
  if (l.length > MAX_PENDING) l.splice(0, l.length - MAX_PENDING);
}

function failed(e: unknown, t: Trail, key: string, report: DeliveryReport, what: 'log' | 'digest'): void {
  if (!(e instanceof AwsError)) throw e;
  if (what === 'log') t.status.latestDeliveryError = e.code;
  else t.status.latestDigestDeliveryError = e.code;
  report.errors.push({ trailArn: t.arn, file: key, error: e.code, message: e.message });
}

