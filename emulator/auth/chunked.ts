import { mismatchedChecksum } from './checksums.js';
import { EMPTY_SHA256, safeEqual, sha256Hex } from './crypto.js';
import type { VerifyFail, VerifyOk } from './types.js';

/**
 * aws-chunked bodies (S3 streaming uploads), framed as `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`
 * and closed by a zero-size chunk plus optional trailer lines:
 * - STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signed, chained from the request signature;
 * - STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the same, then the trailers signed too;
 * - STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain chunks and trailers (what the JS SDK sends for streams).
 * Any x-amz-checksum-* trailer is checked against the de-framed data.
 */

const SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
const UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

export type Decoded = { ok: true; data: Buffer; trailers: Record<string, string> };

const malformed = (detail: string): VerifyFail => ({ ok: false, kind: 'malformed-body', detail });

export async function decodeAwsChunked(body: Buffer, v: VerifyOk): Promise<Decoded | VerifyFail> {
  const mode = v.payloadHash;
  if (mode !== SIGNED && mode !== SIGNED_TRAILER && mode !== UNSIGNED_TRAILER) return { ok: true, data: body, trailers: {} };
  const signed = mode !== UNSIGNED_TRAILER;
  const badSignature = (stringToSign: string, provided: string, what: string): VerifyFail => ({
    ok: false,
    kind: 'signature-mismatch',
    detail: `${what} signature does not match for access key ${v.accessKeyId}`,
    stringToSign,
    accessKeyId: v.accessKeyId,
    facts: { signatureProvided: provided },
  });

  const chunks: Buffer[] = [];
  let previous = v.signature;
  let pos = 0;
  for (let index = 0; ; index++) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) return malformed(`chunk ${index}: header at byte ${pos} has no CRLF`);
    const [sizeHex = '', ...extensions] = body.subarray(pos, eol).toString('latin1').split(';');
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeHex.trim())) return malformed(`chunk ${index}: size '${sizeHex}' is not hexadecimal`);
    const size = parseInt(sizeHex, 16);
    const start = eol + 2;
    if (start + size > body.length) return malformed(`chunk ${index}: declares ${size} bytes, ${body.length - start} remain`);
    const data = body.subarray(start, start + size);
    if (signed) {
      const provided = extensions.map((e) => e.trim()).find((e) => e.startsWith('chunk-signature='))?.slice(16) ?? '';
      const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', v.amzDate, v.scope, previous, EMPTY_SHA256, sha256Hex(data)].join('\n');
      if (!safeEqual(v.sign(stringToSign), provided)) return badSignature(stringToSign, provided, `chunk ${index}`);
      previous = provided;
    }
    if (size === 0) {
      pos = start;
      break;
    }
    chunks.push(data);
    if (body.subarray(start + size, start + size + 2).toString('latin1') !== '\r\n') {
      return malformed(`chunk ${index}: data is not followed by CRLF`);
    }
    pos = start + size + 2;
  }

  const trailers = readTrailers(body.subarray(pos).toString('latin1'));
  if (mode === SIGNED_TRAILER) {
    const provided = trailers[TRAILER_SIGNATURE] ?? '';
    delete trailers[TRAILER_SIGNATURE];
    const canonical = Object.keys(trailers)
      .sort()
      .map((name) => `${name}:${trailers[name]}\n`)
      .join('');
    const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', v.amzDate, v.scope, previous, sha256Hex(canonical)].join('\n');
    if (!safeEqual(v.sign(stringToSign), provided)) return badSignature(stringToSign, provided, 'trailer');
  }

  const data = Buffer.concat(chunks);
  if (v.decodedContentLength !== undefined && v.decodedContentLength !== data.length) {
    return malformed(`x-amz-decoded-content-length is ${v.decodedContentLength} but the chunks carry ${data.length} bytes`);
  }
  const algorithm = mismatchedChecksum(trailers, data);
  if (algorithm) {
    return {
      ok: false,
      kind: 'checksum-mismatch',
      detail: `the ${algorithm} trailer does not match the uploaded data`,
      accessKeyId: v.accessKeyId,
      facts: { checksumAlgorithm: algorithm },
    };
  }
  return { ok: true, data, trailers };
}

/** `name:value` lines up to the first empty line; the final CRLF is optional (the JS SDK may omit it). */
function readTrailers(text: string): Record<string, string> {
  const trailers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return trailers;
}
