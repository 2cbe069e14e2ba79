import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * S3's flexible checksums (x-amz-checksum-*), base64 of the big-endian digest, as SDKs send them in
 * an aws-chunked trailer. node:zlib has CRC32 (Node 20.15+); CRC32C and CRC64NVME are not in node,
 * so they are small table-driven implementations here.
 */

const table32 = (poly: number): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
};
const CRC32C = table32(0x82f63b78); // Castagnoli, reflected

function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC32C[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const MASK64 = (1n << 64n) - 1n;
const CRC64NVME = (() => {
  const t: bigint[] = [];
  for (let n = 0n; n < 256n; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ 0x9a6c9329ac4bc9b5n : c >> 1n;
    t.push(c);
  }
  return t;
})();

function crc64nvme(data: Uint8Array): bigint {
  let c = MASK64;
  for (const b of data) c = CRC64NVME[Number((c ^ BigInt(b)) & 0xffn)]! ^ (c >> 8n);
  return c ^ MASK64;
}

const be32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const be64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};

/** Trailer name → S3's algorithm name (as S3 spells it in BadDigest messages) and its digest. */
const ALGORITHMS: Record<string, { name: string; digest: (data: Uint8Array) => Buffer }> = {
  'x-amz-checksum-crc32': { name: 'CRC32', digest: (d) => be32(crc32(d)) },
  'x-amz-checksum-crc32c': { name: 'CRC32C', digest: (d) => be32(crc32c(d)) },
  'x-amz-checksum-crc64nvme': { name: 'CRC64NVME', digest: (d) => be64(crc64nvme(d)) },
  'x-amz-checksum-sha1': { name: 'SHA1', digest: (d) => createHash('sha1').update(d).digest() },
  'x-amz-checksum-sha256': { name: 'SHA256', digest: (d) => createHash('sha256').update(d).digest() },
};

/** Base64 checksum of `data` for an x-amz-checksum-* name, or undefined for an unknown algorithm. */
export function checksumOf(headerName: string, data: Uint8Array): string | undefined {
  return ALGORITHMS[headerName]?.digest(data).toString('base64');
}

/** The first x-amz-checksum-* trailer whose value does not match `data`, by S3's algorithm name. */
export function mismatchedChecksum(trailers: Record<string, string>, data: Uint8Array): string | undefined {
  for (const [name, value] of Object.entries(trailers)) {
    const expected = checksumOf(name, data);
    if (expected !== undefined && expected !== value) return ALGORITHMS[name]!.name;
  }
  return undefined;
}
