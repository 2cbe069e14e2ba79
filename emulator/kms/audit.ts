import type { AuditNotes } from '../core/service.js';
import type { KmsInput } from './call.js';
import type { KmsKey } from './types.js';

/**
 * What KMS writes into CloudTrail, operation by operation, as AWS's own examples show it
 * (awsdocs/aws-kms-developer-guide doc_source/ct-*.md, and the current docs.aws.amazon.com/kms/latest/
 * developerguide/ct-*.html pages, eventVersion 1.11):
 * - requestParameters are the request's members in lowerCamelCase, e.g. GenerateDataKey
 *   `{"keyId": "1234abcd-…", "keySpec": "AES_256", "encryptionContext": {…}}` — with the key id as the caller
 *   wrote it — and never a plaintext, ciphertext, message, signature or MAC;
 * - responseElements are null except where the examples show them (CreateKey keyMetadata, ScheduleKeyDeletion,
 *   CancelKeyDeletion, CreateGrant grantId);
 * - resources list each key touched: `{"accountId", "type": "AWS::KMS::Key", "ARN"}`; aliases are listed with the
 *   same type (ct-createalias.md);
 * - Encrypt, Decrypt, GenerateDataKey* carry `additionalEventData: {"keyMaterialId": …}` (ct-encrypt,
 *   ct-decrypt, ct-generatedatakey pages, 2025).
 */

/** Members whose values are secret or bulky and never logged (ct-decrypt.md: "The ciphertext in the request and the plaintext in the response are omitted."). */
const NEVER_LOGGED = new Set(['Plaintext', 'CiphertextBlob', 'Message', 'Signature', 'Mac', 'GrantTokens', 'Recipient', 'DryRunModifiers']);
/** Map members whose keys are the caller's data, not API member names. */
const MAPS = new Set(['EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext', 'EncryptionContextSubset', 'EncryptionContextEquals']);

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function camel(value: unknown, name?: string): unknown {
  if (name && MAPS.has(name)) return value;
  if (Array.isArray(value)) return value.map((v) => camel(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!NEVER_LOGGED.has(k)) out[lowerFirst(k)] = camel(v, k);
    return out;
  }
  return value;
}

/** The request's members as CloudTrail's requestParameters (null when nothing is left to log). */
export function requestParameters(input: KmsInput, extra: Record<string, unknown> = {}): Record<string, unknown> | null {
  const out = { ...(camel(input) as Record<string, unknown>), ...extra };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return Object.keys(out).length > 0 ? out : null;
}

export const keyResource = (key: Pick<KmsKey, 'arn' | 'accountId'>): NonNullable<AuditNotes['resources']>[number] =>
  ({ accountId: key.accountId, type: 'AWS::KMS::Key', ARN: key.arn });

export const aliasResource = (aliasArn: string, accountId: string): NonNullable<AuditNotes['resources']>[number] =>
  ({ accountId, type: 'AWS::KMS::Key', ARN: aliasArn });

/** Records a key among the event's resources (once). */
export function noteKey(audit: AuditNotes, key: Pick<KmsKey, 'arn' | 'accountId'>): void {
  const resources = (audit.resources ??= []);
  if (!resources.some((r) => r.ARN === key.arn)) resources.push(keyResource(key));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Dates inside KMS responseElements are Java's medium format, e.g. "Aug 10, 2022, 10:38:27 PM"
 * (ct-createkey.md creationDate, ct-schedule-key-deletion.md deletionDate), in UTC.
 */
export function cloudTrailDate(d: Date): string {
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** KeyMetadata as CreateKey's responseElements show it: member names in lowerCamelCase except AWSAccountId, dates in Java's format. */
export function keyMetadataForTrail(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (v === undefined) continue;
    out[k === 'AWSAccountId' ? k : lowerFirst(k)] = v instanceof Date ? cloudTrailDate(v) : v;
  }
  return out;
}
