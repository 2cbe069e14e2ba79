import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { getSigningKey } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const toBuffer = (d: SourceData): Buffer =>
  typeof d === 'string'
    ? Buffer.from(d, 'utf8')
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

/**
 * SHA-256 / HMAC-SHA256 in the shape @smithy/signature-v4 expects. `@smithy/hash-node` is not in
 * our dependency tree, and node:crypto is all it needs.
 */
export class NodeSha256 implements Checksum {
  private hash!: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: SourceData) {
    this.reset();
  }
  update(data: Uint8Array): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret ? createHmac('sha256', toBuffer(this.secret)) : createHash('sha256');
  }
}

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** Constant-time string comparison; the length of a signature or token is not a secret. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The request's signing key, wrapped as "HMAC this string-to-sign". Uses smithy's (cached) key
 * derivation so the emulator derives keys exactly as the SDK that signed the request did.
 */
export async function hmacSigner(
  accessKeyId: string,
  secretAccessKey: string,
  shortDate: string,
  region: string,
  service: string,
): Promise<(stringToSign: string) => string> {
  // smithy's own cache still computes an HMAC per call to build its cache key: keep the derived keys here.
  const id = `${shortDate}\n${region}\n${service}\n${accessKeyId}\n${secretAccessKey}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = Buffer.from(await getSigningKey(NodeSha256, { accessKeyId, secretAccessKey }, shortDate, region, service));
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  const signingKey = key;
  return (stringToSign) => createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** Derived signing keys by date, region, service and credentials (a key is valid for one day's scope). */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 1000;
