import type { CallContext, Operation } from '../core/service.js';
import { uniqueId } from '../core/ids.js';
import type { IamUser } from '../identity/model.js';
import { userArn } from './arns.js';
import { authorizeIam, existingUser } from './authorize.js';
import { wholeSeconds } from './cloudtrail-date.js';
import { audit, byName, callerAccount, defined, findByName, paginate } from './common.js';
import { alreadyExists, deleteConflict, noSuchUser, validationError } from './errors.js';
import { tagShapes, tagsAudit, userAudit, userShape } from './shapes.js';
import { checkName, readPath, readPathPrefix, readStringList, readTags, requireName } from './validation.js';

/**
 * The user an operation with an optional UserName acts on. Without one, IAM uses the calling user —
 * or the account root — and refuses other callers (AWS's text for role sessions, as moto and
 * LocalStack reproduce it).
 */
export function subjectUserName(ctx: CallContext, params: Record<string, unknown>): string | undefined {
  if (params.UserName !== undefined && params.UserName !== '') {
    const name = String(params.UserName);
    checkName(name, 'userName');
    return name;
  }
  const p = ctx.principal;
  if (p.kind === 'user' && p.userName) return p.userName;
  if (p.kind === 'root') return undefined;
  throw validationError('Must specify userName when calling with non-User credentials');
}

/** The named user of the caller's account, authorized first (AWS authorizes before it looks). */
export function authorizedUser(ctx: CallContext, action: string, name: string): IamUser {
  const user = findByName(callerAccount(ctx).users, name);
  const arn = user?.arn ?? userArn(ctx.principal.accountId, '/', name);
  authorizeIam(ctx, action, existingUser(arn, user?.name ?? name));
  if (!user) throw noSuchUser(name);
  return user;
}

const createUser: Operation = (params, ctx) => {
  const name = requireName(params, 'UserName', 'userName');
  const path = readPath(params);
  const tags = readTags(params);
  const account = callerAccount(ctx);
  const arn = userArn(account.id, path, name);
  audit(ctx, defined({ userName: name, path: params.Path, tags: tags.length > 0 ? tagsAudit(tags) : undefined }));
  authorizeIam(ctx, 'CreateUser', { arn });
  if (findByName(account.users, name)) throw alreadyExists(`User with name ${name} already exists.`);
  const user: IamUser = {
    name,
    path,
    userId: uniqueId('AIDA'),
    arn,
    createDate: wholeSeconds(ctx.now),
    inlinePolicies: new Map(),
    attachedPolicies: new Set(),
    tags,
  };
  account.users.set(name, user);
  ctx.audit.responseElements = { user: userAudit(user) };
  return { User: userShape(user, true) };
};

const getUser: Operation = (params, ctx) => {
  const name = subjectUserName(ctx, params);
  audit(ctx, defined({ userName: params.UserName }));
  if (name === undefined) {
    // The root has no IAM user: AWS answers with the account id and root ARN, and no UserName or Path
    // (github.com/grycap/scar/pull/181: "when AWS root account credentials are used, the User object
    // does not return a 'UserName' field").
    const account = callerAccount(ctx);
    authorizeIam(ctx, 'GetUser', { arn: ctx.principal.arn });
    return { User: { UserId: account.id, Arn: `arn:aws:iam::${account.id}:root`, CreateDate: wholeSeconds(account.createDate ?? ctx.now) } };
  }
  const user = authorizedUser(ctx, 'GetUser', name);
  return { User: userShape(user, true) };
};

const deleteUser: Operation = (params, ctx) => {
  const name = requireName(params, 'UserName', 'userName');
  audit(ctx, { userName: name });
  const user = authorizedUser(ctx, 'DeleteUser', name);
  const identity = ctx.emulator.identity;
  if (identity.accessKeysOf(ctx.principal.accountId, user.name).length > 0) throw deleteConflict('Cannot delete entity, must delete access keys first.');
  if (user.attachedPolicies.size > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  if (user.inlinePolicies.size > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
  callerAccount(ctx).users.delete(user.name);
  return undefined;
};

const listUsers: Operation = (params, ctx) => {
  const prefix = readPathPrefix(params);
  audit(ctx, defined({ pathPrefix: params.PathPrefix, marker: params.Marker, maxItems: params.MaxItems }));
  // The denial names the listed path as an ARN, "… iam:ListUsers on resource: arn:aws:iam::ACCT:user/"
  // (AWS's wording as remembered from its answers; no capture was found to cite).
  const listed = `arn:aws:iam::${ctx.principal.accountId}:user${prefix}`;
  authorizeIam(ctx, 'ListUsers', { arn: listed });
  const users = [...callerAccount(ctx).users.values()].filter((u) => u.path.startsWith(prefix)).sort(byName);
  const { page, more } = paginate(users, params);
  return { Users: page.map((u) => userShape(u, false)), ...more };
};

const tagUser: Operation = (params, ctx) => {
  const name = requireName(params, 'UserName', 'userName');
  const tags = readTags(params);
  audit(ctx, { userName: name, tags: tagsAudit(tags) });
  const user = authorizedUser(ctx, 'TagUser', name);
  user.tags = mergeTags(user.tags, tags);
  return undefined;
};

const untagUser: Operation = (params, ctx) => {
  const name = requireName(params, 'UserName', 'userName');
  const keys = readStringList(params, 'TagKeys');
  audit(ctx, { userName: name, tagKeys: keys });
  const user = authorizedUser(ctx, 'UntagUser', name);
  user.tags = removeTags(user.tags, keys);
  return undefined;
};

const listUserTags: Operation = (params, ctx) => {
  const name = requireName(params, 'UserName', 'userName');
  audit(ctx, { userName: name });
  const user = authorizedUser(ctx, 'ListUserTags', name);
  const { page, more } = paginate(user.tags, params);
  return { Tags: tagShapes(page), ...more };
};

/**
 * "Tag key values for IAM users and roles are not case sensitive, but case is preserved"
 * (IAM User Guide, id_tags.html): a new value for an existing key replaces it.
 */
export function mergeTags<T extends { Key: string; Value: string }>(current: T[], added: T[]): T[] {
  const out = [...current];
  for (const t of added) {
    const i = out.findIndex((c) => c.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) out[i] = { ...out[i], Value: t.Value };
    else out.push({ ...t });
  }
  return out;
}

export const removeTags = <T extends { Key: string }>(current: T[], keys: string[]): T[] =>
  current.filter((t) => !keys.some((k) => k.toLowerCase() === t.Key.toLowerCase()));

export const userOperations: Record<string, Operation> = {
  CreateUser: createUser,
  GetUser: getUser,
  DeleteUser: deleteUser,
  ListUsers: listUsers,
  TagUser: tagUser,
  UntagUser: untagUser,
  ListUserTags: listUserTags,
};

export const userReadOnly = ['GetUser', 'ListUsers', 'ListUserTags'];
