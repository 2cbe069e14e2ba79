import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../../emulator/server.js';
import { awsCliMissing, freshEmulator } from '../helpers/emulator.js';
import { aws, ctAs, deliver, loggingTrail, readLogFile, s3As, type DeliverReport } from './support.js';

const noCli = await awsCliMissing();

// Log file integrity validation, checked by AWS's own tool: `aws cloudtrail validate-logs` lists the
// digest files, verifies each SHA256withRSA signature with the key ListPublicKeys returns, follows the
// chain backwards and re-hashes every log file (awscli/customizations/cloudtrail/validation.py).
describe('aws cloudtrail validate-logs', { skip: noCli }, () => {
  let r: RunningEmulator;
  let trailArn: string;
  const start = new Date(Date.now() - 120_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const reports: DeliverReport[] = [];
  const validate = () => aws(r, ['cloudtrail', 'validate-logs', '--trail-arn', trailArn, '--start-time', start, '--verbose']);

  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    trailArn = await loggingTrail(r, { name: 'validated', bucket: 'validated-logs', validation: true });
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'some-bucket' }));
    reports.push(await deliver(r));
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
    reports.push(await deliver(r));
    await s3As(r).send(new CreateBucketCommand({ Bucket: 'third-bucket' }));
    reports.push(await deliver(r));
  });
  after(() => r.stop());

  it('each delivery writes a log file and a signed digest chained to the previous one', async () => {
    assert.deepEqual(reports.map((x) => [x.logFiles.length, x.digestFiles.length]), [[1, 1], [1, 1], [1, 1]]);
    const obj = await s3As(r).send(new GetObjectCommand({ Bucket: 'validated-logs', Key: reports[1].digestFiles[0].key }));
    assert.equal(obj.Metadata?.['signature-algorithm'], 'SHA256withRSA');
    assert.match(obj.Metadata?.signature ?? '', /^[0-9a-f]{512}$/);
    const { gunzipSync } = await import('node:zlib');
    const digest = JSON.parse(gunzipSync(Buffer.from(await obj.Body!.transformToByteArray())).toString('utf8'));
    assert.equal(digest.previousDigestS3Object, reports[0].digestFiles[0].key);
    assert.equal(digest.previousDigestHashAlgorithm, 'SHA-256');
    assert.equal(digest.digestSignatureAlgorithm, 'SHA256withRSA');
    assert.deepEqual(digest.logFiles.map((l: { s3Object: string }) => l.s3Object), [reports[1].logFiles[0].key]);
    const { PublicKeyList } = await ctAs(r).send(new ListPublicKeysCommand({}));
    assert.ok(PublicKeyList?.some((k) => k.Fingerprint === digest.digestPublicKeyFingerprint));
  });

  it('reports every digest and log file valid', async () => {
    const out = await validate();
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /3\/3 digest files valid/);
    assert.match(out.stdout, /3\/3 log files valid/);
    assert.equal(out.stderr, '');
  });

  it('reports a log file altered after delivery: INVALID: hash value doesn\'t match', async () => {
    const key = reports[1].logFiles[0].key;
    const records = await readLogFile(r, 'validated-logs', key);
    records[0].sourceIPAddress = '203.0.113.7';
    await s3As(r).send(new PutObjectCommand({ Bucket: 'validated-logs', Key: key, Body: gzipSync(JSON.stringify({ Records: records })) }));
    const out = await validate();
    assert.equal(out.code, 1);
    assert.ok(out.stderr.includes(`Log file\ts3://validated-logs/${key}\tINVALID: hash value doesn't match`), out.stderr);
    assert.match(out.stdout, /2\/3 log files valid, 1\/3 log files INVALID/);
  });

  it('reports a deleted log file: INVALID: not found', async () => {
    const key = reports[2].logFiles[0].key;
    await s3As(r).send(new DeleteObjectCommand({ Bucket: 'validated-logs', Key: key }));
    const out = await validate();
    assert.equal(out.code, 1);
    assert.ok(out.stderr.includes(`Log file\ts3://validated-logs/${key}\tINVALID: not found`), out.stderr);
  });

  it('reports a digest file whose content was changed: INVALID: signature verification failed', async () => {
    const key = reports[0].digestFiles[0].key;
    const obj = await s3As(r).send(new GetObjectCommand({ Bucket: 'validated-logs', Key: key }));
    const { gunzipSync } = await import('node:zlib');
    const digest = JSON.parse(gunzipSync(Buffer.from(await obj.Body!.transformToByteArray())).toString('utf8'));
    digest.logFiles = [];
    await s3As(r).send(new PutObjectCommand({ Bucket: 'validated-logs', Key: key, Body: gzipSync(JSON.stringify(digest)), Metadata: obj.Metadata }));
    const out = await validate();
    assert.equal(out.code, 1);
    assert.ok(out.stderr.includes(`Digest file\ts3://validated-logs/${key}\tINVALID: signature verification failed`), out.stderr);
  });
});
