import { createHash } from 'node:crypto';
import { checksumOf } from '../auth/checksums.js';
import { AwsError } from '../core/errors.js';
import type { RestRequest } from '../core/service.js';
import { invalidRequest } from './errors.js';
import { header } from './router.js';
import type { Checksum } from './state.js';

/**
 * Integrity checks of an uploaded payload: Content-MD5 and the flexible checksums (x-amz-checksum-*),
 * sent as a header or, by the SDKs for streamed bodies, as an aws-chunked trailer (already verified by
 * the SigV4 pipeline, emulator/auth/chunked.ts; here it is only recorded).
 * Messages: LS-SNAP test_s3_invalid_content_md5, test_put_object_checksum[…], test_s3_checksum_no_algorithm.
 */

const ALGORITHMS: ReadonlyArray<{ name: Checksum['algorithm']; header: string; bytes: number }> = [
  { name: 'CRC32', header: 'x-amz-checksum-crc32', bytes: 4 },
  { name: 'CRC32C', header: 'x-amz-checksum-crc32c', bytes: 4 },
  { name: 'CRC64NVME', header: 'x-amz-checksum-crc64nvme', bytes: 8 },
  { name: 'SHA1', header: 'x-amz-checksum-sha1', bytes: 20 },
  { name: 'SHA256', header: 'x-amz-checksum-sha256', bytes: 32 },
];

export const checksumHeaderOf = (algorithm: Checksum['algorithm']): string => `x-amz-checksum-${algorithm.toLowerCase()}`;

export function computeChecksum(algorithm: Checksum['algorithm'], data: Uint8Array): string {
  return checksumOf(checksumHeaderOf(algorithm), data)!;
}

const base64Of = (value: string, bytes: number): boolean =>
  /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === bytes;

export const md5Hex = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

/**
 * Verifies Content-MD5 and any x-amz-checksum-* header against the body; returns the checksum S3 keeps
 * with the object. With none sent, S3 computes CRC64NVME itself ("Amazon S3 … calculates a CRC64NVME
 * checksum … if you don't provide one", S3-UG checking-object-integrity, data integrity default of 2024-12).
 */
export function verifyPayload(req: Pick<RestRequest, 'headers' | 'trailers'>, body: Buffer): Checksum {
  const md5 = header(req.headers, 'content-md5');
  if (md5 !== undefined) {
    if (!base64Of(md5.trim(), 16)) throw new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { 'Content-MD5': md5 });
    const actual = createHash('md5').update(body).digest('base64');
    if (actual !== md5.trim()) {
      throw new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, {
        ExpectedDigest: Buffer.from(md5.trim(), 'base64').toString('hex'),
        CalculatedDigest: actual,
      });
    }
  }

  const sent = ALGORITHMS.filter((a) => header(req.headers, a.header) !== undefined);
  if (sent.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const sdkAlgorithm = header(req.headers, 'x-amz-sdk-checksum-algorithm')?.toUpperCase();
  if (sent.length === 1) {
    const a = sent[0]!;
    const value = header(req.headers, a.header)!.trim();
    if (!base64Of(value, a.bytes)) throw invalidRequest(`Value for ${a.header} header is invalid.`);
    if (computeChecksum(a.name, body) !== value) throw new AwsError('BadDigest', `The ${a.name} you specified did not match the calculated checksum.`, 400);
    return { algorithm: a.name, value, type: 'FULL_OBJECT' };
  }
  // Streamed uploads: the SDK announces the algorithm (x-amz-trailer) and sends the value as a trailer.
  for (const a of ALGORITHMS) {
    const value = req.trailers[a.header];
    if (value !== undefined) return { algorithm: a.name, value, type: 'FULL_OBJECT' };
  }
  if (sdkAlgorithm && ALGORITHMS.some((a) => a.name === sdkAlgorithm)) {
    const algorithm = sdkAlgorithm as Checksum['algorithm'];
    return { algorithm, value: computeChecksum(algorithm, body), type: 'FULL_OBJECT' };
  }
  return { algorithm: 'CRC64NVME', value: computeChecksum('CRC64NVME', body), type: 'FULL_OBJECT' };
}

/** Whether the caller sent a checksum of its own (S3 then echoes it in the PutObject response). */
export const checksumWasSent = (req: Pick<RestRequest, 'headers' | 'trailers'>): boolean =>
  ALGORITHMS.some((a) => header(req.headers, a.header) !== undefined || req.trailers[a.header] !== undefined) ||
  header(req.headers, 'x-amz-sdk-checksum-algorithm') !== undefined;
