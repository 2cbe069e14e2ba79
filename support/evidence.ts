/**
 * Evidence is what an auditor reads: every attachment is JSON, redacted here, once, for every caller.
 * Secrets (secret keys, session tokens, signatures, plaintext key material) never leave this module.
 */

const SECRET_KEYS = /^(secretaccesskey|sessiontoken|securitytoken|x-amz-security-token|authorization|signature|x-amz-signature|plaintext|password|privatekey)$/i;
const ACCESS_KEY_KEYS = /^(accesskeyid|aws_access_key_id|x-amz-credential)$/i;

/** AKIA…WXYZ → ****************WXYZ: enough to tell keys apart, not enough to use one. */
export function maskAccessKeyId(id: string): string {
  return id.length <= 4 ? '****' : `${'*'.repeat(id.length - 4)}${id.slice(-4)}`;
}

/** Presigned URLs carry a signature and a token in the query; only the path is evidence. */
function stripSignedQuery(s: string): string {
  return /[?&]X-Amz-(Signature|Security-Token|Credential)=/i.test(s) ? `${s.split('?')[0]}?<signed query redacted>` : s;
}

export function redact(value: unknown, key = '', seen = new WeakSet<object>()): unknown {
  if (SECRET_KEYS.test(key)) return value === undefined || value === null ? value : '<redacted>';
  if (ACCESS_KEY_KEYS.test(key) && typeof value === 'string') return maskAccessKeyId(value);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return stripSignedQuery(value);
  if (typeof value === 'function') return undefined;
  if (value && typeof value === 'object') {
    if (seen.has(value)) return '<cycle>';
    seen.add(value);
    // Objects that know their evidence form (actors: name and ARNs, never their clients) give it.
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function') return redact(toJSON.call(value), key, seen);
    if (Array.isArray(value)) return value.map((v) => redact(v, '', seen));
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) return `<${(value as object).constructor?.name ?? 'object'}>`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$metadata' || k === '$response') continue; // SDK internals: no evidence value
      out[k] = redact(v, k, seen);
    }
    return out;
  }
  return value;
}

export interface EvidenceItem {
  label: string;
  at: string;
  data: unknown;
}

/** Builds one attachment: JSON, redacted, with a file name evidence bundles can use. */
export function evidenceAttachment(label: string, data: unknown, now = new Date()): { item: EvidenceItem; json: string; fileName: string } {
  const item: EvidenceItem = { label, at: now.toISOString(), data: redact(data) };
  const fileName = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'evidence'}.json`;
  return { item, json: JSON.stringify(item, null, 2), fileName };
}
