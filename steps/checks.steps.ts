import { Given, Then } from '@cucumber/cucumber';
import { summarize, type CloudTrailRecord } from '../support/cloudtrail/records.js';
import {
  aliases, bucketPolicy, grants, headObject, isAccountRoot, keyByAlias, keyEvents, keyPolicy, labTrail, list, nearMisses,
  objectsEncryptedUnder, principals, s3DataEventScopes, servicePrincipals, type EncryptedObject, type PolicyStatement,
} from '../support/check/facts.js';
import { logPrefix, searchLogs } from '../support/check/logs.js';
import { cannotTell } from '../support/check/read.js';
import { CannotTell, CheckFailed } from '../support/check/verdict.js';
import type { CheckWorld } from '../support/check/world.js';

// Instructor checks (features/checks, run by `kms-lab check`): read-only questions about a student's account.
// A step either records what it saw (finding + evidence) or ends the check: CheckFailed = ✗ with what the
// account shows instead, CannotTell = ? with why it cannot be decided. Every AWS read goes through
// support/check/facts.ts, whose clients refuse anything but read operations.

function needKey(world: CheckWorld) {
  if (!world.key) throw new Error('No key was found by an earlier step: start the scenario with "Given the student\'s key with the alias …".');
  return world.key;
}

function needTrail(world: CheckWorld) {
  if (!world.trail) throw new Error('No trail was found by an earlier step: start the scenario with "Given the student\'s CloudTrail trail".');
  return world.trail;
}

const since = (w: CheckWorld) => w.student.since.toISOString().slice(0, 10);

// ---- the key -------------------------------------------------------------------------------------------

Given('the student\'s key with the alias {string}', async function (this: CheckWorld, name: string) {
  const aliasName = name.startsWith('alias/') ? name : `alias/${name}`;
  const key = await keyByAlias(this.student, aliasName);
  if (!key) {
    const all = await aliases(this.student);
    const own = all.map((a) => a.AliasName ?? '').filter((n) => !n.startsWith('alias/aws/'));
    this.attachEvidence('kms:ListAliases', all);
    const near = nearMisses(all, aliasName);
    throw new CheckFailed(`no key has the alias ${aliasName}${near.length > 0 ? ` — but ${near.join(', ')} does (the lab's alias is exactly ${aliasName}; aliases are case-sensitive)` : ''}; the account's own aliases: ${own.join(', ') || 'none'}`);
  }
  this.key = key;
  this.attachEvidence(`kms:DescribeKey ${aliasName}`, key.meta);
  this.finding(`${aliasName} → key ${key.keyId}`);
});

Then('the student\'s key is a customer managed key', function (this: CheckWorld) {
  const key = needKey(this);
  if (key.meta.KeyManager !== 'CUSTOMER') throw new CheckFailed(`${key.aliasName} points at an AWS managed key (${key.arn}), not a customer managed key`);
  this.finding('customer managed');
});

Then('the student\'s key is enabled', function (this: CheckWorld) {
  const key = needKey(this);
  if (key.meta.KeyState !== 'Enabled') {
    const when = key.meta.DeletionDate ? ` (deletion on ${key.meta.DeletionDate.toISOString().slice(0, 10)})` : '';
    throw new CheckFailed(`${key.aliasName} (${key.arn}) is ${key.meta.KeyState}${when}, not Enabled`);
  }
  this.finding('Enabled');
});

/** The console's key administrator and key user actions: a statement "names administrators / users" when it grants these. */
const ADMIN_ACTIONS = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'];
const USER_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'];

function grantingStatements(statements: PolicyStatement[], actions: string[]): PolicyStatement[] {
  return statements.filter((s) => s.Effect === 'Allow' && s.Principal !== undefined && actions.every((a) => grants(list(s.Action), a)));
}

const sid = (s: PolicyStatement) => (s.Sid ? `"${s.Sid}"` : 'a statement without Sid');

Then('the student\'s key policy has a key administrators statement', async function (this: CheckWorld) {
  const key = needKey(this);
  const policy = await keyPolicy(this.student, key);
  this.attachEvidence(`key policy of ${key.aliasName}`, policy);
  const account = this.student.entry.accountId;
  const admins = grantingStatements(policy.Statement, ADMIN_ACTIONS)
    .filter((s) => principals(s).some((p) => p !== '*' && !isAccountRoot(p, account)));
  if (admins.length === 0) {
    throw new CheckFailed(`the key policy of ${key.aliasName} has no statement letting a principal other than the account root administer the key (${ADMIN_ACTIONS.join(', ')}); its statements: ${policy.Statement.map(sid).join(', ')}`);
  }
  const named = admins.flatMap(principals).filter((p) => !isAccountRoot(p, account));
  this.finding(`key administrators (${sid(admins[0]!)}): ${named.join(', ')}`);
});

Then('the student\'s key policy has a key users statement naming a principal other than the account root', async function (this: CheckWorld) {
  const key = needKey(this);
  const policy = await keyPolicy(this.student, key);
  this.attachEvidence(`key policy of ${key.aliasName}`, policy);
  const account = this.student.entry.accountId;
  const users = grantingStatements(policy.Statement, USER_ACTIONS);
  const named = users.flatMap(principals).filter((p) => p !== '*' && !isAccountRoot(p, account));
  if (named.length === 0) {
    const why = users.length === 0
      ? `no statement allows ${USER_ACTIONS.join(', ')} (the console's "Allow use of the key")`
      : `the statements allowing ${USER_ACTIONS.join(', ')} name only the account root or everyone`;
    throw new CheckFailed(`the key policy of ${key.aliasName} has no key users: ${why}; its statements: ${policy.Statement.map(sid).join(', ')}`);
  }
  this.finding(`key users: ${[...new Set(named)].join(', ')}`);
});

// ---- the trail -----------------------------------------------------------------------------------------

Given('the student\'s CloudTrail trail', async function (this: CheckWorld) {
  const { trail, all } = await labTrail(this.student);
  this.attachEvidence('cloudtrail trails', all);
  if (!trail) throw new CheckFailed(`the account has no CloudTrail trail (DescribeTrails in ${this.student.entry.region}, shadow trails included, lists none)`);
  this.trail = trail;
  this.finding(`trail ${trail.name}${all.length > 1 ? ` (of ${all.length}: ${all.map((t) => t.name).join(', ')})` : ''}`);
});

Then('the student\'s trail is logging', function (this: CheckWorld) {
  const t = needTrail(this);
  if (t.isLogging === undefined) throw new CannotTell(`GetTrailStatus of ${t.name} did not say whether it is logging`);
  if (!t.isLogging) throw new CheckFailed(`the trail ${t.name} is not logging (StartLogging was never called, or StopLogging was)`);
  this.finding('logging');
});

Then('the student\'s trail is multi-region', function (this: CheckWorld) {
  const t = needTrail(this);
  if (!t.isMultiRegion) throw new CheckFailed(`the trail ${t.name} records only its home Region ${t.homeRegion ?? ''}: IsMultiRegionTrail is false`);
  this.finding('multi-region');
});

Then('the student\'s trail has log file validation on', function (this: CheckWorld) {
  const t = needTrail(this);
  if (!t.logFileValidation) throw new CheckFailed(`log file validation is off for the trail ${t.name} (LogFileValidationEnabled is false)`);
  this.finding('log file validation on');
});

Then('the student\'s trail selects S3 data events, reads included', function (this: CheckWorld) {
  const t = needTrail(this);
  const scopes = s3DataEventScopes(t);
  if (scopes.length === 0) {
    const writeOnly = t.eventSelectors.some((s) => s.ReadWriteType === 'WriteOnly' && (s.DataResources ?? []).some((r) => r.Type === 'AWS::S3::Object'));
    throw new CheckFailed(`the trail ${t.name} selects no S3 data events${writeOnly ? ' with reads (its S3 data event selector is WriteOnly, so a GetObject is never logged)' : ' (its event selectors log management events only)'}`);
  }
  this.finding(`S3 data events of ${scopes.join(', ')}`);
});

Then('the student\'s trail has Insights selectors', function (this: CheckWorld) {
  const t = needTrail(this);
  if (t.insightTypes.length === 0) throw new CheckFailed(`the trail ${t.name} has no Insights selectors (neither ApiCallRateInsight nor ApiErrorRateInsight)`);
  this.finding(`Insights: ${t.insightTypes.join(', ')}`);
});

/** CloudTrail's documented bucket policy: GetBucketAcl on the bucket, PutObject under AWSLogs/<account>/ — both to the service. */
function cloudTrailStatements(statements: PolicyStatement[], bucket: string, objectArn: string): { acl?: PolicyStatement; write?: PolicyStatement } {
  const toCloudTrail = statements.filter((s) => s.Effect === 'Allow' && servicePrincipals(s).some((p) => p === 'cloudtrail.amazonaws.com' || p === '*'));
  return {
    acl: toCloudTrail.find((s) => grants(list(s.Action), 's3:GetBucketAcl') && grants(list(s.Resource), `arn:aws:s3:::${bucket}`)),
    write: toCloudTrail.find((s) => grants(list(s.Action), 's3:PutObject') && grants(list(s.Resource), objectArn)),
  };
}

Then('the student\'s trail delivers to a bucket with CloudTrail\'s bucket policy', async function (this: CheckWorld) {
  const t = needTrail(this);
  if (!t.bucket) throw new CheckFailed(`the trail ${t.name} names no S3 bucket`);
  const policy = await bucketPolicy(this.student, t.bucket);
  this.attachEvidence(`bucket policy of ${t.bucket}`, policy ?? null);
  if (!policy) throw new CheckFailed(`the trail's bucket ${t.bucket} has no bucket policy, so CloudTrail may not write to it`);
  const sample = `arn:aws:s3:::${t.bucket}/${logPrefix(t, this.student.entry.accountId)}${this.student.entry.region}/x.json.gz`;
  const { acl, write } = cloudTrailStatements(policy.Statement, t.bucket, sample);
  const missing = [!acl && 's3:GetBucketAcl on the bucket', !write && `s3:PutObject on ${t.bucket}/${logPrefix(t, this.student.entry.accountId)}*`].filter(Boolean);
  if (missing.length > 0) throw new CheckFailed(`the bucket policy of ${t.bucket} does not allow cloudtrail.amazonaws.com ${missing.join(' and ')}`);
  this.finding(`bucket ${t.bucket} lets CloudTrail deliver (${sid(acl!)}, ${sid(write!)})`);
});

Then('the student\'s trail reports no delivery error', function (this: CheckWorld) {
  const t = needTrail(this);
  if (t.latestDeliveryError) throw new CheckFailed(`CloudTrail could not deliver the trail ${t.name}'s logs to ${t.bucket}: LatestDeliveryError ${t.latestDeliveryError}`);
  this.finding(t.latestDeliveryTime ? `last delivery ${t.latestDeliveryTime.toISOString()}` : 'no delivery error');
});

// ---- the object and the audit ----------------------------------------------------------------------------

async function encryptedObject(world: CheckWorld): Promise<EncryptedObject> {
  const key = needKey(world);
  const candidates = await objectsEncryptedUnder(world.student, key);
  if (candidates.length === 0) {
    throw new CheckFailed(`CloudTrail shows no kms:GenerateDataKey by S3 on ${key.aliasName} (${key.arn}) since ${since(world)}: no object was uploaded with SSE-KMS under this key (an object uploaded with SSE-S3, or under another key, does not count)`);
  }
  const notes: string[] = [];
  let unconfirmed: EncryptedObject | undefined;
  for (const c of candidates) {
    let head;
    try {
      head = await headObject(world.student, c.bucket, c.key);
    } catch (e) {
      throw cannotTell(world.student, `s3:HeadObject s3://${c.bucket}/${c.key}`, e);
    }
    world.attachEvidence(`s3:HeadObject ${c.bucket}/${c.key}`, head);
    if (head.status === 'ok') {
      if (head.serverSideEncryption === 'aws:kms' && head.kmsKeyId === key.arn) {
        world.finding(`s3://${c.bucket}/${c.key} is SSE-KMS under ${key.aliasName} (HeadObject)`);
        return c;
      }
      notes.push(`s3://${c.bucket}/${c.key} was encrypted under the key at ${c.at} but is now ${head.serverSideEncryption ?? 'unencrypted'}${head.kmsKeyId ? ` with ${head.kmsKeyId}` : ''} (overwritten)`);
    } else if (head.status === 'missing') {
      notes.push(`s3://${c.bucket}/${c.key} was encrypted under the key at ${c.at} but has been deleted`);
    } else {
      unconfirmed ??= c;
    }
  }
  if (unconfirmed) {
    world.finding(`CloudTrail shows S3 encrypting s3://${unconfirmed.bucket}/${unconfirmed.key} under ${key.aliasName} at ${unconfirmed.at} for ${unconfirmed.by} (HeadObject is not granted to the instructor role, so its current state was not re-read)`);
    return unconfirmed;
  }
  throw new CheckFailed(notes.join('; '));
}

Then('the student has an S3 object encrypted with SSE-KMS under that key', async function (this: CheckWorld) {
  this.object = await encryptedObject(this);
  this.attachEvidence('object encrypted under the key', this.object);
});

Given('the student\'s S3 object encrypted with SSE-KMS under that key', async function (this: CheckWorld) {
  this.object = await encryptedObject(this);
});

const KMS_EVENT_SOURCE = 'kms.amazonaws.com';

Then('CloudTrail shows the student\'s kms:GenerateDataKey on that key by a principal other than the account root', async function (this: CheckWorld) {
  const key = needKey(this);
  const events = (await keyEvents(this.student, key)).filter((r) => r.eventSource === KMS_EVENT_SOURCE && r.eventName === 'GenerateDataKey');
  const ok = events.filter((r) => !r.errorCode);
  const byOthers = ok.filter((r) => r.userIdentity?.type !== 'Root');
  if (byOthers.length === 0) {
    this.attachEvidence(`GenerateDataKey on ${key.aliasName}`, events);
    const why = events.length === 0
      ? `CloudTrail shows no kms:GenerateDataKey on ${key.aliasName} since ${since(this)}`
      : ok.length === 0 ? `all ${events.length} kms:GenerateDataKey on ${key.aliasName} were refused (${[...new Set(events.map((r) => r.errorCode))].join(', ')})`
        : `every successful kms:GenerateDataKey on ${key.aliasName} (${ok.length}) was made by the account root; the lab uses the key as an IAM user or role`;
    throw new CheckFailed(why);
  }
  const first = byOthers[0]!;
  this.attachEvidence(`CloudTrail record: GenerateDataKey on ${key.aliasName}`, first);
  this.finding(summarize(first));
});

function isAnonymous(r: CloudTrailRecord): boolean {
  const id = r.userIdentity ?? {};
  return id.accountId === 'anonymous' || (id.type === 'AWSAccount' && !id.arn && id.principalId === '');
}

Then('the student\'s trail log files show an anonymous s3:GetObject of that object, refused', async function (this: CheckWorld) {
  const t = needTrail(this);
  const obj = this.object;
  if (!obj) throw new Error('No object was found by an earlier step: add "Given the student\'s S3 object encrypted with SSE-KMS under that key".');
  const from = obj.at ? new Date(obj.at) : this.student.since;
  const refused = (r: CloudTrailRecord) => r.eventSource === 's3.amazonaws.com' && r.eventName === 'GetObject' && isAnonymous(r) && !!r.errorCode
    && r.requestParameters?.bucketName === obj.bucket && r.requestParameters?.key === obj.key;
  const search = await searchLogs(this.student, t, from, refused);
  const { found, ...where } = search;
  this.attachEvidence('trail log files searched', where);
  if (!found) {
    const scopes = s3DataEventScopes(t);
    const hint = scopes.length === 0 ? ' — the trail selects no S3 data events, so object reads are never logged' : '';
    if (search.filesListed === 0) throw new CheckFailed(`the trail ${t.name} has delivered no log files to s3://${search.bucket}/${search.prefix} since ${from.toISOString().slice(0, 10)}${hint}`);
    throw new CheckFailed(`${search.filesRead} log file(s) (${search.recordsRead} records) in s3://${search.bucket}/${search.prefix} since ${from.toISOString().slice(0, 10)} show no refused anonymous GetObject of s3://${obj.bucket}/${obj.key}${hint}`);
  }
  this.attachEvidence('CloudTrail record: anonymous GetObject', { file: found.file, record: found.record });
  this.finding(`${summarize(found.record)} [${found.file.split('/').pop()}]`);
});
