import { AwsError } from '../core/errors.js';
import type { WireResponse } from './wire.js';

// AWS JSON 1.1 (KMS, CloudTrail): POST /, X-Amz-Target: <Prefix>.<Operation>, JSON both ways.
// Timestamps are epoch seconds; errors are {"__type": code, "message": text} with x-amzn-ErrorType.
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * Deepest nesting a request body may have. No KMS or CloudTrail input shape is more than a few levels deep;
 * a deeper document only exercises recursion (in the operations, their CloudTrail notes and the recorder),
 * so it is refused before it is parsed. 1000 is Jackson's default maximum nesting depth (emulator choice;
 * AWS documents no limit).
 */
export const MAX_JSON_DEPTH = 1000;

/** The nesting depth of a JSON text, stopping as soon as it passes `limit` (iterative: safe on any input). */
function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export function parseJsonInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if (exceedsDepth(text, MAX_JSON_DEPTH)) throw new AwsError('SerializationException', `Document nesting depth exceeds the maximum allowed (${MAX_JSON_DEPTH}).`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  return value as Record<string, unknown>;
}

// Dates become epoch seconds and binary becomes base64 before stringify (JSON.stringify would call
// Date#toJSON and serialise Buffers as byte arrays).
function encodeDates(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(encodeDates);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeDates(x);
    return out;
  }
  return v;
}
export function jsonResponse(output: unknown, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(encodeDates(output ?? {})),
  };
}

export function jsonError(err: AwsError, requestId: string): WireResponse {
  return {
    status: err.status,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code },
    body: JSON.stringify({ __type: err.code, message: err.message, ...err.extra }),
  };
}
