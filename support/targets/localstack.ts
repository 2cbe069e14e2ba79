import { request } from 'undici';
import { applyCapabilityOverride, type Capability } from '../capabilities.js';
import { pathStyleUrl, type RunningTarget, type StartOptions, type Target } from './types.js';

/** The few members of @testcontainers/localstack 11.x we use; the package is optional and loaded lazily. */
interface StartedLocalStack {
  getConnectionUri(): string;
  stop(): Promise<unknown>;
}
interface LocalstackModule {
  LocalstackContainer: new (image: string) => {
    withEnvironment(env: Record<string, string>): { start(): Promise<StartedLocalStack> };
  };
}

const COMMUNITY_NOTES: Partial<Record<Capability, string>> = {
  'kms.keyPolicyEnforcement': 'LocalStack Community stores key policies but does not evaluate them',
  'kms.keyStateEnforcement': 'not verified for LocalStack by kms-lab; add it with KMS_LAB_CAPABILITIES=+kms.keyStateEnforcement once checked',
  'iam.enforcement': 'IAM enforcement (ENFORCE_IAM=1) is a LocalStack Pro feature (localstack/localstack#5399)',
  'cloudtrail.lookupEvents': 'CloudTrail is LocalStack Pro only (localstack/localstack#2120)',
  'cloudtrail.logDelivery': 'CloudTrail is LocalStack Pro only',
  'cloudtrail.digest': 'LocalStack does not write CloudTrail digest files',
  'cloudtrail.bucketPolicyCheck': 'CloudTrail is LocalStack Pro only',
  's3.sseKmsEnforcement': "LocalStack's S3 does not call KMS as the requester",
};

/**
 * What an edition can do. Pro (an auth token) adds CloudTrail; with ENFORCE_IAM=1 also IAM enforcement.
 * Key policies, digests and requester-side SSE-KMS are not claimed for any edition; KMS_LAB_CAPABILITIES
 * can add them after checking a given LocalStack version by hand.
 */
export function localstackCapabilities(edition: 'community' | 'pro', enforceIam: boolean): Set<Capability> {
  const caps = new Set<Capability>();
  if (edition === 'pro') {
    caps.add('cloudtrail.lookupEvents');
    caps.add('cloudtrail.logDelivery');
    if (enforceIam) caps.add('iam.enforcement');
  }
  return caps;
}

/** GET /_localstack/health says which edition answers; anything that is not LocalStack has no such route. */
async function detectEdition(endpoint: string): Promise<'community' | 'pro' | undefined> {
  try {
    const res = await request(`${endpoint}/_localstack/health`, { headersTimeout: 5000 });
    const text = await res.body.text();
    if (res.statusCode !== 200) return undefined;
    const edition = (JSON.parse(text) as { edition?: string }).edition;
    return edition === 'pro' || edition === 'enterprise' ? 'pro' : 'community';
  } catch {
    return undefined;
  }
}

/**
 * LocalStack: a container started with testcontainers (passing LOCALSTACK_AUTH_TOKEN and ENFORCE_IAM through
 * when set), or an already running endpoint (`docker compose up localstack`, then --endpoint).
 */
export const localstackTarget: Target = {
  name: 'localstack',
  async start({ params, log }: StartOptions): Promise<RunningTarget> {
    const token = process.env.LOCALSTACK_AUTH_TOKEN;
    const enforceIam = process.env.ENFORCE_IAM === '1';
    let endpoint = params.endpoint;
    let stop = async () => {};
    if (!endpoint) {
      const container = await startContainer(token, enforceIam);
      endpoint = container.getConnectionUri();
      stop = async () => {
        await container.stop();
      };
      log(`kms-lab: LocalStack container listening on ${endpoint}`);
    }
    // An endpoint that is not LocalStack (e.g. the emulator in tests) is taken at its declared environment.
    const edition = (await detectEdition(endpoint)) ?? (token ? 'pro' : 'community');
    const base = endpoint;
    return {
      name: 'localstack',
      description: `LocalStack (${edition}) at ${base}`,
      connection: { endpoint: base, region: params.region, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
      capabilities: applyCapabilityOverride(localstackCapabilities(edition, enforceIam), params.capabilities),
      capabilityNotes: COMMUNITY_NOTES,
      timing: { cloudTrailDeadlineMs: (params.cloudTrailDeadlineSeconds ?? 120) * 1000, cloudTrailPollMs: 1000, maxPollMs: 10_000, consistencyMs: 0 },
      objectUrl: (bucket, key) => pathStyleUrl(base, bucket, key),
      stop,
    };
  },
};

async function startContainer(token: string | undefined, enforceIam: boolean): Promise<StartedLocalStack> {
  // A variable specifier keeps tsc from requiring the optional package at type-check time.
  const specifier = '@testcontainers/localstack';
  let mod: LocalstackModule;
  try {
    mod = (await import(specifier)) as LocalstackModule;
  } catch (e) {
    throw new Error(`The localstack target needs @testcontainers/localstack 11.14.0 (npm install --save-exact testcontainers@11.14.0 @testcontainers/localstack@11.14.0), or pass --endpoint for a running LocalStack (docker compose up localstack). ${e instanceof Error ? e.message : ''}`);
  }
  const image = process.env.KMS_LAB_LOCALSTACK_IMAGE ?? (token ? 'localstack/localstack-pro:4.4' : 'localstack/localstack:4.4');
  const env: Record<string, string> = {};
  if (token) env.LOCALSTACK_AUTH_TOKEN = token;
  if (enforceIam) env.ENFORCE_IAM = '1';
  try {
    return await new mod.LocalstackContainer(image).withEnvironment(env).start();
  } catch (e) {
    throw new Error(`Could not start LocalStack (${image}) with testcontainers: ${e instanceof Error ? e.message : String(e)}. Is a Docker engine running? Or pass --endpoint for a running LocalStack.`);
  }
}
