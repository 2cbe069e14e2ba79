import type { Emulator } from '../core/emulator.js';
import { servicePrincipal } from '../core/principal.js';
import { evaluate } from '../policy/evaluate.js';
import type { AuthzRequest, PolicyDocument } from '../policy/types.js';
import { bucketDoesNotExist, insufficientBucketPolicy } from './errors.js';

export const CLOUDTRAIL_PRINCIPAL = 'cloudtrail.amazonaws.com';

/**
 * CreateTrail / UpdateTrail refuse a bucket whose policy does not let CloudTrail check the bucket ACL and
 * write log files: CT-UG create-s3-bucket-policy-for-cloudtrail — statement "AWSCloudTrailAclCheck"
 * (`s3:GetBucketAcl` on `arn:aws:s3:::bucket`) and "AWSCloudTrailWrite" (`s3:PutObject` on
 * `arn:aws:s3:::bucket/[optionalPrefix/]AWSLogs/<account>/*` with `s3:x-amz-acl` =
 * `bucket-owner-full-control`), optionally conditioned on `aws:SourceArn` = the trail ARN. Both are evaluated
 * for the service principal with the request context CloudTrail itself would send; a missing policy fails.
 */
export function checkTrailBucket(emulator: Emulator, bucket: string, prefix: string | undefined, accountId: string, region: string, trailArn: string): void {
  const info = emulator.s3?.bucketInfo(bucket);
  if (!info) throw bucketDoesNotExist(bucket);
  let policy: PolicyDocument | undefined;
  try {
    policy = info.policy ? (JSON.parse(info.policy) as PolicyDocument) : undefined;
  } catch {
    policy = undefined;
  }
  if (!policy) throw insufficientBucketPolicy(bucket);
  const principal = servicePrincipal(CLOUDTRAIL_PRINCIPAL);
  const context = { 'aws:SourceArn': trailArn, 'aws:SourceAccount': accountId };
  const objectKey = `${prefix ? `${prefix}/` : ''}AWSLogs/${accountId}/CloudTrail/${region}/`;
  const checks: AuthzRequest[] = [
    { principal, action: 's3:GetBucketAcl', resource: `arn:aws:s3:::${bucket}`, resourceAccount: info.ownerAccountId, context },
    {
      principal, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${objectKey}`, resourceAccount: info.ownerAccountId,
      context: { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' },
    },
  ];
  for (const req of checks) {
    const d = evaluate(req, { identity: [], resource: policy, mode: 'standard' }, { now: emulator.clock() });
    if (!d.allowed) throw insufficientBucketPolicy(bucket);
  }
}
