import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, LookupEventsCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator, ROOT, type Creds } from '../helpers/emulator.js';
import { chaosRules, getFaults, setFaults } from '../helpers/faults.js';
import { cloudTrailBucketPolicy } from '../cloudtrail/support.js';

// Chaos at the emulator level: with 20 % throttling and 5 % server errors on every service, the lab's calls —
// made as the harness makes them, with the SDK's standard retry mode — reach exactly the verdicts they reach
// without faults, and an expectation that is wrong still fails, whatever the seed (no false pass).

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SEEDS = [1, 2, 3];
const RETRYING = { maxAttempts: 10, retryMode: 'standard' } as const;

/** What the lab establishes, in the terms its scenarios check. */
interface Verdict {
  account: string;
  aliasTargetsTheKey: boolean;
  uploadedWithTheKey: boolean;
  anonymousGet: string;
  userBeforeKeyPolicy: string;
  userAfterKeyPolicy: string;
  whoUsedTheKey: string[];
  trailIsLogging: boolean;
}

const failureOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'allowed';
  } catch (e) {
    return (e as Error).name;
  }
};

/** A plain HTTP GET as a browser makes it, retried as any well-behaved client retries 5xx and throttling. */
async function anonymousGet(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url);
    const text = await res.text();
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '';
    if ((res.status < 500 && code !== 'SlowDown') || attempt >= 10) return `${res.status} ${code}`;
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
}

/** The lab, as SDK calls: key with alias, trail, SSE-KMS upload, anonymous URL, key user, who used the key. */
async function lab(r: RunningEmulator): Promise<Verdict> {
  const config = (creds: Creds = ROOT) => ({ endpoint: r.url, region: 'us-east-1', credentials: creds, ...RETRYING });
  const sts = new STSClient(config());
  const iam = new IAMClient(config());
  const kms = new KMSClient(config());
  const ct = new CloudTrailClient(config());
  const s3 = new S3Client({ ...config(), forcePathStyle: true });

  const account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
  const root = `arn:aws:iam::${account}:root`;
  const statements = (users: string[]) => ({ Version: '2012-10-17', Statement: [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' },
    ...(users.length ? [{ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: users }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: '*' }] : []),
  ] });

  await iam.send(new CreateUserCommand({ UserName: 'lab-user' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'lab-user', PolicyName: 's3', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'lab-user' }));
  const user: Creds = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  const userArn = `arn:aws:iam::${account}:user/lab-user`;

  const key = (await kms.send(new CreateKeyCommand({ Description: 'myFirstKey', Policy: JSON.stringify(statements([])) }))).KeyMetadata!;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/myFirstKey', TargetKeyId: key.KeyId }));
  const aliased = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/myFirstKey' }))).KeyMetadata!;

  await s3.send(new CreateBucketCommand({ Bucket: 'lab-trail-logs' }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'lab-trail-logs', Policy: cloudTrailBucketPolicy('lab-trail-logs', account) }));
  await ct.send(new CreateTrailCommand({ Name: 'lab-trail', S3BucketName: 'lab-trail-logs', EnableLogFileValidation: true }));
  await ct.send(new PutEventSelectorsCommand({ TrailName: 'lab-trail', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true,
    DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }));
  await ct.send(new StartLoggingCommand({ Name: 'lab-trail' }));

  await s3.send(new CreateBucketCommand({ Bucket: 'lab-images' }));
  const put = await s3.send(new PutObjectCommand({ Bucket: 'lab-images', Key: 'cat.png', Body: 'png bytes', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.Arn }));

  const anonymous = await anonymousGet(`${r.url}/lab-images/cat.png`);
  const asUser = new S3Client({ ...config(user), forcePathStyle: true });
  const before = await failureOf(asUser.send(new GetObjectCommand({ Bucket: 'lab-images', Key: 'cat.png' })));
  await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: JSON.stringify(statements([userArn])) }));
  const got = await asUser.send(new GetObjectCommand({ Bucket: 'lab-images', Key: 'cat.png' }));
  const afterKeyPolicy = await got.Body!.transformToString();

  // "Who used my key?": successful Decrypts of the key in Event history (refused and injected failures carry an errorCode).
  const events = (await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: key.Arn! }] }))).Events ?? [];
  const users = events.filter((e) => e.EventName === 'Decrypt' && !JSON.parse(e.CloudTrailEvent!).errorCode).map((e) => e.Username ?? '');
  const status = await ct.send(new GetTrailStatusCommand({ Name: 'lab-trail' }));

  return {
    account,
    aliasTargetsTheKey: aliased.Arn === key.Arn,
    uploadedWithTheKey: put.SSEKMSKeyId === key.Arn,
    anonymousGet: anonymous,
    userBeforeKeyPolicy: before,
    userAfterKeyPolicy: afterKeyPolicy,
    whoUsedTheKey: [...new Set(users)].sort(),
    trailIsLogging: status.IsLogging === true,
  };
}

/** The lab's checks. The last one is deliberately wrong: a key user is not a key user before the key policy says so. */
const expectations: Array<{ name: string; holds: (v: Verdict) => boolean; wrong?: true }> = [
  { name: 'alias/myFirstKey names the key', holds: (v) => v.aliasTargetsTheKey },
  { name: 'the object is encrypted with that key', holds: (v) => v.uploadedWithTheKey },
  { name: 'the anonymous URL is refused with AccessDenied', holds: (v) => v.anonymousGet === '403 AccessDenied' },
  { name: 'the user cannot read the object before the key policy names them', holds: (v) => v.userBeforeKeyPolicy === 'AccessDenied' },
  { name: 'the user reads the object once the key policy names them', holds: (v) => v.userAfterKeyPolicy === 'png bytes' },
  { name: 'CloudTrail shows the user used the key', holds: (v) => v.whoUsedTheKey.includes('lab-user') },
  { name: 'the trail is logging', holds: (v) => v.trailIsLogging },
  { name: '(wrong) the user can read the object before the key policy names them', holds: (v) => v.userBeforeKeyPolicy === 'allowed', wrong: true },
];

describe('the lab under chaos (20 % throttling, 5 % server errors, every service)', () => {
  let baseline: Verdict;
  const runs: RunningEmulator[] = [];
  const fresh = async () => {
    const r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    runs.push(r);
    return r;
  };
  before(async () => {
    baseline = await lab(await fresh());
  });
  after(() => Promise.all(runs.map((r) => r.stop())));

  it('without faults, the correct expectations hold and the wrong one does not', () => {
    for (const e of expectations) assert.equal(e.holds(baseline), !e.wrong, e.name);
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: the same verdicts as without faults, faults did fire, and the wrong expectation still fails`, async () => {
      const r = await fresh();
      await setFaults(r, chaosRules(seed, 0.2, 0.05));
      const verdict = await lab(r);
      const fired = (await getFaults(r)).rules.map((x) => x.fired);
      assert.ok(fired.every((n) => n > 0), `every rule fired at least once: ${fired}`);
      assert.deepEqual(verdict, baseline);
      for (const e of expectations) assert.equal(e.holds(verdict), !e.wrong, `${e.name} (seed ${seed})`);
    });
  }

  it('without retries the same faults do change the outcome (the verdicts above are the retries\' doing)', async () => {
    const r = await fresh();
    await setFaults(r, { seed: 1, rules: [{ service: 'kms', operation: 'CreateKey', probability: 1, fault: 'throttling' }] });
    const kms = new KMSClient({ endpoint: r.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    assert.equal(await failureOf(kms.send(new CreateKeyCommand({}))), 'ThrottlingException');
  });
});
