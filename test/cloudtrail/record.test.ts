import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallRecord } from '../../emulator/core/call-record.js';
import { ANONYMOUS, type Principal } from '../../emulator/core/principal.js';
import { recipientsOf, toRecord } from '../../emulator/cloudtrail/record.js';
import { userIdentity } from '../../emulator/cloudtrail/user-identity.js';

// The recorder is pure: a CallRecord in, AWS's record out. Each expectation below is an AWS-published
// or AWS-recorded record, compared as JSON text so that member order counts too.

const SEED_ACCOUNT = '154779494721';
const labRole: Principal = {
  kind: 'assumed-role',
  accountId: SEED_ACCOUNT,
  arn: `arn:aws:sts::${SEED_ACCOUNT}:assumed-role/AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU/e7d9b1d2-9499-4258-a2ce-52ce1fd8efa0`,
  principalId: 'AROASICMTVFA6FJ4DVD2B:e7d9b1d2-9499-4258-a2ce-52ce1fd8efa0',
  role: { arn: `arn:aws:iam::${SEED_ACCOUNT}:role/AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU`, name: 'AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU', roleId: 'AROASICMTVFA6FJ4DVD2B', accountId: SEED_ACCOUNT },
  sessionName: 'e7d9b1d2-9499-4258-a2ce-52ce1fd8efa0',
  sessionIssuedAt: new Date('2025-05-07T00:25:53Z'),
  accessKeyId: 'ASIASICMTVFA2RL32CPV',
};
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36';

function call(c: Partial<CallRecord> & Pick<CallRecord, 'eventSource' | 'eventName' | 'principal'>): CallRecord {
  return { requestId: 'req-1', time: new Date('2025-05-07T01:46:33Z'), region: 'ap-northeast-1', sourceIp: '112.76.111.10', userAgent: BROWSER,
    status: 200, audit: {}, bytesIn: 0, bytesOut: 0, ...c };
}

const json = (v: unknown): string => JSON.stringify(v, null, 1);

describe('CloudTrail record from a call', () => {
  it("a ListObjectsV2 data event is the lab's real record, field by field (without TLS, which the emulator never has)", () => {
    const c = call({
      requestId: 'SBX9C5AY1F0H11JE', eventSource: 's3.amazonaws.com', eventName: 'ListObjectsV2', principal: labRole,
      authMethod: 'AuthHeader', signatureVersion: 'SigV4', bytesOut: 821,
      audit: {
        requestParameters: { 'list-type': '2', bucketName: 'mycloudtrailbucket1', 'encoding-type': 'url', 'max-keys': '1000', 'fetch-owner': 'true',
          prefix: '', delimiter: '/', Host: 'mycloudtrailbucket1.s3.ap-northeast-1.amazonaws.com' },
        readOnly: true, eventCategory: 'Data',
        resources: [{ accountId: SEED_ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::mycloudtrailbucket1' }, { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::mycloudtrailbucket1/' }],
        additionalEventData: { bytesTransferredIn: 0, 'x-amz-id-2': 'uOyHkRL9VagkHEr2P+Nco94WyVoAa6ECzRfMJ8EXb1S5vzSQxuB7C6gpbdVef1D2nunE+usjBU8=', bytesTransferredOut: 821 },
      },
    });
    const record = toRecord(c, { eventId: 'f9079a80-1587-4bcb-9c70-23028d8760b6', recipientAccountId: SEED_ACCOUNT });
    // /work/shared/seed/000_ceabfa6cfed72b48.txt, first record, minus CipherSuite and tlsDetails.
    const seed = {
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole', principalId: 'AROASICMTVFA6FJ4DVD2B:e7d9b1d2-9499-4258-a2ce-52ce1fd8efa0',
        arn: 'arn:aws:sts::154779494721:assumed-role/AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU/e7d9b1d2-9499-4258-a2ce-52ce1fd8efa0',
        accountId: '154779494721', accessKeyId: 'ASIASICMTVFA2RL32CPV',
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: 'AROASICMTVFA6FJ4DVD2B', arn: 'arn:aws:iam::154779494721:role/AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU',
            accountId: '154779494721', userName: 'AWSLabsUser-vrN9b64Efgv9JzsEaW6nLU' },
          attributes: { creationDate: '2025-05-07T00:25:53Z', mfaAuthenticated: 'false' },
        },
      },
      eventTime: '2025-05-07T01:46:33Z', eventSource: 's3.amazonaws.com', eventName: 'ListObjects', awsRegion: 'ap-northeast-1',
      sourceIPAddress: '112.76.111.10', userAgent: `[${BROWSER}]`,
      requestParameters: { 'list-type': '2', bucketName: 'mycloudtrailbucket1', 'encoding-type': 'url', 'max-keys': '1000', 'fetch-owner': 'true',
        prefix: '', delimiter: '/', Host: 'mycloudtrailbucket1.s3.ap-northeast-1.amazonaws.com' },
      responseElements: null,
      additionalEventData: { SignatureVersion: 'SigV4', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader',
        'x-amz-id-2': 'uOyHkRL9VagkHEr2P+Nco94WyVoAa6ECzRfMJ8EXb1S5vzSQxuB7C6gpbdVef1D2nunE+usjBU8=', bytesTransferredOut: 821 },
      requestID: 'SBX9C5AY1F0H11JE', eventID: 'f9079a80-1587-4bcb-9c70-23028d8760b6', readOnly: true,
      resources: [{ accountId: '154779494721', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::mycloudtrailbucket1' }, { type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::mycloudtrailbucket1/' }],
      eventType: 'AwsApiCall', managementEvent: false, recipientAccountId: '154779494721', eventCategory: 'Data',
    };
    assert.equal(json(record), json(seed));
  });

  it("an anonymous GetObject refused is the seed's AWSAccount/anonymous data event with errorCode AccessDenied", () => {
    const c = call({
      time: new Date('2025-05-07T01:47:16Z'), eventSource: 's3.amazonaws.com', eventName: 'GetObject', principal: ANONYMOUS, status: 403,
      error: { code: 'AccessDenied', message: 'Access Denied' }, bytesOut: 243,
      audit: {
        requestParameters: { bucketName: 'mycloudtrailbucket1', Host: 'mycloudtrailbucket1.s3.ap-northeast-1.amazonaws.com', key: 'favicon.ico' },
        readOnly: true, eventCategory: 'Data', recipientAccountId: SEED_ACCOUNT,
        resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::mycloudtrailbucket1/favicon.ico' }, { accountId: SEED_ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::mycloudtrailbucket1' }],
        additionalEventData: { bytesTransferredIn: 0, 'x-amz-id-2': 'id2', bytesTransferredOut: 243 },
      },
    });
    assert.deepEqual(recipientsOf(c), [SEED_ACCOUNT]);
    const r = toRecord(c, { eventId: 'e1', recipientAccountId: SEED_ACCOUNT });
    assert.equal(json(r.userIdentity), json({ type: 'AWSAccount', principalId: '', accountId: 'anonymous' }));
    assert.equal(json(Object.keys(r)), json(['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
      'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID', 'readOnly', 'resources',
      'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory']));
    assert.equal(r.errorCode, 'AccessDenied');
    assert.equal(r.errorMessage, 'Access Denied');
    assert.equal(json(r.additionalEventData), json({ bytesTransferredIn: 0, 'x-amz-id-2': 'id2', bytesTransferredOut: 243 }));
    assert.equal(r.eventCategory, 'Data');
    assert.equal(r.managementEvent, false);
  });

  it('a GenerateDataKey S3 makes for a key user keeps the user identity, adds invokedBy, and names S3 as source and agent', () => {
    const account = '111122223333';
    const keyArn = `arn:aws:kms:us-west-2:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const admins: Principal = {
      kind: 'assumed-role', accountId: account, arn: `arn:aws:sts::${account}:assumed-role/Admins/example-user`, principalId: 'AROACKCEVSQ6C2EXAMPLE:example-user',
      role: { arn: `arn:aws:iam::${account}:role/Admins`, name: 'Admins', roleId: 'AROACKCEVSQ6C2EXAMPLE', accountId: account },
      sessionName: 'example-user', sessionIssuedAt: new Date('2015-09-10T23:12:48Z'), accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    };
    const c = call({
      requestId: 'cea04450-5817-11e5-85aa-97ce46071236', time: new Date('2015-09-10T23:58:18Z'), region: 'us-west-2',
      eventSource: 'kms.amazonaws.com', eventName: 'GenerateDataKey', principal: admins, sourceIp: 's3.amazonaws.com', userAgent: 's3.amazonaws.com', readOnly: true,
      audit: {
        invokedBy: 's3.amazonaws.com', readOnly: true,
        requestParameters: { keyId: keyArn, keySpec: 'AES_256', encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::example_bucket/example_object' } },
        resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }],
      },
    });
    const r = toRecord(c, { eventId: '80721262-21a5-49b9-8b63-28740e7ce9c9', recipientAccountId: account });
    // KMS-DG deleting-keys-determining-usage example, in today's format (eventVersion 1.11, managementEvent,
    // eventCategory, typed resources) and with S3 named where the 2015 example wrote internal.amazonaws.com.
    const expected = {
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole', principalId: 'AROACKCEVSQ6C2EXAMPLE:example-user', arn: `arn:aws:sts::${account}:assumed-role/Admins/example-user`,
        accountId: account, accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: 'AROACKCEVSQ6C2EXAMPLE', arn: `arn:aws:iam::${account}:role/Admins`, accountId: account, userName: 'Admins' },
          attributes: { creationDate: '2015-09-10T23:12:48Z', mfaAuthenticated: 'false' },
        },
        invokedBy: 's3.amazonaws.com',
      },
      eventTime: '2015-09-10T23:58:18Z', eventSource: 'kms.amazonaws.com', eventName: 'GenerateDataKey', awsRegion: 'us-west-2',
      sourceIPAddress: 's3.amazonaws.com', userAgent: 's3.amazonaws.com',
      requestParameters: { keyId: keyArn, keySpec: 'AES_256', encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::example_bucket/example_object' } },
      responseElements: null,
      requestID: 'cea04450-5817-11e5-85aa-97ce46071236', eventID: '80721262-21a5-49b9-8b63-28740e7ce9c9', readOnly: true,
      resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }],
      eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: account, eventCategory: 'Management',
    };
    assert.equal(json(r), json(expected));
  });

  it('Root and IAMUser identities are written as CloudTrail documents them', () => {
    const root: Principal = { kind: 'root', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', principalId: '123456789012', accessKeyId: 'AKIAEXAMPLE' };
    assert.equal(json(userIdentity(root)), json({ type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012', accessKeyId: 'AKIAEXAMPLE' }));
    const alice: Principal = { kind: 'user', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/Alice', principalId: 'AIDAJ45Q7YFFAREXAMPLE', userName: 'Alice', accessKeyId: 'AKIAALICE' };
    // CT-UG cloudtrail-event-reference-user-identity, "userIdentity with IAM user credentials".
    assert.equal(json(userIdentity(alice)), json({ type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', arn: 'arn:aws:iam::123456789012:user/Alice', accountId: '123456789012', accessKeyId: 'AKIAALICE', userName: 'Alice' }));
    assert.equal(json(userIdentity({ kind: 'service', accountId: '', arn: 'cloudtrail.amazonaws.com', principalId: 'cloudtrail.amazonaws.com', servicePrincipal: 'cloudtrail.amazonaws.com' })),
      json({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' }));
  });

  it('secrets and plaintext never reach a record, whatever a service noted', () => {
    const root: Principal = { kind: 'root', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', principalId: '123456789012' };
    const c = call({
      eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', principal: root,
      audit: {
        requestParameters: { roleArn: 'arn:aws:iam::123456789012:role/r', plaintext: 'c2VjcmV0', Plaintext: 'x' },
        responseElements: { credentials: { accessKeyId: 'ASIAX', secretAccessKey: 'shh', sessionToken: 'tok', expiration: 'Jan 1, 2030' } },
      },
    });
    const text = JSON.stringify(toRecord(c, { eventId: 'e', recipientAccountId: '123456789012' }));
    for (const secret of ['c2VjcmV0', '"x"', 'shh', 'tok', 'secretAccessKey', 'sessionToken', 'laintext']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.ok(text.includes('ASIAX'));
  });

  it('a read-only call has null responseElements ("For readOnly APIs, this field is null")', () => {
    const root: Principal = { kind: 'root', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', principalId: '123456789012' };
    const r = toRecord(call({ eventSource: 'kms.amazonaws.com', eventName: 'DescribeKey', principal: root, readOnly: true, audit: { responseElements: { a: 1 } } }),
      { eventId: 'e', recipientAccountId: '123456789012' });
    assert.equal(r.responseElements, null);
    assert.equal(r.readOnly, true);
  });

  it('a cross-account KMS call goes to both accounts, a denied one only to the caller', () => {
    const bob: Principal = { kind: 'user', accountId: '222222222222', arn: 'arn:aws:iam::222222222222:user/Bob', principalId: 'AIDABOB', userName: 'Bob' };
    const keyArn = 'arn:aws:kms:us-east-1:111111111111:key/k';
    const audit = { resources: [{ accountId: '111111111111', type: 'AWS::KMS::Key', ARN: keyArn }] };
    const ok = call({ eventSource: 'kms.amazonaws.com', eventName: 'Encrypt', principal: bob, audit });
    assert.deepEqual(recipientsOf(ok), ['222222222222', '111111111111']);
    const shared = toRecord(ok, { eventId: 'e2', recipientAccountId: '111111111111', sharedEventId: 's-1' });
    assert.equal(shared.recipientAccountId, '111111111111');
    assert.equal(shared.sharedEventID, 's-1');
    const denied = call({ eventSource: 'kms.amazonaws.com', eventName: 'Encrypt', principal: bob, status: 400, audit,
      error: { code: 'AccessDeniedException', message: 'User: arn:aws:iam::222222222222:user/Bob is not authorized to perform: kms:Encrypt' } });
    assert.deepEqual(recipientsOf(denied), ['222222222222']);
  });
});
