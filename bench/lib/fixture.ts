import { randomBytes } from 'node:crypto';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { capture, capturingHandler, type RawRequest } from './capture.js';

export interface Creds { accessKeyId: string; secretAccessKey: string }
export const ROOT: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };
export const REGION = 'us-east-1';

export const clientConfig = (endpoint: string, credentials: Creds = ROOT) => ({ endpoint, region: REGION, credentials, maxAttempts: 1 });

/** What the load runs against on one target: a key user (IAM user with an inline policy), its key, a bucket and an object. */
export interface Fixture {
  endpoint: string;
  user: Creds;
  keyId: string;
  keyArn: string;
  bucket: string;
  objectKey: string;
}

export const PLAINTEXT_1K = randomBytes(1024);
export const OBJECT_4K = randomBytes(4096);

/**
 * Provisions the fixture through the real HTTP endpoint with the SDK, the same way on the emulator and on
 * moto: the calls below are then made as an IAM user whose identity policy allows them, on a key whose
 * (default) key policy lets IAM policies of the account count — so the emulator evaluates both.
 */
export async function provision(endpoint: string, tag: string, withS3: boolean): Promise<Fixture> {
  const iam = new IAMClient(clientConfig(endpoint));
  const kms = new KMSClient(clientConfig(endpoint));
  const userName = `bench-user-${tag}`;
  await iam.send(new CreateUserCommand({ UserName: userName }));
  await iam.send(new PutUserPolicyCommand({
    UserName: userName,
    PolicyName: 'bench',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: '*' },
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: '*' },
        { Effect: 'Allow', Action: ['cloudtrail:LookupEvents'], Resource: '*' },
      ],
    }),
  }));
  const ak = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
  const user = { accessKeyId: ak.AccessKeyId!, secretAccessKey: ak.SecretAccessKey! };
  const key = (await kms.send(new CreateKeyCommand({ Description: `kms-lab bench ${tag}` }))).KeyMetadata!;
  const bucket = `kms-lab-bench-${tag}`;
  const objectKey = 'bench/object-4k.bin';
  if (withS3) {
    const s3 = new S3Client({ ...clientConfig(endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    iam.destroy();
    s3.destroy();
  }
  kms.destroy();
  return { endpoint, user, keyId: key.KeyId!, keyArn: key.Arn!, bucket, objectKey };
}

export type Scenario = 'Encrypt' | 'GenerateDataKey' | 'PutObject' | 'GetObject' | 'LookupEvents';
export const SCENARIOS: Scenario[] = ['Encrypt', 'GenerateDataKey', 'PutObject', 'GetObject', 'LookupEvents'];

export const scenarioLabel: Record<Scenario, string> = {
  Encrypt: 'KMS Encrypt 1 KiB',
  GenerateDataKey: 'KMS GenerateDataKey AES_256',
  PutObject: 'S3 PutObject 4 KiB SSE-KMS',
  GetObject: 'S3 GetObject 4 KiB SSE-KMS',
  LookupEvents: 'CloudTrail LookupEvents (ResourceName = key ARN)',
};

/** The signed request (as the key user) that the SDK sends for a scenario, captured for replay. */
export async function captureScenario(f: Fixture, s: Scenario): Promise<RawRequest> {
  const cfg = { ...clientConfig(f.endpoint, f.user), requestHandler: capturingHandler };
  switch (s) {
    case 'Encrypt':
      return capture(() => new KMSClient(cfg).send(new EncryptCommand({ KeyId: f.keyId, Plaintext: PLAINTEXT_1K })));
    case 'GenerateDataKey':
      return capture(() => new KMSClient(cfg).send(new GenerateDataKeyCommand({ KeyId: f.keyId, KeySpec: 'AES_256' })));
    case 'PutObject':
      return capture(() => new S3Client({ ...cfg, forcePathStyle: true }).send(new PutObjectCommand({
        Bucket: f.bucket, Key: f.objectKey, Body: OBJECT_4K, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: f.keyArn,
      })));
    case 'GetObject':
      return capture(() => new S3Client({ ...cfg, forcePathStyle: true }).send(new GetObjectCommand({ Bucket: f.bucket, Key: f.objectKey })));
    case 'LookupEvents':
      return capture(() => new CloudTrailClient(cfg).send(new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: f.keyArn }],
      })));
  }
}
