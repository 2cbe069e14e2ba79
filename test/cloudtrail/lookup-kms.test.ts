import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { ACCOUNT, assumedRole, aws, kmsAs, lookup, s3As } from './support.js';

const noCli = await awsCliMissing();

// The lab's audit step: "who used my key?" — S3 asked KMS for a data key on the uploader's behalf, and
// Event history shows that KMS event with the uploader's identity and invokedBy s3.amazonaws.com.
describe('LookupEvents finds the KMS calls S3 made for a key user', () => {
  let r: RunningEmulator;
  let keyArn: string;
  let user: Awaited<ReturnType<typeof assumedRole>>;

  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    user = await assumedRole(r, 'KeyUser', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 'kms:GenerateDataKey'], Resource: '*' }] }, 'alice');
    keyArn = (await kmsAs(r).send(new CreateKeyCommand({ Description: 'myFirstKey' }))).KeyMetadata!.Arn!;
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'lab-images' }));
    await s3As(r, user).send(new PutObjectCommand({ Bucket: 'lab-images', Key: 'cat.png', Body: 'png', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn }));
  });
  after(() => r.stop());

  it("GenerateDataKey is in Event history with the key user's assumed-role identity and invokedBy s3.amazonaws.com", async () => {
    const { Events } = await lookup(r, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }] });
    assert.equal(Events?.length, 1);
    const e = Events![0];
    assert.equal(e.EventSource, 'kms.amazonaws.com');
    assert.equal(e.Username, 'alice');
    assert.equal(e.ReadOnly, 'true');
    assert.equal(e.AccessKeyId, user.accessKeyId);
    assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::KMS::Key', ResourceName: keyArn }]);
    const record = JSON.parse(e.CloudTrailEvent!);
    assert.equal(record.eventID, e.EventId);
    assert.equal(record.userIdentity.type, 'AssumedRole');
    assert.equal(record.userIdentity.arn, user.arn);
    assert.equal(record.userIdentity.sessionContext.sessionIssuer.arn, user.roleArn);
    assert.equal(record.userIdentity.invokedBy, 's3.amazonaws.com');
    assert.equal(record.sourceIPAddress, 's3.amazonaws.com');
    assert.equal(record.userAgent, 's3.amazonaws.com');
    assert.deepEqual(record.requestParameters.encryptionContext, { 'aws:s3:arn': 'arn:aws:s3:::lab-images/cat.png' });
    assert.equal(record.requestParameters.keySpec, 'AES_256');
    assert.equal(record.recipientAccountId, ACCOUNT);
    assert.equal(record.eventCategory, 'Management');
    assert.equal(record.tlsDetails, undefined);
  });

  it("the key user's session name finds the same event (Username lookup)", async () => {
    const { Events } = await lookup(r, { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }] });
    assert.deepEqual(Events?.map((e) => e.EventName), ['GenerateDataKey']);
  });

  it('the S3 PutObject itself is a data event, so Event history does not have it', async () => {
    const { Events } = await lookup(r, { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' }] });
    assert.ok(!Events?.some((e) => e.EventName === 'PutObject'), 'data events are never in Event history');
  });

  it('aws cloudtrail lookup-events shows it too', { skip: noCli }, async () => {
    await new Promise((res) => setTimeout(res, 1100)); // stay under LookupEvents' 2 requests per second
    const out = await aws(r, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=ResourceName,AttributeValue=' + keyArn]);
    assert.equal(out.code, 0, out.stderr);
    const events = (JSON.parse(out.stdout) as { Events: Array<{ EventName: string; CloudTrailEvent: string }> }).Events;
    const gdk = events.find((e) => e.EventName === 'GenerateDataKey');
    assert.ok(gdk, out.stdout);
    assert.equal(JSON.parse(gdk.CloudTrailEvent).userIdentity.invokedBy, 's3.amazonaws.com');
  });
});
