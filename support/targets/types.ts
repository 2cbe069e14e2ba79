import type { AwsCredentialIdentity } from '@smithy/types';
import type { Capability } from '../capabilities.js';
import type { LabParameters, TargetName } from '../parameters.js';

/** How SDK clients reach a target. `credentials` undefined = the SDK's standard chain (env, profile, SSO). */
export interface Connection {
  endpoint?: string;
  region: string;
  profile?: string;
  /** Local endpoints are one host, so buckets go in the path, not the host name. */
  forcePathStyle: boolean;
  credentials?: AwsCredentialIdentity;
  /** The SDK's maxAttempts (standard retry mode); see clients.ts. */
  maxAttempts?: number;
}

export interface Timing {
  /** How long a "CloudTrail eventually shows" step may poll. AWS delivers log files ~5 minutes after a call. */
  cloudTrailDeadlineMs: number;
  /** First polling interval; later ones back off (with jitter) up to maxPollMs. */
  cloudTrailPollMs: number;
  maxPollMs: number;
  /** How long to retry calls that fail only because IAM has not propagated yet (new roles, new principals in key policies). */
  consistencyMs: number;
}

export interface RunningTarget {
  readonly name: TargetName;
  /** One line for logs and reports, e.g. "embedded emulator at http://127.0.0.1:38211". */
  readonly description: string;
  /** The provisioner's connection: it creates the actors' roles. */
  readonly connection: Connection;
  readonly capabilities: ReadonlySet<Capability>;
  /** Why a capability is missing, shown next to every skip it causes. */
  readonly capabilityNotes: Partial<Record<Capability, string>>;
  readonly timing: Timing;
  /** The URL a browser would use for an object ("the public URL" of the lab). */
  objectUrl(bucket: string, key: string): string;
  /** Deliver pending CloudTrail log and digest files now, where the target can (the embedded emulator). */
  flushCloudTrail?(): Promise<void>;
  /** Stops what start() started; a target attached to an existing endpoint leaves it running. */
  stop(): Promise<void>;
}

export interface StartOptions {
  params: LabParameters;
  /** Progress for humans (stderr); never secrets. */
  log: (line: string) => void;
}

export interface Target {
  readonly name: TargetName;
  start(options: StartOptions): Promise<RunningTarget>;
}

/** Path-style object URL on a local endpoint, with the key's segments encoded as S3 expects. */
export function pathStyleUrl(endpoint: string, bucket: string, key: string): string {
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${bucket}/${encodedKey}`;
}
