import { EventEmitter } from 'node:events';
import { FaultInjector } from '../faults/injector.js';
import { IdentityStore } from '../identity/store.js';
import type { CallRecord } from './call-record.js';
import type { KmsPort, S3Port } from './ports.js';
import type { RestService, RpcService } from './service.js';

export interface EmulatorConfig {
  /** Default region for unsigned requests and for new resources. */
  region: string;
  /** Bodies larger than this are refused before they are buffered. */
  maxRpcBodyBytes: number;
  maxS3BodyBytes: number;
  /** CloudTrail: seconds between log file deliveries to S3 (0 = only on POST /_emulator/cloudtrail/deliver). */
  cloudtrailDeliverySeconds: number;
  /** CloudTrail: seconds before a recorded event becomes visible to LookupEvents. */
  cloudtrailLookupDelaySeconds: number;
}

export const DEFAULT_CONFIG: EmulatorConfig = {
  region: 'us-east-1',
  maxRpcBodyBytes: 1024 * 1024,
  maxS3BodyBytes: 256 * 1024 * 1024,
  cloudtrailDeliverySeconds: 5,
  cloudtrailLookupDelaySeconds: 0,
};

/** Per-service state that survives between requests and is dropped by reset(). */
export interface StatefulService {
  reset(): void;
}

/**
 * The emulated AWS: identities, the services registered on the endpoint and their state, and an
 * event stream of answered calls (the CloudTrail recorder listens to it).
 */
export class Emulator {
  readonly config: EmulatorConfig;
  readonly identity = new IdentityStore();
  readonly calls = new EventEmitter<{ call: [CallRecord] }>();
  /** Fault injection (PUT /_emulator/faults): consulted by the pipeline after authentication, before the service runs. */
  readonly faults = new FaultInjector();
  private readonly rpc: RpcService[] = [];
  private readonly stateful: StatefulService[] = [];

  /** The emulator's clock. Tests replace it to move time (key deletion windows, session expiry, log delivery). */
  clock: () => Date = () => new Date();

  constructor(config: Partial<EmulatorConfig> = {}) {
    this.config = { ...DEFAULT_CONFIG, ...config };
  }

  /** S3, once registered; until then S3-shaped requests get NotImplemented. */
  rest?: RestService;
  /**
   * Admin operations services add under /_emulator/ (e.g. 'POST /_emulator/cloudtrail/deliver').
   * The handler gets the parsed JSON body and returns a JSON-serialisable result.
   */
  readonly adminRoutes = new Map<string, (body: Record<string, unknown>) => unknown | Promise<unknown>>();
  /** Service-to-service ports (see ports.ts), set by the services that implement them. */
  kms?: KmsPort;
  s3?: S3Port;

  register(service: RpcService): void {
    this.rpc.push(service);
  }

  registerRest(service: RestService): void {
    this.rest = service;
  }

  /** Services that keep state register here so that /_emulator/reset clears them. */
  track<T extends StatefulService>(s: T): T {
    this.stateful.push(s);
    return s;
  }

  byTargetPrefix(prefix: string): RpcService | undefined {
    return this.rpc.find((s) => s.protocol === 'json' && (s.targetPrefix === prefix || s.targetPrefixAliases?.includes(prefix)));
  }

  bySigningName(name: string): RpcService | undefined {
    return this.rpc.find((s) => s.signingName === name);
  }

  byApiVersion(version: string): RpcService | undefined {
    return this.rpc.find((s) => s.protocol === 'query' && s.apiVersion === version);
  }

  get services(): readonly RpcService[] {
    return this.rpc;
  }

  reset(): void {
    this.identity.reset();
    for (const s of this.stateful) s.reset();
  }
}
