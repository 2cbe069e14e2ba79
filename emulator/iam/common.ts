import type { CallContext } from '../core/service.js';
import type { Account } from '../identity/model.js';
import { constraintError, validationError } from './errors.js';

/** IAM calls always act on the caller's own account. */
export const callerAccount = (ctx: CallContext): Account => ctx.emulator.identity.account(ctx.principal.accountId);

/**
 * IAM names are unique regardless of case ("you cannot create users named both "John" and "john"",
 * IAM User Guide, id_users.html) and are found the same way.
 */
export function findByName<T>(map: Map<string, T>, name: string): T | undefined {
  const exact = map.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const [k, v] of map) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** What CloudTrail logs for this call (never secrets). */
export function audit(ctx: CallContext, requestParameters: Record<string, unknown> | null, responseElements: Record<string, unknown> | null = null): void {
  ctx.audit.requestParameters = requestParameters;
  ctx.audit.responseElements = responseElements;
}

/** Drops undefined members so requestParameters show only what the caller sent. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * Marker/MaxItems paging of IAM's List* operations. The marker is opaque to callers, as on AWS;
 * here it is the offset of the next item.
 */
export function paginate<T>(items: T[], params: Record<string, unknown>): { page: T[]; more: { IsTruncated: boolean; Marker?: string } } {
  const max = params.MaxItems === undefined ? 100 : Number(params.MaxItems);
  if (!Number.isInteger(max) || max < 1) throw constraintError('maxItems', String(params.MaxItems), 'Member must have value greater than or equal to 1');
  if (max > 1000) throw constraintError('maxItems', max, 'Member must have value less than or equal to 1000');
  let start = 0;
  if (params.Marker !== undefined) {
    start = Number(Buffer.from(String(params.Marker), 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw validationError('Invalid Marker.');
  }
  const page = items.slice(start, start + max);
  const next = start + max;
  return next < items.length
    ? { page, more: { IsTruncated: true, Marker: Buffer.from(String(next)).toString('base64url') } }
    : { page, more: { IsTruncated: false } };
}

export const byName = <T extends { name: string }>(a: T, b: T): number => a.name.localeCompare(b.name);
