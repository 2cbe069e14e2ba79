import { requestParameters } from './audit.js';
import type { KmsCall, KmsInput } from './call.js';
import { str, strings } from './call.js';
import { tagError } from './errors.js';
import { paginate } from './pagination.js';
import { requireNotPendingDeletion, target } from './target.js';
import type { Tag } from './types.js';

/**
 * TagResource / UntagResource / ListResourceTags, and the tag rules CreateKey shares. Texts recorded against
 * AWS (LS-KMS-SNAP): `Tags beginning with aws: are reserved` (either case), `Duplicate tag keys`,
 * `Too many tags` (more than 50 per key, KMS-DG resource-limits.md "Tags per KMS key"). Updating an existing
 * key's value keeps its place; new keys are appended (LS-KMS-SNAP test_update_and_add_tags_on_tagged_key).
 */

const MAX_TAGS = 50;

export function checkTags(tags: Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.TagKey.toLowerCase().startsWith('aws:')) throw tagError('Tags beginning with aws: are reserved');
    if (seen.has(t.TagKey)) throw tagError('Duplicate tag keys');
    seen.add(t.TagKey);
  }
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const t of added) {
    const found = out.find((x) => x.TagKey === t.TagKey);
    if (found) found.TagValue = t.TagValue;
    else out.push({ TagKey: t.TagKey, TagValue: t.TagValue });
  }
  if (out.length > MAX_TAGS) throw tagError('Too many tags');
  return out;
}

export const tagsOf = (input: KmsInput): Tag[] =>
  Array.isArray(input.Tags) ? (input.Tags as Tag[]).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })) : [];

export function TagResource(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const tags = tagsOf(input);
  const { key } = target(k, str(input, 'KeyId'), {
    action: 'TagResource',
    context: { 'aws:TagKeys': tags.map((t) => t.TagKey), ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.TagKey}`, t.TagValue])) },
  });
  requireNotPendingDeletion(key);
  checkTags(tags);
  key.tags = mergeTags(key.tags, tags);
  return {};
}

export function UntagResource(input: KmsInput, k: KmsCall): Record<string, never> {
  k.ctx.audit.requestParameters = requestParameters(input);
  const keys = strings(input, 'TagKeys') ?? [];
  const { key } = target(k, str(input, 'KeyId'), { action: 'UntagResource', context: { 'aws:TagKeys': keys } });
  requireNotPendingDeletion(key);
  if (keys.some((t) => t.toLowerCase().startsWith('aws:'))) throw tagError('Tags beginning with aws: are reserved');
  key.tags = key.tags.filter((t) => !keys.includes(t.TagKey));
  return {};
}

export function ListResourceTags(input: KmsInput, k: KmsCall): unknown {
  k.ctx.audit.requestParameters = requestParameters(input);
  const { key } = target(k, str(input, 'KeyId'), { action: 'ListResourceTags' });
  const page = paginate(key.tags, input.Limit as number | undefined, str(input, 'Marker'), { default: 50, max: 50 });
  return { Tags: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
}
