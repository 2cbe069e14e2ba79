import assert from 'node:assert/strict';
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import type { ActorName } from '../support/actors.js';
import { assertNotInLookupEvents, awaitDigestCovering, awaitLoggedEvent, awaitManagementEvent } from '../support/lab/audit.js';
import { keyEvent, objectEvent } from '../support/lab/expectations.js';
import { createBucket } from '../support/lab/s3.js';
import { allowCloudTrail, createTrail, describeTrail, recordLabEvents, startLogging, type TrailRef } from '../support/lab/trail.js';
import { must } from '../support/outcome.js';
import type { LabWorld } from '../support/world.js';

// ---- setting up the trail ---------------------------------------------------------------------------

Given('{actor} has created the bucket {string} for the CloudTrail logs', async function (this: LabWorld, actor: ActorName, logical: string) {
  this.buckets.set(logical, await createBucket(this, this.actor(actor), logical));
});

Given('{actor} has let CloudTrail deliver the logs of {string} to {string}', async function (this: LabWorld, actor: ActorName, trail: string, bucket: string) {
  const outcome = await allowCloudTrail(this, this.actor(actor), this.bucket(bucket), trail);
  this.attachEvidence(`CloudTrail bucket policy of ${bucket}`, outcome);
  must(outcome);
});

async function create(world: LabWorld, actor: ActorName, logical: string, bucket: string, logFileValidation: boolean) {
  const outcome = world.record(await createTrail(world, world.actor(actor), logical, world.bucket(bucket), { logFileValidation }));
  if (outcome.ok) world.trails.set(logical, outcome.value);
  return outcome;
}

When('{actor} creates the trail {string} delivering to {string}', async function (this: LabWorld, actor: ActorName, trail: string, bucket: string) {
  await create(this, actor, trail, bucket, false);
});

When('{actor} creates the trail {string} delivering to {string} with log file validation', async function (this: LabWorld, actor: ActorName, trail: string, bucket: string) {
  await create(this, actor, trail, bucket, true);
});

When('{actor} records management events, S3 data events of {string} and Insights events on {string}', async function (this: LabWorld, actor: ActorName, bucket: string, trail: string) {
  this.record(await recordLabEvents(this.actor(actor), this.trail(trail), this.bucket(bucket)));
});

When('{actor} starts logging on {string}', async function (this: LabWorld, actor: ActorName, trail: string) {
  this.record(await startLogging(this.actor(actor), this.trail(trail)));
});

/** The whole of lesson 2 as one precondition, for the audit lesson. */
Given('{actor} has set up the logging trail {string} delivering to the new bucket {string}, with S3 data events of {string}', async function (this: LabWorld, actor: ActorName, trail: string, logsBucket: string, dataBucket: string) {
  const a = this.actor(actor);
  const bucket = await createBucket(this, a, logsBucket);
  this.buckets.set(logsBucket, bucket);
  must(await allowCloudTrail(this, a, bucket, trail));
  const created = must(await create(this, actor, trail, logsBucket, true));
  must(this.record(await recordLabEvents(a, created, this.bucket(dataBucket))));
  must(this.record(await startLogging(a, created)));
});

// ---- what the trail is ------------------------------------------------------------------------------

async function trailState(world: LabWorld, logical: string) {
  const trail = world.trail(logical);
  const state = must(await describeTrail(world.actor('auditor'), trail));
  world.attachEvidence(`trail ${logical}`, state);
  return { trail, state };
}

Then('the trail {string} is logging to {string}', async function (this: LabWorld, trail: string, bucket: string) {
  const { state } = await trailState(this, trail);
  assert.equal(state.isLogging, true, `"${trail}" is not logging`);
  assert.equal(state.trail?.S3BucketName, this.bucket(bucket).name);
});

Then('the trail {string} records management events, read and write', async function (this: LabWorld, trail: string) {
  const { state } = await trailState(this, trail);
  const selector = state.eventSelectors?.find((s) => s.IncludeManagementEvents);
  assert.ok(selector, `"${trail}" has no event selector including management events: ${JSON.stringify(state.eventSelectors)}`);
  assert.equal(selector.ReadWriteType, 'All');
});

Then('the trail {string} records S3 data events of {string}', async function (this: LabWorld, trail: string, bucket: string) {
  const { state } = await trailState(this, trail);
  const arn = `${this.bucket(bucket).arn}/`;
  const found = state.eventSelectors?.some((s) => s.DataResources?.some((d) => d.Type === 'AWS::S3::Object' && d.Values?.includes(arn)));
  assert.ok(found, `"${trail}" does not select S3 data events of ${arn}: ${JSON.stringify(state.eventSelectors)}`);
});

Then('the trail {string} records these Insights events:', async function (this: LabWorld, trail: string, table: DataTable) {
  const { state } = await trailState(this, trail);
  const types = (state.insightSelectors ?? []).map((s) => s.InsightType).sort();
  assert.deepEqual(types, table.raw().map((r) => r[0]).sort());
});

Then('log file validation is on for {string}', async function (this: LabWorld, trail: string) {
  const { state } = await trailState(this, trail);
  assert.equal(state.trail?.LogFileValidationEnabled, true, `"${trail}" has log file validation off`);
});

// ---- the audit --------------------------------------------------------------------------------------

async function showsKeyEvent(world: LabWorld, actor: ActorName, op: string, key: string, details?: Record<string, string>) {
  const exp = keyEvent(world, actor, op, key, details);
  const found = await awaitManagementEvent(world, world.actor('auditor'), exp, world.startedAt);
  world.attachEvidence(`CloudTrail: ${op} by ${actor}`, { expected: exp, found: found.item.record, polls: found.attempts, throttled: found.throttled, seconds: found.elapsedMs / 1000 });
}

Then('CloudTrail eventually shows {actor} calling {word} on {string}', async function (this: LabWorld, actor: ActorName, op: string, key: string) {
  await showsKeyEvent(this, actor, op, key);
});

Then('CloudTrail eventually shows {actor} calling {word} on {string}, with:', async function (this: LabWorld, actor: ActorName, op: string, key: string, table: DataTable) {
  await showsKeyEvent(this, actor, op, key, table.rowsHash());
});

async function logged(world: LabWorld, trailLogical: string, exp: ReturnType<typeof objectEvent>) {
  const trail: TrailRef = world.trail(trailLogical);
  const found = await awaitLoggedEvent(world, world.actor('auditor'), trail, exp);
  world.lastLogFile = found.item.source;
  world.attachEvidence(`CloudTrail log file: ${exp.eventName}`, { expected: exp, logFile: found.item.source, found: found.item.record, polls: found.attempts });
}

Then('the log files of {string} eventually show {actor} calling {word} on {string} in {string}', async function (this: LabWorld, trail: string, actor: ActorName, op: string, key: string, bucket: string) {
  await logged(this, trail, objectEvent(this, actor, op, key, bucket));
});

Then('the log files of {string} eventually show an anonymous visitor calling {word} on {string} in {string}, refused with {string}', async function (this: LabWorld, trail: string, op: string, key: string, bucket: string, error: string) {
  await logged(this, trail, objectEvent(this, 'anonymous', op, key, bucket, error));
});

Then('LookupEvents does not show {word} on {string} in {string}', async function (this: LabWorld, op: string, key: string, bucket: string) {
  const exp = { ...objectEvent(this, 'anonymous', op, key, bucket), principal: undefined, errorCode: undefined, description: `${op} on "${key}" in "${bucket}" (a data event)` };
  const { checked } = await assertNotInLookupEvents(this, this.actor('auditor'), exp, this.startedAt);
  this.attachEvidence(`LookupEvents has no ${op}`, { expectedAbsent: exp, recordsChecked: checked });
});

Then('a digest file of {string} eventually covers that log file, and its signature and hash check out', async function (this: LabWorld, trail: string) {
  if (!this.lastLogFile) throw new Error('No log file yet: a "the log files of … eventually show …" step must come first.');
  const { verification } = await awaitDigestCovering(this, this.actor('auditor'), this.trail(trail), this.lastLogFile);
  this.attachEvidence('CloudTrail digest verification', verification);
  assert.deepEqual(verification.problems, [], `The digest of ${this.lastLogFile} does not check out: ${verification.problems.join('; ')}`);
});
