import type { Actor, ActorName } from '../actors.js';
import type { ScenarioNames } from '../names.js';
import type { ResourceTracker } from '../resources.js';
import type { RunningTarget } from '../targets/types.js';

/** What the lab's operations need from a scenario; the World provides it. */
export interface LabContext {
  readonly target: RunningTarget;
  readonly accountId: string;
  readonly runId: string;
  readonly names: ScenarioNames;
  /** Scenario resources, removed after the scenario. */
  readonly tracker: ResourceTracker;
  actor(name: ActorName): Actor;
}

/** `"student" (arn:aws:sts::…)` — how errors name a principal. */
export function who(actor: Actor): string {
  return `"${actor.name}" (${actor.sessionArn})`;
}

/** On AWS a changed key or bucket policy takes a few seconds to apply everywhere; local targets apply it at once. */
export async function settle(target: RunningTarget): Promise<void> {
  const ms = Math.min(10_000, target.timing.consistencyMs / 6);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
