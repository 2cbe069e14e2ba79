import type { CallContext, Operation } from '../core/service.js';
import { secretAccessKey, uniqueId } from '../core/ids.js';
import type { AccessKey } from '../identity/model.js';
import { requireParam } from '../protocols/query.js';
import { authorizeIam } from './authorize.js';
import { cloudTrailDate, wholeSeconds } from './cloudtrail-date.js';
import { audit, defined, paginate } from './common.js';
import { limitExceeded, noSuchEntity, validationError } from './errors.js';
import { accessKeyMetadata } from './shapes.js';
import { authorizedUser, subjectUserName } from './users.js';

/** "Cannot exceed quota for AccessKeysPerUser: 2" — IAM quotas allow two keys per user (and per root). */
const KEYS_PER_USER = 2;

/** The keys of the user named (or implied) in the request; undefined user = the account root. */
function keyOwner(ctx: CallContext, params: Record<string, unknown>, action: string): { userName?: string; keys: AccessKey[] } {
  const name = subjectUserName(ctx, params);
  const identity = ctx.emulator.identity;
  if (name === undefined) {
    authorizeIam(ctx, action, { arn: ctx.principal.arn });
    return { keys: identity.accessKeysOf(ctx.principal.accountId, undefined) };
  }
  const user = authorizedUser(ctx, action, name);
  return { userName: user.name, keys: identity.accessKeysOf(ctx.principal.accountId, user.name) };
}

const createAccessKey: Operation = (params, ctx) => {
  audit(ctx, defined({ userName: params.UserName }));
  const { userName, keys } = keyOwner(ctx, params, 'CreateAccessKey');
  if (keys.length >= KEYS_PER_USER) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${KEYS_PER_USER}`);
  const key: AccessKey = {
    accessKeyId: uniqueId('AKIA'),
    secretAccessKey: secretAccessKey(),
    accountId: ctx.principal.accountId,
    ...(userName !== undefined ? { userName } : {}),
    status: 'Active',
    createDate: wholeSeconds(ctx.now),
  };
  ctx.emulator.identity.addAccessKey(key);
  // CloudTrail logs the new key without its secret: {"accessKey": {"accessKeyId", "createDate",
  // "status"}} (panther-analysis rule aws_iam_root_access_key_created test event; IAM user guide).
  ctx.audit.responseElements = {
    accessKey: defined({ userName, accessKeyId: key.accessKeyId, status: key.status, createDate: cloudTrailDate(key.createDate) }),
  };
  return { AccessKey: { ...accessKeyMetadata(key), SecretAccessKey: key.secretAccessKey } };
};

function findKey(keys: AccessKey[], id: string): AccessKey {
  const key = keys.find((k) => k.accessKeyId === id);
  if (!key) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
  return key;
}

const deleteAccessKey: Operation = (params, ctx) => {
  const id = String(requireParam(params, 'AccessKeyId'));
  audit(ctx, defined({ userName: params.UserName, accessKeyId: id }));
  const { keys } = keyOwner(ctx, params, 'DeleteAccessKey');
  ctx.emulator.identity.removeAccessKey(findKey(keys, id).accessKeyId);
  return undefined;
};

const updateAccessKey: Operation = (params, ctx) => {
  const id = String(requireParam(params, 'AccessKeyId'));
  const status = String(requireParam(params, 'Status'));
  audit(ctx, defined({ userName: params.UserName, accessKeyId: id, status }));
  // localstack IAM snapshot (UpdateServiceSpecificCredential with a bad status): this exact text.
  if (status !== 'Active' && status !== 'Inactive') {
    throw validationError("1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set");
  }
  const { keys } = keyOwner(ctx, params, 'UpdateAccessKey');
  findKey(keys, id).status = status;
  return undefined;
};

const listAccessKeys: Operation = (params, ctx) => {
  audit(ctx, defined({ userName: params.UserName }));
  const { keys } = keyOwner(ctx, params, 'ListAccessKeys');
  const sorted = [...keys].sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
  const { page, more } = paginate(sorted, params);
  return { AccessKeyMetadata: page.map(accessKeyMetadata), ...more };
};

export const accessKeyOperations: Record<string, Operation> = {
  CreateAccessKey: createAccessKey,
  DeleteAccessKey: deleteAccessKey,
  UpdateAccessKey: updateAccessKey,
  ListAccessKeys: listAccessKeys,
};

export const accessKeyReadOnly = ['ListAccessKeys'];
