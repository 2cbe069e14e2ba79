import { AwsError } from '../core/errors.js';
import { toXml, type XmlValue } from './xml.js';
import type { WireResponse } from './wire.js';

// AWS query protocol (STS, IAM): form-encoded Action=…&Version=…&Param.member.1=…, XML responses
// <{Op}Response><{Op}Result>…</{Op}Result><ResponseMetadata><RequestId/></ResponseMetadata></{Op}Response>.

export interface QueryInput {
  action: string;
  version?: string;
  params: Record<string, unknown>;
}

/**
 * Most dot-separated parts a parameter name may have to be taken as a member: no STS or IAM input is more
 * than a few levels deep (`Tags.member.1.Key`), so a longer name can name no member and is ignored like any
 * other parameter the operation does not have — instead of building a structure as deep as the name is long.
 * A `__proto__` part names no member either, and would otherwise write into Object.prototype (setPath walks
 * `cur['__proto__']`), i.e. into every object of the emulator.
 */
const MAX_NAME_PARTS = 32;
const ignoredName = (path: string[]): boolean => path.length > MAX_NAME_PARTS || path.includes('__proto__');

/** Form fields (already URL-decoded) → nested input: `Tags.member.1.Key` → { Tags: [{ Key }] }, `X.entry.1.key/value` → map. */
export function parseQueryInput(fields: URLSearchParams): QueryInput {
  const root: Record<string, unknown> = {};
  let action = '';
  let version: string | undefined;
  for (const [name, value] of fields) {
    if (name === 'Action') { action = value; continue; }
    if (name === 'Version') { version = value; continue; }
    const path = name.split('.', MAX_NAME_PARTS + 1);
    if (ignoredName(path)) continue;
    setPath(root, path, value);
  }
  return { action, version, params: collapse(root) as Record<string, unknown> };
}

function setPath(node: Record<string, unknown>, path: string[], value: string): void {
  let cur = node;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

// `member.N` / bare numeric children become arrays (ordered by N); `entry.N.key/value` become maps.
function collapse(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'member') return collapse(o.member);
  if (keys.length === 1 && keys[0] === 'entry') {
    const map: Record<string, unknown> = {};
    // defineProperty: a key "__proto__" is data here, not the map's prototype.
    for (const e of Object.values(o.entry as Record<string, Record<string, unknown>>))
      Object.defineProperty(map, String(e.key), { value: collapse(e.value), enumerable: true, writable: true, configurable: true });
    return map;
  }
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k)))
    return keys.map(Number).sort((a, b) => a - b).map((n) => collapse(o[String(n)]));
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = collapse(o[k]);
  return out;
}

export function queryResponse(action: string, result: XmlValue, requestId: string, xmlns: string): WireResponse {
  const body: Record<string, XmlValue> = {};
  if (result !== undefined && result !== null) body[`${action}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: toXml(`${action}Response`, body, { xmlns }),
  };
}

export function queryError(err: AwsError, requestId: string, xmlns: string): WireResponse {
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: toXml('ErrorResponse', { Error: { Type: err.fault, Code: err.code, Message: err.message }, RequestId: requestId }, { xmlns }),
  };
}

export function requireParam<T = string>(params: Record<string, unknown>, name: string): T {
  const v = params[name];
  if (v === undefined || v === '') throw new AwsError('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v as T;
}
