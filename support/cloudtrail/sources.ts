import { gunzipSync } from 'node:zlib';
import { LookupEventsCommand, type CloudTrailClient, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { RateLimiter } from './limiter.js';
import type { CloudTrailRecord, FoundRecord } from './records.js';

/** Something the poller can ask, again and again, for the records seen so far. */
export interface RecordSource {
  /** For messages: "LookupEvents ResourceName=arn:…" or "log files in s3://bucket/AWSLogs/…". */
  readonly description: string;
  fetch(): Promise<FoundRecord[]>;
}

/**
 * Management (and Insights) events through LookupEvents: one lookup attribute, a time window, every page.
 * Each page is one request through the shared limiter.
 */
export function lookupEventsSource(opts: {
  client: CloudTrailClient;
  limiter: RateLimiter;
  attribute: { key: LookupAttributeKey; value: string };
  startTime: Date;
  /** Pages per poll; LookupEvents returns at most 50 events a page. */
  maxPages?: number;
}): RecordSource {
  const { client, limiter, attribute, startTime, maxPages = 20 } = opts;
  return {
    description: `LookupEvents ${attribute.key}=${attribute.value} since ${startTime.toISOString()}`,
    async fetch() {
      const out: FoundRecord[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await limiter.schedule(() =>
          client.send(new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: attribute.key, AttributeValue: attribute.value }],
            StartTime: startTime,
            EndTime: new Date(Date.now() + 60_000),
            MaxResults: 50,
            NextToken: token,
          })),
        );
        for (const ev of page.Events ?? []) {
          if (!ev.CloudTrailEvent) continue;
          try {
            out.push({ record: JSON.parse(ev.CloudTrailEvent) as CloudTrailRecord, source: 'LookupEvents' });
          } catch {
            // A record that is not JSON cannot match; the count of records seen still includes the others.
          }
        }
        token = page.NextToken;
        pages++;
      } while (token && pages < maxPages);
      return out;
    },
  };
}

/** gzip magic bytes: S3 may or may not have decoded Content-Encoding: gzip for us. */
function maybeGunzip(b: Buffer): Buffer {
  return b.length > 2 && b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await res.Body?.transformToByteArray();
  return maybeGunzip(Buffer.from(bytes ?? new Uint8Array()));
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * Data events (and everything else a trail logs) from the log files delivered to the trail's bucket:
 * lists the prefix, reads only files not read before (gunzip; SSE-KMS is decrypted by S3 for a reader
 * allowed to use the key), and returns every record read so far.
 */
export function logFileSource(opts: {
  s3: S3Client;
  bucket: string;
  /** e.g. AWSLogs/<account>/CloudTrail/<region>/ */
  prefix: string;
  /** Asks the target to deliver pending files now (the embedded emulator), before listing. */
  flush?: () => Promise<void>;
}): RecordSource & { files(): string[] } {
  const { s3, bucket, prefix, flush } = opts;
  const read = new Map<string, CloudTrailRecord[]>();
  return {
    description: `log files in s3://${bucket}/${prefix}`,
    files: () => [...read.keys()],
    async fetch() {
      await flush?.();
      for (const key of await listKeys(s3, bucket, prefix)) {
        if (read.has(key) || !key.endsWith('.json.gz')) continue;
        const doc = JSON.parse((await readObject(s3, bucket, key)).toString('utf8')) as { Records?: CloudTrailRecord[] };
        read.set(key, doc.Records ?? []);
      }
      return [...read.entries()].flatMap(([key, records]) => records.map((record) => ({ record, source: key })));
    },
  };
}

/** A digest file as CloudTrail writes it (the fields the lab checks). */
export interface DigestFile {
  key: string;
  digestS3Object?: string;
  digestSignatureAlgorithm?: string;
  /** Hex signature from the object's x-amz-meta-signature. */
  signature?: string;
  digestStartTime?: string;
  digestEndTime?: string;
  digestS3Bucket?: string;
  digestPublicKeyFingerprint?: string;
  previousDigestSignature?: string | null;
  /** The uncompressed file, as signed. */
  raw: Buffer;
  logFiles: { s3Bucket?: string; s3Object?: string; hashValue?: string; hashAlgorithm?: string }[];
}

/** Digest files under AWSLogs/<account>/CloudTrail-Digest/<region>/, each read once. */
export function digestSource(opts: { s3: S3Client; bucket: string; prefix: string; flush?: () => Promise<void> }) {
  const { s3, bucket, prefix, flush } = opts;
  const read = new Map<string, DigestFile>();
  return {
    description: `digest files in s3://${bucket}/${prefix}`,
    async fetch(): Promise<DigestFile[]> {
      await flush?.();
      for (const key of await listKeys(s3, bucket, prefix)) {
        if (read.has(key) || !key.endsWith('.json.gz')) continue;
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = maybeGunzip(Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array()));
        const doc = JSON.parse(body.toString('utf8')) as Omit<DigestFile, 'key' | 'signature' | 'raw'>;
        read.set(key, { ...doc, key, raw: body, logFiles: doc.logFiles ?? [], signature: res.Metadata?.signature });
      }
      return [...read.values()];
    },
  };
}
