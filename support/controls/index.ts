import type { ControlRecord } from '../bundle/types.js';
import { CIS_BENCHMARK, CONTROLS, controlKey, controlsOf, type ControlDefinition } from './catalog.js';

export { CIS_BENCHMARK, CONTROLS, controlKey, controlsOf, findControl, isControlTag, type ControlDefinition } from './catalog.js';

interface ScenarioLike {
  index: number;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  tags: readonly string[];
}

/**
 * Results by control: satisfied when at least one scenario about it passed and none failed; failed when any
 * failed; not evidenced when every scenario about it was skipped (or none ran). Controls no scenario names are
 * listed too, as not evidenced, so a reader sees what the run did not cover.
 */
export function controlResults(scenarios: readonly ScenarioLike[], opts: { includeUncovered?: boolean } = {}): ControlRecord[] {
  const byKey = new Map<string, { def: ControlDefinition; scenarios: ScenarioLike[] }>();
  for (const def of CONTROLS) byKey.set(controlKey(def), { def, scenarios: [] });
  for (const s of scenarios) for (const def of controlsOf(s.tags)) byKey.get(controlKey(def))!.scenarios.push(s);
  const out: ControlRecord[] = [];
  for (const [key, { def, scenarios: ss }] of byKey) {
    if (ss.length === 0 && !opts.includeUncovered) continue;
    const status: ControlRecord['status'] = ss.some((s) => s.status === 'failed') ? 'failed'
      : ss.some((s) => s.status === 'passed') ? 'satisfied' : 'not evidenced';
    const account = ss.some((s) => s.tags.includes('@compliance'));
    const lab = ss.some((s) => !s.tags.includes('@compliance'));
    out.push({
      id: key,
      framework: def.framework === 'cis' ? `${CIS_BENCHMARK.name} ${CIS_BENCHMARK.version}` : 'AWS Config managed rule',
      title: def.title,
      status,
      ...(ss.length ? { scope: account && lab ? 'account and lab resources' : account ? 'account' : 'lab resources' } as const : {}),
      scenarios: ss.map((s) => ({ index: s.index, name: s.name, status: s.status })),
      source: def.source,
      ...(ss.length === 0 ? { note: 'no scenario of this run is about it' } : ss.every((s) => s.status === 'skipped') ? { note: 'every scenario about it was skipped' } : {}),
    });
  }
  return out;
}
