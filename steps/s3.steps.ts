import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ActorName } from '../support/actors.js';
import { openPublicUrl } from '../support/lab/public-url.js';
import { createBucket, getObject, headObject, labObjectBody, makePublic, uploadObject, type Encryption } from '../support/lab/s3.js';
import { must, type Outcome } from '../support/outcome.js';
import type { LabWorld } from '../support/world.js';

// ---- buckets -------------------------------------------------------------------------------------------

Given('{actor} has created the bucket {string}', async function (this: LabWorld, actor: ActorName, logical: string) {
  this.buckets.set(logical, await createBucket(this, this.actor(actor), logical));
});

Given('{actor} has created the bucket {string} with SSE-S3 default encryption', async function (this: LabWorld, actor: ActorName, logical: string) {
  this.buckets.set(logical, await createBucket(this, this.actor(actor), logical, { defaultEncryption: 'SSE-S3' }));
});

Given('{actor} has made the bucket {string} public with a bucket policy', async function (this: LabWorld, actor: ActorName, logical: string) {
  const outcome = await makePublic(this, this.actor(actor), this.bucket(logical));
  this.attachEvidence(`public bucket policy of ${logical}`, outcome);
  must(outcome, 'on AWS, the account\'s Block Public Access settings may forbid public bucket policies (an account-wide setting the lab does not change).');
});

// ---- uploads ------------------------------------------------------------------------------------------

/** Uploads, then keeps the object's head (its Last-Modified time is what the audit looks for). */
async function upload(world: LabWorld, actor: ActorName, key: string, bucketLogical: string, enc: Encryption): Promise<Outcome<unknown>> {
  const bucket = world.bucket(bucketLogical);
  const outcome = world.record(await uploadObject(world.actor(actor), bucket, key, enc), { encryptionRequested: enc });
  if (outcome.ok) {
    const head = await headObject(world.actor(actor), bucket, key);
    world.objects.set(`${bucketLogical}/${key}`, { bucket, key, uploadedBy: actor, head: head.ok ? head.value : undefined });
    world.last = outcome; // the upload's answer, not the head's, is what "Then it succeeds" is about
  }
  return outcome;
}

const sseKms = (keyId: string): Encryption => ({ kind: 'aws:kms', keyId });

When('{actor} uploads {string} to {string} with SSE-KMS using {string}', async function (this: LabWorld, actor: ActorName, key: string, bucket: string, keyLogical: string) {
  // As the console does: the chosen key is sent by its ARN.
  await upload(this, actor, key, bucket, sseKms(this.key(keyLogical).arn));
});

Given('{actor} has uploaded {string} to {string} with SSE-KMS using {string}', async function (this: LabWorld, actor: ActorName, key: string, bucket: string, keyLogical: string) {
  must(await upload(this, actor, key, bucket, sseKms(this.key(keyLogical).arn)));
});

When(/^"(administrator|student|auditor)" uploads "([^"]+)" to "([^"]+)" with SSE-KMS naming "([^"]+)" by its (key ARN|key id|alias name)$/, async function (this: LabWorld, actor: string, key: string, bucket: string, keyLogical: string, form: string) {
  const k = this.key(keyLogical);
  const id = form === 'key ARN' ? k.arn : form === 'key id' ? k.keyId : k.aliasName;
  await upload(this, actor as ActorName, key, bucket, sseKms(id));
});

When('{actor} uploads {string} to {string} with SSE-KMS using the key id {string}', async function (this: LabWorld, actor: ActorName, key: string, bucket: string, keyId: string) {
  await upload(this, actor, key, bucket, sseKms(keyId));
});

When('{actor} uploads {string} to {string} without naming an encryption', async function (this: LabWorld, actor: ActorName, key: string, bucket: string) {
  await upload(this, actor, key, bucket, { kind: 'bucket-default' });
});

Given('{actor} has uploaded {string} to {string} without naming an encryption', async function (this: LabWorld, actor: ActorName, key: string, bucket: string) {
  must(await upload(this, actor, key, bucket, { kind: 'bucket-default' }));
});

// ---- what S3 says about the object -----------------------------------------------------------------

async function objectHead(world: LabWorld, key: string, bucketLogical: string) {
  const obj = world.object(bucketLogical, key);
  const head = must(await headObject(world.actor(obj.uploadedBy), obj.bucket, key));
  world.attachEvidence(`HeadObject ${bucketLogical}/${key}`, head);
  return head;
}

Then('the object {string} in {string} is encrypted with {string} using {string}', async function (this: LabWorld, key: string, bucket: string, algorithm: string, keyLogical: string) {
  const head = await objectHead(this, key, bucket);
  assert.equal(head.serverSideEncryption, algorithm, `"${key}" is encrypted with ${head.serverSideEncryption ?? 'nothing'}, not ${algorithm}`);
  // S3 always reports the full key ARN, however the key was named in the request.
  assert.equal(head.kmsKeyId, this.key(keyLogical).arn, `"${key}" reports the KMS key ${head.kmsKeyId}, not the ARN of "${keyLogical}"`);
});

Then('the object {string} in {string} is encrypted with {string}', async function (this: LabWorld, key: string, bucket: string, algorithm: string) {
  const head = await objectHead(this, key, bucket);
  assert.equal(head.serverSideEncryption, algorithm, `"${key}" is encrypted with ${head.serverSideEncryption ?? 'nothing'}, not ${algorithm}`);
  assert.equal(head.kmsKeyId, undefined, `"${key}" names a KMS key (${head.kmsKeyId}) although it is ${algorithm}`);
});

Then('the Last-Modified time of {string} in {string} is kept for the audit', async function (this: LabWorld, key: string, bucket: string) {
  const head = await objectHead(this, key, bucket);
  assert.ok(head.lastModified instanceof Date && !Number.isNaN(head.lastModified.getTime()), `"${key}" has no Last-Modified time`);
  const skewMs = Math.abs(head.lastModified.getTime() - Date.now());
  assert.ok(skewMs < 15 * 60_000, `Last-Modified of "${key}" (${head.lastModified.toISOString()}) is ${Math.round(skewMs / 1000)} s from now: the audit window would miss it`);
  this.object(bucket, key).head = head;
  this.attachEvidence(`Last-Modified of ${bucket}/${key}`, { object: `s3://${this.bucket(bucket).name}/${key}`, lastModified: head.lastModified });
});

// ---- reading it -------------------------------------------------------------------------------------

When('{actor} opens {string} in {string}', async function (this: LabWorld, actor: ActorName, key: string, bucket: string) {
  const outcome = await getObject(this.actor(actor), this.bucket(bucket), key);
  // The bytes are evidence only by size: the lab's objects are not secrets, but reports are no place for them.
  this.record(outcome.ok ? { ...outcome, value: { bytes: outcome.value.body.length, ...outcome.value.head } } : outcome);
  this.last = outcome; // with the bytes, for "they get back the image …"
});

Then('they get back the image they uploaded, decrypted', function (this: LabWorld) {
  const o = this.last as Outcome<{ body: Buffer }> | undefined;
  assert.ok(o?.ok, 'The object was not read.');
  const expected = labObjectBody('image.png').body;
  assert.ok(o.value.body.equals(expected), `The bytes read (${o.value.body.length}) are not the image uploaded (${expected.length} bytes).`);
});

When('an anonymous visitor opens the object URL of {string} in {string}', async function (this: LabWorld, key: string, bucket: string) {
  const url = this.target.objectUrl(this.bucket(bucket).name, key);
  this.lastPublic = await openPublicUrl(url);
  this.attachEvidence(`anonymous GET ${key}`, this.lastPublic);
});

function publicAnswer(world: LabWorld) {
  if (!world.lastPublic) throw new Error('No public URL was opened yet in this scenario.');
  return world.lastPublic;
}

Then('the visitor is refused with HTTP {int} {string}', function (this: LabWorld, status: number, code: string) {
  const a = publicAnswer(this);
  assert.equal(a.status, status, `The object URL answered HTTP ${a.status} ${a.code ?? ''} ${a.message ?? ''}, not ${status} ${code}`);
  assert.equal(a.code, code, `The object URL answered ${a.code}: ${a.message}`);
});

Then('the visitor is refused with HTTP {int} {string} and the message {string}', function (this: LabWorld, status: number, code: string, message: string) {
  const a = publicAnswer(this);
  assert.equal(a.status, status, `The object URL answered HTTP ${a.status} ${a.code ?? ''} ${a.message ?? ''}, not ${status} ${code}`);
  assert.equal(a.code, code, `The object URL answered ${a.code}: ${a.message}`);
  assert.equal(a.message, this.expand(message));
});

Then('the visitor gets the object', function (this: LabWorld) {
  const a = publicAnswer(this);
  assert.equal(a.status, 200, `The object URL answered HTTP ${a.status} ${a.code ?? ''}: ${a.message ?? ''}`);
});
