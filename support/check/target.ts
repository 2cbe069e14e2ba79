import type { Connection } from '../targets/types.js';
import { rosterCsv, type RosterEntry } from './roster.js';

export type CheckTargetName = 'embedded' | 'aws';

/** Where the students' accounts are, and the operator's own connection (whose credentials assume their roles). */
export interface CheckTarget {
  readonly name: CheckTargetName;
  readonly description: string;
  readonly endpoint?: string;
  readonly operator: Connection;
  /** A student's connection: their Region, no credentials (the assumed role's are added). */
  connectionFor(region: string): Connection;
  /** The class the embedded target seeded, as a roster. */
  readonly seededRoster?: { entries: RosterEntry[]; csv: string; states: Record<string, string> };
  stop(): Promise<void>;
}

export interface CheckTargetOptions {
  target: CheckTargetName;
  endpoint?: string;
  region: string;
  profile?: string;
  /** embedded without --endpoint: how many students to seed (default 30). */
  seedClass?: number;
}

async function healthy(endpoint: string): Promise<void> {
  try {
    const res = await fetch(`${endpoint}/_emulator/health`, { signal: AbortSignal.timeout(5000) });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    await res.arrayBuffer();
  } catch (e) {
    throw new Error(`No kms-lab emulator answers at ${endpoint} (${(e as Error).message}); start one with \`kms-lab emulator --seed-class 30\`, or drop --endpoint to start one here.`);
  }
}

export async function startCheckTarget(opts: CheckTargetOptions, log: (line: string) => void): Promise<CheckTarget> {
  if (opts.target === 'aws') {
    const endpoint = opts.endpoint;
    return {
      name: 'aws',
      description: `AWS${endpoint ? ` via ${endpoint}` : ''}${opts.profile ? ` (profile ${opts.profile})` : ''}`,
      endpoint,
      // The standard credential chain (env, --profile, SSO): the instructor's own identity.
      operator: { endpoint, region: opts.region, profile: opts.profile, forcePathStyle: Boolean(endpoint) },
      connectionFor: (region) => ({ endpoint, region, forcePathStyle: Boolean(endpoint) }),
      stop: async () => {},
    };
  }
  const { INSTRUCTOR, seedClass, STATE_DESCRIPTIONS } = await import('../../emulator/fixtures/seed-class.js');
  const instructor = { accessKeyId: INSTRUCTOR.accessKeyId, secretAccessKey: INSTRUCTOR.secretAccessKey };
  if (opts.endpoint) {
    const endpoint = opts.endpoint;
    await healthy(endpoint);
    return {
      name: 'embedded',
      description: `the emulator at ${endpoint} (as its seeded instructor)`,
      endpoint,
      operator: { endpoint, region: opts.region, forcePathStyle: true, credentials: instructor },
      connectionFor: (region) => ({ endpoint, region, forcePathStyle: true }),
      stop: async () => {},
    };
  }
  const { startEmulator } = await import('../../emulator/server.js');
  const running = await startEmulator({ port: 0, region: opts.region, cloudtrailDeliverySeconds: 0 });
  try {
    const n = opts.seedClass ?? 30;
    const started = Date.now();
    const seeded = await seedClass(running, { students: n, region: opts.region });
    log(`kms-lab: embedded emulator at ${running.url}, seeded with a class of ${n} simulated students in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const entries: RosterEntry[] = seeded.students.map((s, i) => ({
      student: s.student, accountId: s.accountId, roleArn: s.roleArn, externalId: s.externalId, region: s.region, line: i + 2, extra: {},
    }));
    const states = Object.fromEntries(seeded.students.map((s) => [s.student, `${s.state}: ${STATE_DESCRIPTIONS[s.state]}`]));
    const endpoint = running.url;
    return {
      name: 'embedded',
      description: `embedded emulator at ${endpoint} with a seeded class of ${n}`,
      endpoint,
      operator: { endpoint, region: opts.region, forcePathStyle: true, credentials: instructor },
      connectionFor: (region) => ({ endpoint, region, forcePathStyle: true }),
      seededRoster: { entries, csv: rosterCsv(entries), states },
      stop: () => running.stop(),
    };
  } catch (e) {
    await running.stop();
    throw e;
  }
}
