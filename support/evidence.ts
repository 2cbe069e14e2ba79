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

/**
 * Secrets this process knows (the actors' secret keys and session tokens, registered by the hooks when the
 * actors are provisioned): wherever one appears in a string, it is replaced. Only long values are kept, so that
 * a short one (the emulator's bootstrap secret "test") cannot turn every word into "<redacted>".
 */
const knownSecrets = new Set<string>();
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 16) knownSecrets.add(value);
}

/** Access key ids (AKIA… long-term, ASIA… temporary): 20 characters, upper case letters and digits. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
/** SigV4 signatures in headers, query strings and error messages. */
const SIGV4_SIGNATURE = /(Signature=)[0-9a-f]{64}/gi;
/** STS session tokens (AWS's current and older forms; the emulator mints the current form). */
const SESSION_TOKEN = /\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/=]{20,}/g;
/** "Authorization: …" and "X-Amz-Security-Token: …" written out in a message or a log line. */
const SECRET_HEADER = /((?:authorization|x-amz-security-token)["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi;

/**
 * Scrubs free text (an error message, a whole report file): registered secrets and session tokens become
 * <redacted>, SigV4 signatures and Authorization/X-Amz-Security-Token values too, access key ids are masked
 * but for their last 4 characters. Idempotent.
 */
export function scrubText(text: string): string {
  let out = text;
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join('<redacted>');
  return out
    .replace(SECRET_HEADER, (_m, head: string) => `${head}<redacted>`)
    .replace(SESSION_TOKEN, '<redacted>')
    .replace(SIGV4_SIGNATURE, (_m, head: string) => `${head}<redacted>`)
    .replace(ACCESS_KEY_ID, (id) => maskAccessKeyId(id));
}

export function redact(value: unknown, key = '', seen = new WeakSet<object>()): unknown {
  if (SECRET_KEYS.test(key)) return value === undefined || value === null ? value : '<redacted>';
  if (ACCESS_KEY_KEYS.test(key) && typeof value === 'string') return maskAccessKeyId(value);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return scrubText(stripSignedQuery(value));
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

/**
 * --redact-account-ids: every 12-digit account id the run met (the caller's, and any in an ARN, an account-id
 * field or a CloudTrail log path) becomes ACCOUNT-1, ACCOUNT-2, … — the same id always the same mask, in every file
 * of the bundle, so records still line up with each other. The caller's account, named first, is ACCOUNT-1.
 */
export class AccountMasker {
  private readonly masks = new Map<string, string>();

  constructor(first: readonly string[] = []) {
    for (const id of first) this.add(id);
  }

  private add(id: string): void {
    if (/^\d{12}$/.test(id) && !this.masks.has(id)) this.masks.set(id, `ACCOUNT-${this.masks.size + 1}`);
  }

  /** Finds the account ids in `text` (without changing it). */
  learn(text: string): void {
    const patterns = [
      /arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/g,
      /"(?:accountId|AccountId|recipientAccountId|AWSAccountId|Account|account|OwnerId|ownerId)"\s*:\s*"(\d{12})"/g,
      /AWSLogs\/(\d{12})\//g,
      /(?<![0-9A-Za-z])(\d{12})_CloudTrail(?:-Digest)?_/g,
    ];
    for (const re of patterns) for (const m of text.matchAll(re)) this.add(m[1]);
  }

  get size(): number {
    return this.masks.size;
  }

  entries(): [string, string][] {
    return [...this.masks.entries()];
  }

  mask(text: string): string {
    let out = text;
    for (const [id, masked] of this.masks) out = out.replace(new RegExp(`(?<![0-9A-Za-z])${id}(?![0-9A-Za-z])`, 'g'), masked);
    return out;
  }
}
