import { provisionActors, provisioner, type Actor, type ActorName, type Provisioner } from './actors.js';
import { labParameters, type LabParameters } from './parameters.js';
import { cleanupFailureMessage, recordResourcesTo, ResourceTracker } from './resources.js';
import { targetFor } from './targets/index.js';
import type { RunningTarget } from './targets/types.js';

/**
 * What one Cucumber process (the serial run, or one --parallel worker) shares across its scenarios:
 * the target, the provisioner, the actors, and the run-level resources (the actors' roles).
 */
export interface LabSession {
  readonly params: LabParameters;
  readonly target: RunningTarget;
  /** "0" serially, CUCUMBER_WORKER_ID in a parallel worker: part of every name this process creates. */
  readonly worker: string;
  /** The actors, provisioned on first use so that a run where every scenario is skipped creates nothing. */
  actors(): Promise<{ owner: Provisioner; actors: Map<ActorName, Actor> }>;
  /** A new scenario number, unique in this process. */
  nextScenario(): string;
  close(): Promise<void>;
}

let current: LabSession | undefined;

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function openSession(rawParameters: unknown): Promise<LabSession> {
  if (current) return current;
  const params = labParameters(rawParameters);
  if (params.resourceLog) recordResourcesTo(params.resourceLog, { runId: params.runId, region: params.region });
  const target = await targetFor(params.target).start({ params, log });
  const worker = process.env.CUCUMBER_WORKER_ID ?? '0';
  const runResources = new ResourceTracker();
  let counter = 0;
  let provisioning: Promise<{ owner: Provisioner; actors: Map<ActorName, Actor> }> | undefined;
  const session: LabSession = {
    params,
    target,
    worker,
    nextScenario: () => `${worker}-${++counter}`,
    actors() {
      provisioning ??= (async () => {
        const owner = await provisioner(target);
        const actors = await provisionActors({ target, owner, runId: params.runId, worker, tracker: runResources });
        return { owner, actors };
      })();
      return provisioning;
    },
    async close() {
      current = undefined;
      try {
        const provisioned = provisioning ? await provisioning.catch(() => undefined) : undefined;
        const result = await runResources.cleanup();
        for (const a of provisioned?.actors.values() ?? []) a.clients.destroy();
        provisioned?.owner.clients.destroy();
        if (result.failed.length > 0) throw new Error(cleanupFailureMessage(params.runId, result.failed));
      } finally {
        await target.stop();
      }
    },
  };
  current = session;
  return session;
}

export function currentSession(): LabSession {
  if (!current) throw new Error('The lab session is not open: support/hooks.ts must be loaded (cucumber.js `import`) so that BeforeAll starts the target.');
  return current;
}
