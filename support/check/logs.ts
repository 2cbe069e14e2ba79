import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '../cloudtrail/records.js';
import type { StudentContext } from './context.js';
import type { TrailFact } from './facts.js';
import { cannotTell, read } from './read.js';
import { CannotTell } from './verdict.js';

/**
 * The log files a trail delivered: listed under [prefix/]AWSLogs/<account>/CloudTrail/ (every Region, as a
 * multi-region trail writes them), only those dated on or after `from` (the date is in the key), read oldest
 * first until `match` finds a record, at most ctx.maxLogFiles files. Reading is s3:ListBucket and s3:GetObject
 * on the trail bucket — "read on the trail bucket" in the instructor role; the guard allows GetObject on
 * CloudTrail's files only.
 */
export interface LogSearch {
  bucket: string;
  prefix: string;
  filesListed: number;
  filesRead: number;
  recordsRead: number;
  found?: { record: CloudTrailRecord; file: string };
}

const gunzipMaybe = (b: Buffer): Buffer => (b.length > 2 && b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b);

export function logPrefix(t: TrailFact, accountId: string): string {
  return `${t.keyPrefix ? `${t.keyPrefix.replace(/\/+$/, '')}/` : ''}AWSLogs/${accountId}/CloudTrail/`;
}

/** ".../CloudTrail/us-east-1/2026/05/04/..." → "2026-05-04". */
function dayOf(key: string): string | undefined {
  const m = /\/CloudTrail\/[a-z0-9-]+\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(key);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

async function listLogFiles(ctx: StudentContext, bucket: string, prefix: string): Promise<string[]> {
  return ctx.memo(`log files s3://${bucket}/${prefix}`, async () => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await read(ctx, `s3:ListBucket s3://${bucket}/${prefix}`, () =>
        ctx.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })));
      for (const o of page?.Contents ?? []) if (o.Key?.endsWith('.json.gz')) keys.push(o.Key);
      token = page?.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  });
}

async function readLogFile(ctx: StudentContext, bucket: string, key: string): Promise<CloudTrailRecord[]> {
  return ctx.memo(`log file s3://${bucket}/${key}`, async () => {
    let bytes: Uint8Array | undefined;
    try {
      const res = await ctx.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      bytes = await res.Body?.transformToByteArray();
    } catch (e) {
      throw cannotTell(ctx, `the trail's log files are not readable: s3:GetObject s3://${bucket}/${key}`, e);
    }
    try {
      const doc = JSON.parse(gunzipMaybe(Buffer.from(bytes ?? new Uint8Array())).toString('utf8')) as { Records?: CloudTrailRecord[] };
      return doc.Records ?? [];
    } catch (e) {
      throw new CannotTell(`the log file s3://${bucket}/${key} is not a CloudTrail log file (gzip of JSON): ${(e as Error).message}`);
    }
  });
}

export async function searchLogs(ctx: StudentContext, trail: TrailFact, from: Date, match: (r: CloudTrailRecord) => boolean): Promise<LogSearch> {
  if (!trail.bucket) throw new CannotTell(`the trail ${trail.name} names no S3 bucket`);
  const bucket = trail.bucket;
  const prefix = logPrefix(trail, ctx.entry.accountId);
  const fromDay = from.toISOString().slice(0, 10);
  const keys = (await listLogFiles(ctx, bucket, prefix))
    .filter((k) => (dayOf(k) ?? '9999') >= fromDay)
    .sort((a, b) => (dayOf(a) ?? '').localeCompare(dayOf(b) ?? '') || a.localeCompare(b));
  const search: LogSearch = { bucket, prefix, filesListed: keys.length, filesRead: 0, recordsRead: 0 };
  for (const key of keys) {
    if (search.filesRead >= ctx.maxLogFiles) {
      throw new CannotTell(`read ${search.filesRead} of the ${keys.length} log files in s3://${bucket}/${prefix} since ${fromDay} (the limit) without finding it; the rest were not read`);
    }
    const records = await readLogFile(ctx, bucket, key);
    search.filesRead++;
    search.recordsRead += records.length;
    const hit = records.find(match);
    if (hit) {
      search.found = { record: hit, file: key };
      return search;
    }
  }
  return search;
}
