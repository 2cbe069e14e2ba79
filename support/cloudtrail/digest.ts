import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ListPublicKeysCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DigestFile } from './sources.js';

/**
 * Log file integrity validation as `aws cloudtrail validate-logs` does it (CloudTrail user guide,
 * "custom validation"): the digest's SHA256withRSA signature over
 *   digestEndTime \n digestS3Bucket/digestS3Object \n hex(sha256(digest)) \n previousDigestSignature|null
 * with the public key ListPublicKeys publishes for the digest's fingerprint, and the log file's SHA-256.
 */
export function stringToSign(d: DigestFile): string {
  const hash = createHash('sha256').update(d.raw).digest('hex');
  return `${d.digestEndTime}\n${d.digestS3Bucket}/${d.digestS3Object}\n${hash}\n${d.previousDigestSignature ?? 'null'}`;
}

/**
 * ListPublicKeys' Value is a DER PKCS#1 RSA public key; the AWS CLI base64-decodes the (already decoded) blob
 * once more (validate-logs: `base64.b64decode(Value)`), i.e. the blob holds base64 text. Both are accepted.
 */
export function publicKeyFrom(value: Uint8Array): KeyObject {
  let der = Buffer.from(value);
  const text = der.toString('latin1');
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) der = Buffer.from(text, 'base64');
  try {
    return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  } catch {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
}

export interface DigestVerification {
  digest: string;
  logFile: string;
  /** The log file's SHA-256 as the digest (CloudTrail) gives it: what the evidence bundle records for it. */
  logFileSha256?: string;
  publicKeyFingerprint?: string;
  signatureValid: boolean;
  logFileHashValid: boolean;
  problems: string[];
}

export async function verifyDigestFor(opts: { digest: DigestFile; logFileKey: string; s3: S3Client; cloudtrail: CloudTrailClient; bucket: string }): Promise<DigestVerification> {
  const { digest: d, logFileKey, s3, cloudtrail, bucket } = opts;
  const problems: string[] = [];
  const entry = d.logFiles.find((f) => f.s3Object === logFileKey);
  if (!entry) problems.push(`the digest does not list ${logFileKey}`);
  if (d.digestSignatureAlgorithm !== 'SHA256withRSA') problems.push(`digestSignatureAlgorithm is ${d.digestSignatureAlgorithm}, not SHA256withRSA`);

  let signatureValid = false;
  if (!d.signature) problems.push('the digest object has no x-amz-meta-signature');
  else {
    const keys = await cloudtrail.send(new ListPublicKeysCommand({}));
    const pub = keys.PublicKeyList?.find((k) => k.Fingerprint === d.digestPublicKeyFingerprint);
    if (!pub?.Value) problems.push(`ListPublicKeys has no key with fingerprint ${d.digestPublicKeyFingerprint}`);
    else {
      const key = publicKeyFrom(pub.Value);
      signatureValid = verify('sha256', Buffer.from(stringToSign(d), 'utf8'), key, Buffer.from(d.signature, 'hex'));
      if (!signatureValid) problems.push('the digest signature does not verify with the published public key');
    }
  }

  let logFileHashValid = false;
  if (entry) {
    const res = await s3.send(new GetObjectCommand({ Bucket: entry.s3Bucket ?? bucket, Key: logFileKey }));
    const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
    const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    logFileHashValid = createHash('sha256').update(raw).digest('hex') === entry.hashValue;
    if (!logFileHashValid) problems.push(`the SHA-256 of ${logFileKey} differs from the digest's hashValue`);
  }
  return { digest: d.key, logFile: logFileKey, logFileSha256: entry?.hashValue, publicKeyFingerprint: d.digestPublicKeyFingerprint, signatureValid, logFileHashValid, problems };
}
