import { Then } from '@cucumber/cucumber';
import { provisioner, type Provisioner } from '../support/actors.js';
import type { AwsClients } from '../support/clients.js';
import {
  bucketDefaultEncryption, everyTrail, keyRotation, multiRegionTrail, readTrails, s3DataEventsAllBuckets, type PostureFinding,
} from '../support/controls/posture.js';
import { NOT_APPLICABLE_PREFIX } from '../support/runner/tally.js';
import type { LabWorld } from '../support/world.js';

// Read-only compliance checks of the whole account (features/checks/compliance-*.feature). They read as the caller
// who runs kms-lab (the provisioner's identity, without creating the lab's actors: the hook that would is not run
// for @compliance scenarios), because the lab's actors may only touch this run's resources.

let caller: Promise<Provisioner> | undefined;
async function callerClients(world: LabWorld): Promise<AwsClients> {
  caller ??= provisioner(world.target);
  caller.catch(() => { caller = undefined; });
  return (await caller).clients;
}

/** Attaches what was looked at; fails naming every problem; skips (with the reason) when there was nothing to judge. */
function judge<T>(world: LabWorld, what: string, f: PostureFinding<T>): 'skipped' | undefined {
  world.attachEvidence(what, { looked: f.looked, problems: f.problems, ...(f.notApplicable ? { notApplicable: f.notApplicable } : {}) });
  if (f.problems.length > 0) throw new Error(`${what}: ${f.problems.length} problem(s):\n  - ${f.problems.join('\n  - ')}`);
  if (f.notApplicable) {
    world.attach(`${NOT_APPLICABLE_PREFIX} ${f.notApplicable}.`, 'text/plain');
    return 'skipped';
  }
  return undefined;
}

Then('the account has a logging multi-region trail recording all management events, read and write', async function (this: LabWorld) {
  return judge(this, 'trails of the account (multi-region, logging, management events)', multiRegionTrail(await readTrails(await callerClients(this))));
});

Then('every trail of the account has log file validation enabled', async function (this: LabWorld) {
  return judge(this, 'trails of the account (log file validation)', everyTrail(await readTrails(await callerClients(this)), 'log file validation'));
});

Then('every trail of the account encrypts its log files with a KMS key', async function (this: LabWorld) {
  return judge(this, 'trails of the account (SSE-KMS)', everyTrail(await readTrails(await callerClients(this)), 'KMS encryption'));
});

Then('every enabled customer managed symmetric key of the account has automatic rotation enabled', async function (this: LabWorld) {
  return judge(this, 'customer managed keys of the account (rotation)', await keyRotation(await callerClients(this)));
});

Then('a logging trail of the account records S3 data events, read and write, of all buckets', async function (this: LabWorld) {
  return judge(this, 'trails of the account (S3 data events)', s3DataEventsAllBuckets(await readTrails(await callerClients(this))));
});

Then('every bucket of the account has SSE-KMS default encryption', async function (this: LabWorld) {
  return judge(this, 'buckets of the account (default encryption)', await bucketDefaultEncryption(await callerClients(this)));
});
