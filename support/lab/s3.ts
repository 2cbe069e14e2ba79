import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, DeletePublicAccessBlockCommand, GetObjectCommand,
  HeadObjectCommand, ListObjectsV2Command, PutBucketEncryptionCommand, PutBucketPolicyCommand,
  PutBucketTaggingCommand, PutObjectCommand, type BucketLocationConstraint, type S3Client,
} from '@aws-sdk/client-s3';
import type { Actor } from '../actors.js';
import { attempt, must, type CallContext, type Outcome } from '../outcome.js';
import { isGone, RUN_ID_TAG } from '../resources.js';
import { settle, who, type LabContext } from './context.js';

export interface BucketRef {
  logical: string;
  name: string;
  arn: string;
}

/** The object the lab uploads: a real 1×1 PNG for images, text otherwise. */
export const IMAGE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export function labObjectBody(key: string): { body: Buffer; contentType: string } {
  if (/\.png$/i.test(key)) return { body: IMAGE_PNG, contentType: 'image/png' };
  return { body: Buffer.from(`kms-lab object ${key}\n`, 'utf8'), contentType: 'text/plain' };
}

export function s3Call(operation: string, actor: Actor, bucket: BucketRef, key?: string): CallContext {
  return { operation: `s3:${operation}`, principal: who(actor), resource: `"${bucket.logical}${key ? `/${key}` : ''}" (s3://${bucket.name}${key ? `/${key}` : ''})` };
}

/** Creates a bucket (tagged with the run id), optionally with SSE-S3 default encryption, and tracks its removal. */
export async function createBucket(lab: LabContext, actor: Actor, logical: string, opts: { defaultEncryption?: 'SSE-S3' } = {}): Promise<BucketRef> {
  const bucket: BucketRef = { logical, name: lab.names.bucket(logical), arn: '' };
  bucket.arn = `arn:aws:s3:::${bucket.name}`;
  const region = lab.target.connection.region;
  must(await attempt(s3Call('CreateBucket', actor, bucket), () =>
    actor.clients.s3.send(new CreateBucketCommand({
      Bucket: bucket.name,
      // us-east-1 is the one region that must not be named.
      CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint },
    }))));
  lab.tracker.add({ kind: 'S3 bucket', id: bucket.name, remove: () => emptyAndDelete(actor.clients.s3, bucket.name) });
  must(await attempt(s3Call('PutBucketTagging', actor, bucket), () =>
    actor.clients.s3.send(new PutBucketTaggingCommand({ Bucket: bucket.name, Tagging: { TagSet: [{ Key: RUN_ID_TAG, Value: lab.runId }] } }))));
  if (opts.defaultEncryption === 'SSE-S3') {
    must(await attempt(s3Call('PutBucketEncryption', actor, bucket), () =>
      actor.clients.s3.send(new PutBucketEncryptionCommand({
        Bucket: bucket.name,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      }))));
  }
  return bucket;
}

/**
 * Every object, then the bucket. The lab never turns versioning on, so ListObjectsV2 sees everything there is
 * (and it is what every target implements; ListObjectVersions is not).
 */
export async function emptyAndDelete(s3: S3Client, bucket: string): Promise<void> {
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      const objects = (page.Contents ?? []).filter((o) => o.Key).map((o) => ({ Key: o.Key! }));
      if (objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (!isGone(e)) throw e;
  }
}

export interface UploadResult {
  serverSideEncryption?: string;
  kmsKeyId?: string;
  etag?: string;
  lastModified?: Date;
  bytes: number;
}

export type Encryption = { kind: 'aws:kms'; keyId: string } | { kind: 'bucket-default' };

/** PutObject as the actor; with SSE-KMS the key is named explicitly, overriding the bucket's default encryption. */
export async function uploadObject(actor: Actor, bucket: BucketRef, key: string, enc: Encryption): Promise<Outcome<UploadResult>> {
  const { body, contentType } = labObjectBody(key);
  return attempt(s3Call('PutObject', actor, bucket, key), async () => {
    const out = await actor.clients.s3.send(new PutObjectCommand({
      Bucket: bucket.name,
      Key: key,
      Body: body,
      ContentType: contentType,
      ...(enc.kind === 'aws:kms' ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: enc.keyId } : {}),
    }));
    return { serverSideEncryption: out.ServerSideEncryption, kmsKeyId: out.SSEKMSKeyId, etag: out.ETag, bytes: body.length };
  });
}

export interface ObjectHead {
  serverSideEncryption?: string;
  kmsKeyId?: string;
  lastModified?: Date;
  contentLength?: number;
  etag?: string;
}

export async function headObject(actor: Actor, bucket: BucketRef, key: string): Promise<Outcome<ObjectHead>> {
  return attempt(s3Call('HeadObject', actor, bucket, key), async () => {
    const out = await actor.clients.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
    return { serverSideEncryption: out.ServerSideEncryption, kmsKeyId: out.SSEKMSKeyId, lastModified: out.LastModified, contentLength: out.ContentLength, etag: out.ETag };
  });
}

/** GetObject as the actor ("opens the image in the console"): S3 decrypts with KMS as that actor. */
export async function getObject(actor: Actor, bucket: BucketRef, key: string): Promise<Outcome<{ body: Buffer; head: ObjectHead }>> {
  return attempt(s3Call('GetObject', actor, bucket, key), async () => {
    const out = await actor.clients.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    const body = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
    return { body, head: { serverSideEncryption: out.ServerSideEncryption, kmsKeyId: out.SSEKMSKeyId, lastModified: out.LastModified, contentLength: out.ContentLength } };
  });
}

/**
 * Makes a bucket publicly readable, the way a learner tries to "fix" the refused public URL: Block Public
 * Access off for the bucket, then a bucket policy granting s3:GetObject to everyone.
 */
export async function makePublic(lab: LabContext, actor: Actor, bucket: BucketRef): Promise<Outcome<unknown>> {
  const bpa = await attempt(s3Call('DeletePublicAccessBlock', actor, bucket), () =>
    actor.clients.s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket.name })));
  if (!bpa.ok) return bpa;
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucket.arn}/*` }],
  };
  const put = await attempt(s3Call('PutBucketPolicy', actor, bucket), () =>
    actor.clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket.name, Policy: JSON.stringify(policy) })));
  if (put.ok) await settle(lab.target);
  return put.ok ? { ...put, value: policy } : put;
}
