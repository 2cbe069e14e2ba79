import { spawnSync } from 'node:child_process';
import { applyCapabilityOverride, type Capability } from '../capabilities.js';
import { freePort, spawnServer, waitForHttp } from './process.js';
import { pathStyleUrl, type RunningTarget, type StartOptions, type Target } from './types.js';

/**
 * moto keeps resources but enforces nothing the lab is about; these notes appear next to every skip so the
 * report says why (moto 5.x, docs/docs/iam.rst and docs/docs/services/cloudtrail.rst).
 */
const NOTES: Partial<Record<Capability, string>> = {
  'kms.keyPolicyEnforcement': 'moto only checks a Deny-all DescribeKey statement: getmoto/moto#4600, PR #5777',
  'kms.keyStateEnforcement': "moto's Encrypt succeeds with a disabled key or a key pending deletion",
  'iam.enforcement': 'moto authorizes nothing unless INITIAL_NO_AUTH_ACTION_COUNT is set, and then only basically',
  'cloudtrail.lookupEvents': 'moto does not implement LookupEvents',
  'cloudtrail.logDelivery': 'moto never writes CloudTrail log files',
  'cloudtrail.digest': 'moto never writes digest files',
  'cloudtrail.bucketPolicyCheck': "moto's CreateTrail checks that the bucket exists, not its policy",
  's3.sseKmsEnforcement': "moto's S3 does not call KMS as the requester",
};

/** Why `python3 -m moto.server` cannot run here, or undefined when it can. */
export function motoUnavailable(python = process.env.KMS_LAB_PYTHON ?? 'python3'): string | undefined {
  const r = spawnSync(python, ['-c', 'import moto.server, flask'], { encoding: 'utf8' });
  if (r.error) return `${python} is not available (${r.error.message}); install Python 3 and \`pip install 'moto[server]'\``;
  if (r.status !== 0) return `moto's server is not installed for ${python} (${(r.stderr || '').trim().split('\n').pop()}); run \`pip install 'moto[server]'\``;
  return undefined;
}

/** moto: `python3 -m moto.server` on a free loopback port, or an already running endpoint. */
export const motoTarget: Target = {
  name: 'moto',
  async start({ params, log }: StartOptions): Promise<RunningTarget> {
    let endpoint = params.endpoint;
    let stop = async () => {};
    if (endpoint) {
      await waitForHttp(`${endpoint}/moto-api/`, 5000);
    } else {
      const reason = motoUnavailable();
      if (reason) throw new Error(`Cannot start the moto target: ${reason}. Or pass --endpoint for a running moto server.`);
      const python = process.env.KMS_LAB_PYTHON ?? 'python3';
      const port = await freePort();
      const server = spawnServer(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)]);
      endpoint = `http://127.0.0.1:${port}`;
      try {
        await waitForHttp(`${endpoint}/moto-api/`, 30_000, server.child, server.tail);
      } catch (e) {
        await server.stop();
        throw new Error(`moto did not start on ${endpoint}: ${e instanceof Error ? e.message : String(e)}`);
      }
      stop = () => server.stop();
      log(`kms-lab: moto server (pid ${server.child.pid}) listening on ${endpoint}`);
    }
    const base = endpoint;
    return {
      name: 'moto',
      description: `moto at ${base}`,
      // moto accepts any credentials; these make its account 123456789012.
      connection: { endpoint: base, region: params.region, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
      capabilities: applyCapabilityOverride(new Set(), params.capabilities),
      capabilityNotes: NOTES,
      timing: { cloudTrailDeadlineMs: (params.cloudTrailDeadlineSeconds ?? 10) * 1000, cloudTrailPollMs: 200, maxPollMs: 2000, consistencyMs: 0 },
      objectUrl: (bucket, key) => pathStyleUrl(base, bucket, key),
      stop,
    };
  },
};
