import { request } from 'undici';
import { ALL_CAPABILITIES, applyCapabilityOverride } from '../capabilities.js';
import { CHAOS_MAX_ATTEMPTS, chaosConfig, DEFAULT_CHAOS_SEED } from '../chaos.js';
import { pathStyleUrl, type RunningTarget, type StartOptions, type Target } from './types.js';

/** The emulator's bootstrap root (account 000000000000); see emulator/identity/store.ts. */
const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * The embedded emulator: started in-process on an ephemeral loopback port, or — when `kms-lab run` started one
 * for all --parallel workers — attached to through params.endpoint. It declares every capability.
 */
export const embeddedTarget: Target = {
  name: 'embedded',
  async start({ params, log }: StartOptions): Promise<RunningTarget> {
    let endpoint = params.endpoint;
    let stop = async () => {};
    if (endpoint) {
      await checkHealth(endpoint);
    } else {
      // Imported lazily so that other targets never load the emulator.
      const { startEmulator } = await import('../../emulator/server.js');
      const running = await startEmulator({ port: 0, region: params.region });
      if (params.chaos) {
        // Installed once, here, by whoever starts the emulator; --parallel workers attach and inherit the rules.
        const { configureFaults } = await import('../../emulator/faults/index.js');
        const status = configureFaults(running.emulator, chaosConfig(params.chaos, params.chaosSeed ?? DEFAULT_CHAOS_SEED));
        log(`kms-lab: chaos profile "${params.chaos}" on, seed ${status.seed}: ${status.rules.map((r) => `${r.fault} ${Math.round(r.probability * 100)} % on ${r.service}`).join(', ')}`);
      }
      endpoint = running.url;
      stop = async () => {
        if (params.chaos) {
          const st = running.emulator.faults.status();
          log(`kms-lab: chaos (seed ${st.seed}): ${st.rules.reduce((n, r) => n + r.fired, 0)} of ${st.requests} requests failed on purpose (${st.rules.map((r) => `${r.fault} ${r.fired}`).join(', ')})`);
        }
        await running.stop();
      };
      log(`kms-lab: embedded emulator listening on ${endpoint}`);
    }
    const base = endpoint;
    return {
      name: 'embedded',
      description: `embedded emulator at ${base}`,
      connection: { endpoint: base, region: params.region, forcePathStyle: true, credentials: ROOT, ...(params.chaos ? { maxAttempts: CHAOS_MAX_ATTEMPTS } : {}) },
      capabilities: applyCapabilityOverride(new Set(ALL_CAPABILITIES), params.capabilities),
      capabilityNotes: {},
      // Delivery is flushed on demand, so CloudTrail answers within seconds.
      timing: {
        cloudTrailDeadlineMs: (params.cloudTrailDeadlineSeconds ?? 20) * 1000,
        cloudTrailPollMs: 100,
        maxPollMs: 1000,
        consistencyMs: 0,
      },
      objectUrl: (bucket, key) => pathStyleUrl(base, bucket, key),
      flushCloudTrail: () => flush(base),
      stop,
    };
  },
};

async function checkHealth(endpoint: string): Promise<void> {
  try {
    const res = await request(`${endpoint}/_emulator/health`);
    const body = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${body.slice(0, 200)}`);
  } catch (e) {
    throw new Error(`The embedded emulator at ${endpoint} does not answer /_emulator/health (${e instanceof Error ? e.message : String(e)}). Start it with \`kms-lab emulator\` or omit --endpoint.`);
  }
}

/** POST /_emulator/cloudtrail/deliver; an emulator without CloudTrail (404) simply has nothing to deliver. */
async function flush(endpoint: string): Promise<void> {
  const res = await request(`${endpoint}/_emulator/cloudtrail/deliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const text = await res.body.text();
  if (res.statusCode >= 400 && res.statusCode !== 404) {
    throw new Error(`The emulator refused to deliver CloudTrail files now (HTTP ${res.statusCode}): ${text.slice(0, 300)}`);
  }
}
