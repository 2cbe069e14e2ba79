import type { CallContext, RestRequest } from '../core/service.js';
import type { WireResponse } from '../protocols/wire.js';
import { toXml, type XmlValue } from '../protocols/xml.js';
import { noSuchBucket, S3_XMLNS } from './errors.js';
import type { Target } from './router.js';
import type { Bucket, S3State } from './state.js';

/** One S3 request on its way through a handler. */
export interface S3Call {
  req: RestRequest;
  ctx: CallContext;
  state: S3State;
  target: Target;
  /** CloudTrail eventName (router.ts). */
  operation: string;
  /** CloudTrail responseElements, when the operation has any (set by handlers). */
  responseElements?: Record<string, unknown>;
}

export type Handler = (call: S3Call) => WireResponse | Promise<WireResponse>;

export function requireBucket(call: S3Call): Bucket {
  const name = call.target.bucket!;
  const bucket = call.state.buckets.get(name);
  if (!bucket) throw noSuchBucket(name);
  return bucket;
}

export const xml = (root: string, body: XmlValue, headers: Record<string, string> = {}, status = 200): WireResponse => ({
  status,
  headers: { 'content-type': 'application/xml', ...headers },
  body: toXml(root, body, { xmlns: S3_XMLNS, flatLists: true }),
});

export const empty = (status = 200, headers: Record<string, string> = {}): WireResponse => ({ status, headers, body: '' });

/** RFC 1123, as S3 writes Last-Modified ("Wed, 21 Oct 2015 07:28:00 GMT"). */
export const httpDate = (d: Date): string => d.toUTCString();

/** S3 keeps times to the second (Last-Modified has no sub-second part; XML shows .000Z). */
export const toSecond = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
