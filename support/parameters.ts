import { randomBytes } from 'node:crypto';

export const TARGET_NAMES = ['embedded', 'localstack', 'moto', 'aws'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/**
 * Everything a run needs to know, passed to Cucumber as worldParameters so that it reaches every
 * --parallel worker (workers do not load cucumber.js, and BeforeAll sees only these parameters).
 */
export interface LabParameters {
  target: TargetName;
  /** An already running endpoint (for embedded/moto/localstack: shared by all workers; for aws: an override). */
  endpoint?: string;
  region: string;
  profile?: string;
  /** aws only: the account the caller must be in before anything is created. */
  allowAccount?: string;
  /** Tags every created resource (kms-lab:run-id) and prefixes every name. */
  runId: string;
  /** Override of the CloudTrail polling deadline, in seconds. */
  cloudTrailDeadlineSeconds?: number;
  /** e.g. "+cloudtrail.digest,-iam.enforcement"; see capabilities.ts. */
  capabilities?: string;
  /** embedded only: a chaos profile (support/chaos.ts) installed as fault rules in the emulator the run starts. */
  chaos?: string;
  /** The chaos profile's PRNG seed, so a chaos run can be repeated. */
  chaosSeed?: number;
  /** Where each worker appends what it creates and removes (reports/<run-id>/created-resources.ndjson). */
  resourceLog?: string;
}

/** Short, lowercase, sortable by time, unique enough per run; valid inside S3 bucket and IAM role names. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(2, 13).toLowerCase(); // yymmddthhmm
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

function isTargetName(v: unknown): v is TargetName {
  return typeof v === 'string' && (TARGET_NAMES as readonly string[]).includes(v);
}

/** Validates worldParameters (from cucumber.js, --world-parameters or kms-lab run) and fills defaults. */
export function labParameters(raw: unknown, env: NodeJS.ProcessEnv = process.env): LabParameters {
  const p = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const target = p.target ?? env.KMS_LAB_TARGET ?? 'embedded';
  if (!isTargetName(target)) throw new Error(`Unknown target "${String(target)}"; use one of ${TARGET_NAMES.join(', ')}.`);
  const str = (k: string, envName?: string): string | undefined => {
    const v = p[k] ?? (envName ? env[envName] : undefined);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new Error(`worldParameters.${k} must be a string.`);
    return v;
  };
  const runId = str('runId', 'KMS_LAB_RUN_ID') ?? newRunId();
  if (!/^[a-z0-9][a-z0-9-]{2,23}$/.test(runId)) {
    throw new Error(`run id "${runId}" must be 3-24 lowercase letters, digits or dashes (it goes into bucket and role names).`);
  }
  const deadline = p.cloudTrailDeadlineSeconds ?? env.KMS_LAB_CLOUDTRAIL_DEADLINE_SECONDS;
  const deadlineSeconds = deadline === undefined ? undefined : Number(deadline);
  if (deadlineSeconds !== undefined && !(deadlineSeconds > 0)) throw new Error('cloudTrailDeadlineSeconds must be a positive number.');
  return {
    target,
    endpoint: str('endpoint', 'KMS_LAB_ENDPOINT'),
    // Local targets ignore the caller's AWS_REGION so CI runs are the same everywhere.
    region: str('region') ?? (target === 'aws' ? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' : 'us-east-1'),
    profile: str('profile'),
    allowAccount: str('allowAccount'),
    runId,
    cloudTrailDeadlineSeconds: deadlineSeconds,
    capabilities: str('capabilities', 'KMS_LAB_CAPABILITIES'),
    chaos: str('chaos'),
    chaosSeed: p.chaosSeed === undefined ? undefined : Number(p.chaosSeed),
    resourceLog: str('resourceLog'),
  };
}
