import { invalidMarker } from './errors.js';

/**
 * List operations page with Limit / Marker → NextMarker / Truncated (botocore kms paginators-1.json). Defaults
 * and ceilings differ per operation (BOTO-KMS Limit docs): ListKeys, ListKeyPolicies, ListKeyRotations 100 /
 * 1000; ListAliases, ListGrants, ListRetirableGrants 50 / 100; ListResourceTags 50 / 50. A larger Limit is
 * served as the ceiling ("KMS does not return more than the specified number of items, but it might return
 * fewer"). Markers are opaque to callers; an unreadable one is InvalidMarkerException.
 */

export interface Page<T> {
  items: T[];
  NextMarker?: string;
  Truncated: boolean;
}

const encode = (offset: number): string => Buffer.from(JSON.stringify({ o: offset })).toString('base64');

function decode(marker: string): number {
  try {
    const v = JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0) return v.o;
  } catch {
    // fall through
  }
  throw invalidMarker();
}

export function paginate<T>(all: T[], limit: number | undefined, marker: string | undefined, defaults: { default: number; max: number }): Page<T> {
  const size = Math.min(limit ?? defaults.default, defaults.max);
  const start = marker === undefined ? 0 : decode(marker);
  const items = all.slice(start, start + size);
  const next = start + items.length;
  return next < all.length ? { items, NextMarker: encode(next), Truncated: true } : { items, Truncated: false };
}
