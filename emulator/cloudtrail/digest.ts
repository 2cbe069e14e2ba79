import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ctTime } from './user-identity.js';
import { invalidTimeRange } from './errors.js';

/**
 * Log file integrity validation: digest files and the keys that sign them.
 *
 * Format (CT-UG cloudtrail-log-file-validation-digest-file-structure): a gzipped JSON object with
 * awsAccountId, digestStartTime, digestEndTime, digestS3Bucket, digestS3Object, digestPublicKeyFingerprint,
 * digestSignatureAlgorithm "SHA256withRSA", newestEventTime/oldestEventTime (null when no logs),
 * previousDigestS3Bucket/Object/HashValue/HashAlgorithm "SHA-256"/Signature (all null in a starting digest),
 * logFiles[{s3Bucket, s3Object, hashValue, hashAlgorithm, newestEventTime, oldestEventTime}]. Hashes are hex
 * SHA-256 of the *uncompressed* content. The signature (hex) is in the object's `x-amz-meta-signature`
 * metadata, the algorithm in `x-amz-meta-signature-algorithm`.
 *
 * Signing follows what `aws cloudtrail validate-logs` verifies (awscli/customizations/cloudtrail/
 * validation.py, Sha256RSADigestValidator): the string
 *   `${digestEndTime}\n${digestS3Bucket}/${digestS3Object}\n${hex(sha256(uncompressed digest))}\n${previousDigestSignature ?? 'null'}`
 * signed RSA PKCS#1 v1.5 with SHA-256 (python-rsa `rsa.verify`), with the key published by ListPublicKeys
 * as a DER PKCS#1 RSAPublicKey (`rsa.PublicKey.load_pkcs1(base64.b64decode(Value), format='DER')`).
 *
 * "CloudTrail uses different key pairs for each AWS region": one key pair per Region, made on first use.
 * The fingerprint's algorithm is not documented; AWS's examples are 32 hex digits, so this emulator uses
 * the MD5 of the DER public key (inference).
 */
export interface RegionKey {
  region: string;
  privateKey: KeyObject;
  der: Buffer;
  fingerprint: string;
  validFrom: Date;
  validTo: Date;
}

const DAY = 24 * 3600 * 1000;

export class DigestKeys {
  private readonly keys = new Map<string, RegionKey>();

  constructor(private readonly clock: () => Date) {}

  forRegion(region: string): RegionKey {
    let k = this.keys.get(region);
    if (!k) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const der = publicKey.export({ type: 'pkcs1', format: 'der' });
      const now = this.clock().getTime();
      // Valid from a day before first use, so that a digest signed at a slightly earlier emulator time
      // (tests move the clock) still finds its key; AWS rotates keys, this emulator keeps one per Region.
      k = { region, privateKey, der, fingerprint: createHash('md5').update(der).digest('hex'),
        validFrom: new Date(now - DAY), validTo: new Date(now + 365 * DAY) };
      this.keys.set(region, k);
    }
    return k;
  }

  /**
   * ListPublicKeys: the Region's keys whose validity overlaps [StartTime, EndTime]; without a range, the key
   * valid now. `Value` is a blob: base64 of the DER key in JSON. (The AWS CLI v1 leaves blobs undecoded —
   * awscli/customizations/scalarparse.py sets `blob_parser=identity` — and validate-logs base64-decodes the
   * wire text itself; an SDK hands the caller the DER bytes.)
   */
  list(region: string, start?: Date, end?: Date): Array<{ Value: Buffer; ValidityStartTime: Date; ValidityEndTime: Date; Fingerprint: string }> {
    if (start && end && start.getTime() > end.getTime()) throw invalidTimeRange();
    const k = this.forRegion(region);
    const from = (start ?? end ?? this.clock()).getTime();
    const to = (end ?? start ?? this.clock()).getTime();
    if (k.validFrom.getTime() > to || k.validTo.getTime() < from) return [];
    return [{ Value: k.der, ValidityStartTime: k.validFrom, ValidityEndTime: k.validTo, Fingerprint: k.fingerprint }];
  }

  reset(): void {
    this.keys.clear();
  }
}

export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm: 'SHA-256';
  newestEventTime: string;
  oldestEventTime: string;
}

export interface PreviousDigest {
  bucket: string;
  key: string;
  /** hex SHA-256 of the previous digest's uncompressed content */
  hash: string;
  signature: string;
  end: Date;
}

export const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

const ymd = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '/');
const compact = (d: Date): string => ctTime(d).replace(/[-:]/g, '');

/**
 * `[prefix/]AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<home>_YYYYMMDDTHHMMSSZ.json.gz`
 * (first region: where the digest is delivered from; last: the trail's home Region). validate-logs reads the
 * timestamp back as `key[-24:-8]`.
 */
export function digestKey(prefix: string | undefined, accountId: string, region: string, trailName: string, homeRegion: string, end: Date): string {
  const key = `AWSLogs/${accountId}/CloudTrail-Digest/${region}/${ymd(end)}/${accountId}_CloudTrail-Digest_${region}_${trailName}_${homeRegion}_${compact(end)}.json.gz`;
  return prefix ? `${prefix}/${key}` : key;
}

export interface BuiltDigest {
  key: string;
  /** Uncompressed JSON, as hashed and signed. */
  content: Buffer;
  signature: string;
  hash: string;
}

export function buildDigest(p: {
  key: RegionKey;
  accountId: string;
  bucket: string;
  objectKey: string;
  start: Date;
  end: Date;
  previous?: PreviousDigest;
  logFiles: DigestLogFile[];
}): BuiltDigest {
  const times = p.logFiles.flatMap((l) => [l.oldestEventTime, l.newestEventTime]).sort();
  const digest = {
    awsAccountId: p.accountId,
    digestStartTime: ctTime(p.start),
    digestEndTime: ctTime(p.end),
    digestS3Bucket: p.bucket,
    digestS3Object: p.objectKey,
    digestPublicKeyFingerprint: p.key.fingerprint,
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: times.length ? times[times.length - 1] : null,
    oldestEventTime: times.length ? times[0] : null,
    previousDigestS3Bucket: p.previous?.bucket ?? null,
    previousDigestS3Object: p.previous?.key ?? null,
    previousDigestHashValue: p.previous?.hash ?? null,
    previousDigestHashAlgorithm: p.previous ? 'SHA-256' : null,
    previousDigestSignature: p.previous?.signature ?? null,
    logFiles: p.logFiles,
  };
  const content = Buffer.from(JSON.stringify(digest));
  const hash = sha256Hex(content);
  const toSign = `${digest.digestEndTime}\n${p.bucket}/${p.objectKey}\n${hash}\n${p.previous?.signature ?? 'null'}`;
  const signature = sign('sha256', Buffer.from(toSign), p.key.privateKey).toString('hex');
  return { key: p.objectKey, content, signature, hash };
}
