import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DeleteTrailCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DescribeKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DeleteObjectCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { makeCheckClients, type CheckClients } from '../../support/check/clients.js';
import { READ_OPERATIONS, ReadOnlyViolation, type CallLogEntry } from '../../support/check/guard.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('check mode is read-only by construction', () => {
  let server: Server;
  let requests: string[] = [];
  let clients: CheckClients;
  const calls: CallLogEntry[] = [];

  before(async () => {
    // A stand-in endpoint that records every request it receives and answers a JSON error.
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers['x-amz-target'] ?? ''}`);
      req.resume();
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end('{"__type":"ValidationException","message":"stand-in"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    clients = makeCheckClients({ endpoint, region: 'us-east-1', forcePathStyle: true }, { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }, (c) => calls.push(c));
  });
  after(() => {
    clients.destroy();
    server.close();
  });

  test('the mutation guard refuses every write before anything is sent', async () => {
    requests = [];
    const writes: [string, () => Promise<unknown>][] = [
      ['s3:PutObject', () => clients.s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }))],
      ['s3:DeleteObject', () => clients.s3.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'k' }))],
      ['s3:PutBucketPolicy', () => clients.s3.send(new PutBucketPolicyCommand({ Bucket: 'b', Policy: '{}' }))],
      ['kms:CreateKey', () => clients.kms.send(new CreateKeyCommand({}))],
      ['kms:ScheduleKeyDeletion', () => clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: 'k' }))],
      ['cloudtrail:StopLogging', () => clients.cloudtrail.send(new StopLoggingCommand({ Name: 't' }))],
      ['cloudtrail:DeleteTrail', () => clients.lookup.send(new DeleteTrailCommand({ Name: 't' }))],
      ['iam:CreateUser', () => clients.iam.send(new CreateUserCommand({ UserName: 'u' }))],
      ['sts:AssumeRole', () => clients.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/r', RoleSessionName: 's' }))],
    ];
    for (const [name, send] of writes) {
      await assert.rejects(send(), (e: unknown) => {
        assert.ok(e instanceof ReadOnlyViolation, `${name}: ${String(e)}`);
        assert.equal(e.operation, name);
        assert.match(e.message, new RegExp(`^Refused before sending: ${name} is not a read operation`));
        return true;
      });
    }
    assert.deepEqual(requests, [], 'no request reached the endpoint');
    assert.deepEqual(calls.filter((c) => c.outcome === 'refused').map((c) => c.operation), writes.map(([n]) => n));
  });

  test('s3:GetObject is allowed on CloudTrail\'s log files only', async () => {
    requests = [];
    await assert.rejects(clients.s3.send(new GetObjectCommand({ Bucket: 'lab-data', Key: 'image.png' })), ReadOnlyViolation);
    await assert.rejects(clients.s3.send(new GetObjectCommand({ Bucket: 'trail', Key: 'AWSLogs/111122223333/Other/x.json.gz' })), ReadOnlyViolation);
    assert.equal(requests.length, 0);
    await assert.rejects(clients.s3.send(new GetObjectCommand({ Bucket: 'trail', Key: 'prefix/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/02/f.json.gz' })),
      (e: unknown) => !(e instanceof ReadOnlyViolation));
    assert.ok(requests.length >= 1, 'the log file read was sent');
  });

  test('a read operation is sent', async () => {
    requests = [];
    await assert.rejects(clients.kms.send(new DescribeKeyCommand({ KeyId: 'alias/myFirstKey' })), (e: unknown) => !(e instanceof ReadOnlyViolation));
    assert.ok(requests.some((r) => r.includes('TrentService.DescribeKey')), requests.join('\n'));
  });

  test('the allow-list holds only Describe, Get, List, Head and LookupEvents operations', () => {
    for (const [client, ops] of Object.entries(READ_OPERATIONS)) {
      for (const op of ops) assert.match(op, /^(Describe|Get|List|Head|LookupEvents$)/, `${client}.${op}`);
    }
  });
});
