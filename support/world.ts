import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import type { Actor, ActorName, Provisioner } from './actors.js';
import { evidenceAttachment, type EvidenceItem } from './evidence.js';
import type { KeyRef } from './lab/kms.js';
import type { LabContext } from './lab/context.js';
import type { PublicUrlAnswer } from './lab/public-url.js';
import type { BucketRef, ObjectHead } from './lab/s3.js';
import type { TrailRef } from './lab/trail.js';
import { ScenarioNames } from './names.js';
import type { Outcome } from './outcome.js';
import type { LabParameters } from './parameters.js';
import { ResourceTracker } from './resources.js';
import { currentSession, type LabSession } from './session.js';
import type { RunningTarget } from './targets/types.js';

/** An object the scenario uploaded, with what the audit needs later (its Last-Modified). */
export interface ObjectState {
  bucket: BucketRef;
  key: string;
  uploadedBy: ActorName;
  head?: ObjectHead;
}

/**
 * One scenario's world: the target and actors (shared by the process), this scenario's names and resources,
 * the answers of its calls, and the evidence attached so far. Steps read and write it; support does the work.
 */
export class LabWorld extends World<LabParameters> implements LabContext {
  readonly tracker = new ResourceTracker();
  readonly startedAt = new Date();
  readonly evidence: EvidenceItem[] = [];
  readonly keys = new Map<string, KeyRef>();
  readonly buckets = new Map<string, BucketRef>();
  readonly trails = new Map<string, TrailRef>();
  readonly objects = new Map<string, ObjectState>();
  /** The answer of the last "When" call: Then steps assert on it. */
  last?: Outcome<unknown>;
  /** The last answer to the public URL. */
  lastPublic?: PublicUrlAnswer;
  /** The last ciphertext an actor made, for "decrypts that ciphertext". */
  ciphertext?: { key: KeyRef; blob: Uint8Array; plaintext: string };
  /** The log file in which the last awaited event was found (for the digest check). */
  lastLogFile?: string;
  private provisioned?: { owner: Provisioner; actors: Map<ActorName, Actor> };
  private scenarioNames?: ScenarioNames;

  constructor(options: IWorldOptions<LabParameters>) {
    super(options);
  }

  get session(): LabSession {
    return currentSession();
  }

  get target(): RunningTarget {
    return this.session.target;
  }

  get runId(): string {
    return this.session.params.runId;
  }

  get accountId(): string {
    return this.need().owner.accountId;
  }

  get names(): ScenarioNames {
    this.scenarioNames ??= new ScenarioNames(this.runId, this.session.nextScenario());
    return this.scenarioNames;
  }

  /** Called by the Before hook once the actors exist. */
  useActors(p: { owner: Provisioner; actors: Map<ActorName, Actor> }): void {
    this.provisioned = p;
  }

  private need() {
    if (!this.provisioned) throw new Error('The actors are not provisioned: the Before hook in support/hooks.ts did not run.');
    return this.provisioned;
  }

  actor(name: ActorName): Actor {
    const a = this.need().actors.get(name);
    if (!a) throw new Error(`No actor "${name}"; the lab's actors are administrator, student, auditor (and "an anonymous visitor").`);
    return a;
  }

  key(logical: string): KeyRef {
    const k = this.keys.get(logical);
    if (!k) throw new Error(`This scenario has no key "${logical}" yet; create it first (e.g. Given "administrator" has created the customer managed key "${logical}" with the console's key policy).`);
    return k;
  }

  bucket(logical: string): BucketRef {
    const b = this.buckets.get(logical);
    if (!b) throw new Error(`This scenario has no bucket "${logical}" yet; create it first (e.g. Given "administrator" has created the bucket "${logical}").`);
    return b;
  }

  trail(logical: string): TrailRef {
    const t = this.trails.get(logical);
    if (!t) throw new Error(`This scenario has no trail "${logical}" yet; create it first.`);
    return t;
  }

  object(bucketLogical: string, key: string): ObjectState {
    const o = this.objects.get(`${bucketLogical}/${key}`);
    if (!o) throw new Error(`Nothing was uploaded as "${key}" to "${bucketLogical}" in this scenario.`);
    return o;
  }

  /**
   * Placeholders in expected messages, so features can state AWS's exact text:
   * {key:myFirstKey} key ARN, {alias:myFirstKey} alias ARN, {bucket:lab-data} bucket name,
   * {role:student} role ARN, {session:student} assumed-role ARN, {account} account id, {region} region.
   */
  expand(text: string): string {
    return text.replace(/\{(key|alias|bucket|role|session):([^}]+)\}|\{(account|region)\}/g, (whole, kind: string | undefined, name: string | undefined, plain: string | undefined) => {
      if (plain === 'account') return this.accountId;
      if (plain === 'region') return this.target.connection.region;
      switch (kind) {
        case 'key': return this.key(name!).arn;
        case 'alias': return this.key(name!).aliasArn;
        case 'bucket': return this.bucket(name!).name;
        case 'role': return this.actor(name as ActorName).roleArn;
        case 'session': return this.actor(name as ActorName).sessionArn;
        default: return whole;
      }
    });
  }

  /** Attaches redacted JSON evidence to the report and keeps it for the scenario. */
  attachEvidence(label: string, data: unknown): void {
    const { item, json, fileName } = evidenceAttachment(label, data);
    this.evidence.push(item);
    this.attach(json, { mediaType: 'application/json', fileName });
  }

  /** Keeps a call's answer for the Then steps, and as evidence. */
  record<T>(outcome: Outcome<T>, extra?: Record<string, unknown>): Outcome<T> {
    this.last = outcome;
    this.attachEvidence(`${outcome.call.operation} ${outcome.ok ? 'answered' : 'refused'}`, {
      call: outcome.call,
      ...(outcome.ok ? { result: outcome.value } : { error: outcome.error }),
      ...extra,
    });
    return outcome;
  }
}

setWorldConstructor(LabWorld);
