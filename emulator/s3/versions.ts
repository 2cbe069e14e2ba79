import { randomBytes } from 'node:crypto';
import { invalidArgument, noSuchKey, noSuchVersion } from './errors.js';
import type { Bucket, S3Object } from './state.js';

/**
 * Object versions. Unversioned buckets keep one object per key; with versioning Enabled every write gets
 * a new version id and the previous version becomes noncurrent; Suspended writes the "null" version
 * (S3-UG Versioning, "Adding objects to versioning-suspended buckets").
 */

/** AWS version ids are 32 URL-safe characters. */
export const newVersionId = (): string => randomBytes(24).toString('base64url');

export function store(bucket: Bucket, object: S3Object): S3Object {
  const current = bucket.objects.get(object.key);
  if (bucket.versioning === undefined) {
    bucket.objects.set(object.key, object);
    return object;
  }
  object.versionId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
  if (current) {
    const history = bucket.history.get(object.key) ?? [];
    // A suspended bucket replaces its "null" version rather than keeping it.
    const kept = current.versionId === 'null' && object.versionId === 'null' ? history : [current, ...history];
    bucket.history.set(object.key, kept.filter((v) => !(object.versionId === 'null' && v.versionId === 'null')));
  }
  bucket.objects.set(object.key, object);
  return object;
}

/** The current version, or a given version; NoSuchKey / NoSuchVersion / InvalidArgument as AWS answers them. */
export function find(bucket: Bucket, key: string, versionId: string | undefined): S3Object | undefined {
  if (versionId === undefined) return bucket.objects.get(key);
  const candidates = [bucket.objects.get(key), ...(bucket.history.get(key) ?? [])].filter((o): o is S3Object => o !== undefined);
  const hit = candidates.find((o) => (o.versionId ?? 'null') === versionId);
  if (hit) return hit;
  // LS-SNAP test_delete_object_versioned: a malformed id is InvalidArgument, a well-formed unknown one NoSuchVersion.
  if (versionId !== 'null' && !/^[A-Za-z0-9._-]{1,1024}$/.test(versionId)) throw invalidArgument('Invalid version id specified', 'versionId', versionId);
  throw candidates.length === 0 && versionId === 'null' ? noSuchKey(key) : noSuchVersion(key, versionId);
}

/** Removes one version; when it was current, the newest noncurrent version takes its place. */
export function removeVersion(bucket: Bucket, key: string, versionId: string): S3Object | undefined {
  const current = bucket.objects.get(key);
  const history = bucket.history.get(key) ?? [];
  if (current && (current.versionId ?? 'null') === versionId) {
    const [next, ...rest] = history;
    if (next) bucket.objects.set(key, next);
    else bucket.objects.delete(key);
    if (rest.length) bucket.history.set(key, rest);
    else bucket.history.delete(key);
    return current;
  }
  const index = history.findIndex((o) => (o.versionId ?? 'null') === versionId);
  if (index < 0) return undefined;
  const [removed] = history.splice(index, 1);
  if (history.length === 0) bucket.history.delete(key);
  return removed;
}
