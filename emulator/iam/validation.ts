import type { Tag } from '../identity/model.js';
import { requireParam } from '../protocols/query.js';
import { constraintError, validationError } from './errors.js';

// Limits and patterns from the IAM API reference (CreateUser, CreateRole, CreatePolicy, Tag):
// names [\w+=,.@-]+ (users and roles up to 64 characters, policies up to 128), paths
// (\u002F)|(\u002F[\u0021-\u007E]+\u002F) up to 512, MaxSessionDuration 3600..43200.
const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007e]+\/)$/;

export type NameField = 'userName' | 'roleName' | 'policyName';

const MAX_NAME: Record<NameField, number> = { userName: 64, roleName: 64, policyName: 128 };

/** Reads and checks a required name parameter (UserName → 'userName' in AWS's messages). */
export function requireName(params: Record<string, unknown>, param: string, field: NameField): string {
  const value = String(requireParam(params, param));
  checkName(value, field);
  return value;
}

export function checkName(value: string, field: NameField): void {
  if (value.length > MAX_NAME[field]) {
    throw constraintError(field, value, `Member must have length less than or equal to ${MAX_NAME[field]}`);
  }
  if (!NAME.test(value)) {
    throw validationError(`The specified value for ${field} is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-`);
  }
}

/** Path parameter, '/' when absent. */
export function readPath(params: Record<string, unknown>, param = 'Path'): string {
  const raw = params[param];
  if (raw === undefined || raw === '') return '/';
  const path = String(raw);
  if (path.length > 512) throw constraintError('path', path, 'Member must have length less than or equal to 512');
  if (!PATH.test(path)) {
    throw validationError('The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.');
  }
  return path;
}

/** A prefix for List* filters: the same alphabet as a path, but it need not end with '/'. */
export function readPathPrefix(params: Record<string, unknown>): string {
  const raw = params.PathPrefix;
  if (raw === undefined || raw === '') return '/';
  const prefix = String(raw);
  if (!/^\/[\u0021-\u007e]*$/.test(prefix)) {
    throw validationError('The specified value for pathPrefix is invalid. It must begin with / and contain only alphanumeric characters and/or / characters.');
  }
  return prefix;
}

export function readMaxSessionDuration(params: Record<string, unknown>): number | undefined {
  const raw = params.MaxSessionDuration;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw constraintError('maxSessionDuration', String(raw), 'Member must be an integer');
  if (n < 3600) throw constraintError('maxSessionDuration', n, 'Member must have value greater than or equal to 3600');
  if (n > 43200) throw constraintError('maxSessionDuration', n, 'Member must have value less than or equal to 43200');
  return n;
}

export function readDescription(params: Record<string, unknown>): string | undefined {
  const raw = params.Description;
  if (raw === undefined) return undefined;
  const d = String(raw);
  if (d.length > 1000) throw constraintError('description', d, 'Member must have length less than or equal to 1000');
  return d;
}

/** Tags.member.N.Key/Value, at most 50 (IAM "Tagging IAM resources" quotas). */
export function readTags(params: Record<string, unknown>, param = 'Tags'): Tag[] {
  const raw = params[param];
  if (raw === undefined || raw === '') return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const tags = list.map((t) => {
    const o = (t ?? {}) as Record<string, unknown>;
    const Key = String(o.Key ?? '');
    const Value = String(o.Value ?? '');
    if (Key.length < 1) throw constraintError('tags.member.key', Key, 'Member must have length greater than or equal to 1');
    if (Key.length > 128) throw constraintError('tags.member.key', Key, 'Member must have length less than or equal to 128');
    if (Value.length > 256) throw constraintError('tags.member.value', Value, 'Member must have length less than or equal to 256');
    return { Key, Value };
  });
  if (tags.length > 50) throw constraintError('tags', tags.length, 'Member must have length less than or equal to 50');
  return tags;
}

/** TagKeys.member.N */
export function readStringList(params: Record<string, unknown>, param: string): string[] {
  const raw = params[param];
  if (raw === undefined || raw === '') return [];
  return (Array.isArray(raw) ? raw : [raw]).map(String);
}
