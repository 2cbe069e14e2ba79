import { SignatureV4, createScope } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { NodeSha256 } from './crypto.js';
import { headerValue } from './params.js';
import type { Headers, Query } from './params.js';

/**
 * The canonical request and string to sign, rebuilt from exactly what the client said it signed.
 *
 * We reuse @smithy/signature-v4's own canonicalisation (path escaping, query sorting/encoding) through
 * its protected methods, rather than calling `sign()` again: `sign()` drops the `date` header and
 * applies its own unsignable-header list, so it cannot reproduce a signature over `date`
 * (see /work/shared/reference/toolchain.md §4.1).
 */
class Canonicaliser extends SignatureV4 {
  constructor(uriEscapePath: boolean) {
    // Credentials are required by the constructor but never used: we only canonicalise here.
    super({ service: 'canonical', region: 'canonical', credentials: { accessKeyId: '', secretAccessKey: '' }, sha256: NodeSha256, uriEscapePath });
  }
  canonicalRequest(request: HttpRequest, headers: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
  stringToSign(amzDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(amzDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256');
  }
}

// S3 signs the path encoded once; every other service encodes it a second time (SigV4 spec).
const singleEncoding = new Canonicaliser(false);
const doubleEncoding = new Canonicaliser(true);

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * S3's canonical URI: each segment decoded and encoded exactly once, so `/test$file.text` and
 * `/test%24file.text` both become `/test%24file.text`. Empty segments are kept (S3 keys may contain '//').
 */
export function s3CanonicalPath(rawPath: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  return path
    .split('/')
    .map((segment) => {
      try {
        return uriEncode(decodeURIComponent(segment));
      } catch {
        return segment; // not valid %-encoding: canonicalise it as sent
      }
    })
    .join('/');
}

/** Header values as SigV4 canonicalises them: folded, trimmed, runs of spaces collapsed. */
const canonicalValue = (v: string): string => v.replace(/[\r\n]+/g, ' ').replace(/[ \t]+/g, ' ').trim();

export interface CanonicalInput {
  method: string;
  rawPath: string;
  query: Query;
  headers: Headers;
  signedHeaders: string[];
  payloadHash: string;
  service: string;
  region: string;
  shortDate: string;
  amzDate: string;
}

export interface Canonical {
  canonicalRequest: string;
  stringToSign: string;
  scope: string;
  /** Signed headers the request does not carry (they canonicalise as empty, and the signature fails). */
  absentHeaders: string[];
}

export async function buildCanonical(input: CanonicalInput): Promise<Canonical> {
  const headers: Record<string, string> = {};
  const absentHeaders: string[] = [];
  for (const name of input.signedHeaders) {
    const value = headerValue(input.headers, name);
    if (value === undefined) absentHeaders.push(name);
    headers[name] = canonicalValue(value ?? '');
  }
  const s3 = input.service === 's3';
  const canonicaliser = s3 ? singleEncoding : doubleEncoding;
  const request = {
    method: input.method.toUpperCase(),
    protocol: 'https:',
    hostname: headers['host'] ?? '',
    path: s3 ? s3CanonicalPath(input.rawPath) : input.rawPath || '/',
    query: input.query,
    headers,
  } as HttpRequest;
  const canonicalRequest = canonicaliser.canonicalRequest(request, headers, input.payloadHash);
  const scope = createScope(input.shortDate, input.region, input.service);
  const stringToSign = await canonicaliser.stringToSign(input.amzDate, scope, canonicalRequest);
  return { canonicalRequest, stringToSign, scope, absentHeaders };
}
