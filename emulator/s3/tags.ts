import { AwsError } from '../core/errors.js';
import { invalidArgument, malformedXml } from './errors.js';
import type { Tag } from './state.js';
import { child, many, text, type XmlNode } from './xmlbody.js';

/**
 * Bucket and object tag sets. Messages are LS-SNAP test_tagging_validation, test_object_tagging_exc and
 * test_bucket_tagging_crud; the allowed characters are "letters, numbers, spaces representable in UTF-8,
 * and the following characters: + - = . _ : / @" (S3-UG object-tagging).
 */

const TAG_CHARS = /^[\p{L}\p{N}\s_.:/=+\-@]*$/u;

const invalidTag = (message: string, extra: Record<string, string> = {}): AwsError => new AwsError('InvalidTag', message, 400, extra);

export function validateTags(tags: Tag[], kind: 'bucket' | 'object'): Tag[] {
  const seen = new Set<string>();
  for (const { Key: key, Value: value } of tags) {
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key', { TagKey: key });
    if (key.startsWith('aws:')) {
      throw invalidTag(kind === 'bucket' ? 'System tags cannot be added/updated by requester' : 'Your TagKey cannot be prefixed with aws:', { TagKey: key });
    }
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) throw invalidTag('The TagKey you have provided is invalid', { TagKey: key });
    if (value.length > 256 || !TAG_CHARS.test(value)) throw invalidTag('The TagValue you have provided is invalid', { TagKey: key, TagValue: value });
    seen.add(key);
  }
  // "You can associate up to 10 tags with an object" (S3-UG object-tagging); buckets take 50.
  if (kind === 'object' && tags.length > 10) throw new AwsError('BadRequest', 'Object tags cannot be greater than 10', 400);
  if (kind === 'bucket' && tags.length > 50) throw invalidTag('Bucket tag count cannot be greater than 50');
  return tags;
}

/** <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging> */
export function parseTagging(doc: XmlNode | undefined, kind: 'bucket' | 'object'): Tag[] {
  const tagging = child(doc, 'Tagging');
  const set = child(tagging, 'TagSet');
  if (!tagging || !set) throw malformedXml();
  const tags = many(set.Tag).map((t) => {
    const key = text(t, 'Key');
    const value = text(t, 'Value');
    if (key === undefined || value === undefined) throw malformedXml();
    return { Key: key, Value: value };
  });
  return validateTags(tags, kind);
}

/** x-amz-tagging: "The tag-set must be encoded as URL Query parameters" (BOTO-S3 PutObjectRequest.Tagging). */
export function parseTaggingHeader(value: string | undefined): Tag[] {
  if (value === undefined || value === '') return [];
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const [k, v] of new URLSearchParams(value)) {
    if (seen.has(k)) {
      throw invalidArgument(
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
        'x-amz-tagging',
        value,
      );
    }
    seen.add(k);
    tags.push({ Key: k, Value: v });
  }
  return validateTags(tags, 'object');
}

export const taggingXml = (tags: Tag[]) => ({ TagSet: { Tag: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } });
