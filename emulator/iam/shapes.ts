import type { XmlValue } from '../protocols/xml.js';
import type { AccessKey, IamRole, IamUser, ManagedPolicy, Tag } from '../identity/model.js';
import { cloudTrailDate } from './cloudtrail-date.js';
import { iamEncode } from './encoding.js';

// The IAM API's data types (User, Role, Policy, AccessKeyMetadata) as the query protocol writes them.
// Which members each operation returns follows the localstack IAM snapshot recorded against AWS:
// CreateRole omits MaxSessionDuration and RoleLastUsed, GetRole has both (RoleLastUsed empty until the
// role is used), ListRoles has MaxSessionDuration but no Tags and no RoleLastUsed.

export const tagShapes = (tags: Tag[]): Array<Record<string, XmlValue>> => tags.map((t) => ({ Key: t.Key, Value: t.Value }));

const tagsIfAny = (tags: Tag[]): { Tags?: Array<Record<string, XmlValue>> } => (tags.length > 0 ? { Tags: tagShapes(tags) } : {});

export function userShape(u: IamUser, withTags: boolean): Record<string, XmlValue> {
  return { Path: u.path, UserName: u.name, UserId: u.userId, Arn: u.arn, CreateDate: u.createDate, ...(withTags ? tagsIfAny(u.tags) : {}) };
}

export type RoleView = 'create' | 'get' | 'list';

export function roleShape(r: IamRole, view: RoleView): Record<string, XmlValue> {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: r.createDate,
    AssumeRolePolicyDocument: iamEncode(r.assumeRolePolicyDocument),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    ...(view !== 'create' ? { MaxSessionDuration: r.maxSessionDuration } : {}),
    ...(view !== 'list' ? tagsIfAny(r.tags) : {}),
    ...(view === 'get' ? { RoleLastUsed: {} } : {}),
  };
}

export function policyShape(p: ManagedPolicy, attachmentCount: number, withDescription: boolean): Record<string, XmlValue> {
  return {
    PolicyName: p.name,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(withDescription && p.description !== undefined ? { Description: p.description } : {}),
    CreateDate: p.createDate,
    UpdateDate: p.updateDate,
    ...tagsIfAny(p.tags),
  };
}

export function accessKeyMetadata(k: AccessKey): Record<string, XmlValue> {
  return { ...(k.userName !== undefined ? { UserName: k.userName } : {}), AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createDate };
}

// CloudTrail's responseElements mirror the response in camelCase, with dates in IAM's CloudTrail
// format (cloudtrail-date.ts). A real CreateRole record: {"role": {"arn", "assumeRolePolicyDocument"
// (URL-encoded), "createDate": "Aug 1, 2024 1:37:41 PM", "path", "roleId", "roleName"}}.

export const userAudit = (u: IamUser): Record<string, unknown> => ({
  path: u.path,
  userName: u.name,
  userId: u.userId,
  arn: u.arn,
  createDate: cloudTrailDate(u.createDate),
  ...(u.tags.length > 0 ? { tags: tagsAudit(u.tags) } : {}),
});

export const roleAudit = (r: IamRole): Record<string, unknown> => ({
  path: r.path,
  roleName: r.name,
  roleId: r.roleId,
  arn: r.arn,
  createDate: cloudTrailDate(r.createDate),
  assumeRolePolicyDocument: iamEncode(r.assumeRolePolicyDocument),
  ...(r.description !== undefined ? { description: r.description } : {}),
  ...(r.tags.length > 0 ? { tags: tagsAudit(r.tags) } : {}),
});

export const policyAudit = (p: ManagedPolicy): Record<string, unknown> => ({
  policyName: p.name,
  policyId: p.policyId,
  arn: p.arn,
  path: p.path,
  defaultVersionId: p.defaultVersionId,
  attachmentCount: 0,
  permissionsBoundaryUsageCount: 0,
  isAttachable: true,
  createDate: cloudTrailDate(p.createDate),
  updateDate: cloudTrailDate(p.updateDate),
});

/** requestParameters tags: [{"key": …, "value": …}] (IAM User Guide, cloudtrail-integration.md). */
export const tagsAudit = (tags: Tag[]): Array<{ key: string; value: string }> => tags.map((t) => ({ key: t.Key, value: t.Value }));
