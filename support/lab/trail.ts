import {
  CreateTrailCommand, DeleteTrailCommand, GetEventSelectorsCommand, GetInsightSelectorsCommand, GetTrailCommand,
  GetTrailStatusCommand, PutEventSelectorsCommand, PutInsightSelectorsCommand, StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import type { Actor } from '../actors.js';
import { attempt, type CallContext, type Outcome } from '../outcome.js';
import { isGone, RUN_ID_TAG } from '../resources.js';
import { settle, who, type LabContext } from './context.js';
import type { BucketRef } from './s3.js';

export interface TrailRef {
  logical: string;
  name: string;
  arn: string;
  bucket: BucketRef;
}

export function trailCall(operation: string, actor: Actor, logical: string, name: string): CallContext {
  return { operation: `cloudtrail:${operation}`, principal: who(actor), resource: `"${logical}" (${name})` };
}

export function trailArn(lab: LabContext, name: string): string {
  return `arn:aws:cloudtrail:${lab.target.connection.region}:${lab.accountId}:trail/${name}`;
}

/** The bucket policy CloudTrail's documentation prescribes (ACL check + write with bucket-owner-full-control). */
export function cloudTrailBucketPolicy(bucket: BucketRef, accountId: string, sourceTrailArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailAclCheck20150319',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: bucket.arn,
        Condition: { StringEquals: { 'aws:SourceArn': sourceTrailArn } },
      },
      {
        Sid: 'AWSCloudTrailWrite20150319',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${bucket.arn}/AWSLogs/${accountId}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceTrailArn } },
      },
    ],
  };
}

export async function allowCloudTrail(lab: LabContext, actor: Actor, bucket: BucketRef, trailLogical: string): Promise<Outcome<unknown>> {
  const name = lab.names.trail(trailLogical);
  const policy = cloudTrailBucketPolicy(bucket, lab.accountId, trailArn(lab, name));
  const out = await attempt({ operation: 's3:PutBucketPolicy', principal: who(actor), resource: `"${bucket.logical}" (s3://${bucket.name})` }, () =>
    actor.clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket.name, Policy: JSON.stringify(policy) })));
  if (out.ok) await settle(lab.target);
  return out.ok ? { ...out, value: policy } : out;
}

/** CreateTrail (single-region, log file validation as asked), tagged with the run id; tracked for deletion. */
export async function createTrail(lab: LabContext, actor: Actor, logical: string, bucket: BucketRef, opts: { logFileValidation: boolean }): Promise<Outcome<TrailRef>> {
  const name = lab.names.trail(logical);
  const out = await attempt(trailCall('CreateTrail', actor, logical, name), async () => {
    const res = await actor.clients.cloudtrail.send(new CreateTrailCommand({
      Name: name,
      S3BucketName: bucket.name,
      IsMultiRegionTrail: false,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: opts.logFileValidation,
      TagsList: [{ Key: RUN_ID_TAG, Value: lab.runId }],
    }));
    return { logical, name, arn: res.TrailARN ?? trailArn(lab, name), bucket };
  });
  if (out.ok) {
    // Registered after the bucket, so removed before it: no delivery into a bucket being emptied.
    lab.tracker.add({
      kind: 'CloudTrail trail',
      id: name,
      remove: async () => {
        await actor.clients.cloudtrail.send(new DeleteTrailCommand({ Name: name })).catch((e: unknown) => {
          if (!isGone(e)) throw e;
        });
      },
    });
  }
  return out;
}

/**
 * The lab's three kinds of events: management (read and write), S3 data events on the lab's bucket (basic
 * event selectors), and both kinds of Insights.
 */
export async function recordLabEvents(actor: Actor, trail: TrailRef, dataBucket: BucketRef): Promise<Outcome<unknown>> {
  const selectors = await attempt(trailCall('PutEventSelectors', actor, trail.logical, trail.name), () =>
    actor.clients.cloudtrail.send(new PutEventSelectorsCommand({
      TrailName: trail.name,
      EventSelectors: [{
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [{ Type: 'AWS::S3::Object', Values: [`${dataBucket.arn}/`] }],
      }],
    })));
  if (!selectors.ok) return selectors;
  return attempt(trailCall('PutInsightSelectors', actor, trail.logical, trail.name), () =>
    actor.clients.cloudtrail.send(new PutInsightSelectorsCommand({
      TrailName: trail.name,
      InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }],
    })));
}

export async function startLogging(actor: Actor, trail: TrailRef): Promise<Outcome<unknown>> {
  return attempt(trailCall('StartLogging', actor, trail.logical, trail.name), () =>
    actor.clients.cloudtrail.send(new StartLoggingCommand({ Name: trail.name })));
}

/** Everything the lab checks about a trail, in one object for the evidence. */
export async function describeTrail(actor: Actor, trail: TrailRef) {
  const cloudtrail = actor.clients.cloudtrail;
  return attempt(trailCall('GetTrail', actor, trail.logical, trail.name), async () => {
    const [t, status, selectors, insights] = await Promise.all([
      cloudtrail.send(new GetTrailCommand({ Name: trail.name })),
      cloudtrail.send(new GetTrailStatusCommand({ Name: trail.name })),
      cloudtrail.send(new GetEventSelectorsCommand({ TrailName: trail.name })),
      cloudtrail.send(new GetInsightSelectorsCommand({ TrailName: trail.name })),
    ]);
    return {
      trail: t.Trail,
      isLogging: status.IsLogging,
      eventSelectors: selectors.EventSelectors,
      advancedEventSelectors: selectors.AdvancedEventSelectors,
      insightSelectors: insights.InsightSelectors,
    };
  });
}
