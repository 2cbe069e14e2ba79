import { After, AfterAll, Before, BeforeAll, parallelCanAssignHelpers, setDefaultTimeout, setParallelCanAssign, Status } from '@cucumber/cucumber';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AwsClients } from './clients.js';
import { skipReason } from './capabilities.js';
import { controlsOf } from './controls/catalog.js';
import { registerSecret } from './evidence.js';
import { cleanupFailureMessage } from './resources.js';
import { currentSession, openSession } from './session.js';
import type { LabWorld } from './world.js';

/**
 * Long enough for CloudTrail on AWS (log files arrive ~5 minutes after a call; the poller's own deadline is
 * 20 minutes there and seconds on the embedded emulator, so a local run never waits this long).
 */
setDefaultTimeout(25 * 60 * 1000);

/**
 * Account-wide things (trails: they record the whole account and AWS allows five per region) are never set up
 * by two scenarios at once; everything else may run in parallel because its names are unique per scenario.
 */
setParallelCanAssign(parallelCanAssignHelpers.atMostOnePicklePerTag(['@account-wide']));

BeforeAll({ name: 'start the target' }, async function (this: { parameters: unknown }) {
  const session = await openSession(this.parameters);
  process.stderr.write(`kms-lab: target ${session.target.description}, run ${session.params.runId}\n`);
});

AfterAll({ name: 'remove the actors and stop the target' }, async function () {
  await currentSession().close();
});

/** A scenario needing what the target cannot do is skipped, and the reason goes into every report. */
Before({ name: 'check the target has what the scenario requires' }, function (this: LabWorld, { pickle }) {
  controlsOf(pickle.tags); // an unknown @cis:/@config: tag is an error in the feature, reported on the scenario
  const reason = skipReason(pickle.tags, this.target);
  if (!reason) return undefined;
  this.attach(reason, 'text/plain');
  return 'skipped';
});

// The compliance checks only read, as the caller: they need no actors, so a checks-only run creates nothing.
Before({ name: 'provision the actors', tags: 'not @compliance' }, async function (this: LabWorld) {
  const provisioned = await this.session.actors();
  this.useActors(provisioned);
  // Whatever the actors' credentials are now, no report may show them (support/evidence.ts scrubs every string).
  for (const clients of [provisioned.owner.clients, ...[...provisioned.actors.values()].map((a) => a.clients)]) await registerCredentials(clients);
});

async function registerCredentials(clients: AwsClients): Promise<void> {
  const provider = clients.kms.config.credentials as (() => Promise<AwsCredentialIdentity>) | undefined;
  const c = await provider?.().catch(() => undefined);
  registerSecret(c?.secretAccessKey);
  registerSecret(c?.sessionToken);
}

After({ name: 'remove what the scenario created' }, async function (this: LabWorld, { result }) {
  if (this.tracker.size === 0) return;
  const cleanup = await this.tracker.cleanup();
  this.attachEvidence('cleanup', cleanup);
  if (cleanup.failed.length > 0) {
    const message = cleanupFailureMessage(this.runId, cleanup.failed);
    // A failed scenario keeps its own error; leftovers are still reported, on stderr and in the evidence.
    if (result?.status === Status.FAILED) process.stderr.write(`kms-lab: ${message}\n`);
    else throw new Error(message);
  }
});
