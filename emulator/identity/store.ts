import { AwsError } from '../core/errors.js';
import { uniqueId, secretAccessKey, accountId as newAccountId } from '../core/ids.js';
import type { Principal } from '../core/principal.js';
import type { NamedPolicy, PolicyDocument } from '../policy/types.js';
import { AWS_MANAGED_POLICIES } from './aws-managed-policies.js';
import type { Account, AccessKey, IamRole, IamUser, ManagedPolicy, Session } from './model.js';

export const BOOTSTRAP_ACCOUNT = '000000000000';
/** LocalStack's convention, so existing habits (`AWS_ACCESS_KEY_ID=test`) carry over. */
export const BOOTSTRAP_ACCESS_KEY = 'test';
export const BOOTSTRAP_SECRET = 'test';

export interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/**
 * Accounts, IAM users and roles, their policies and every access key the emulator knows.
 * Authentication asks it for secrets; policy evaluation asks it for a principal's identity policies.
 */
export class IdentityStore {
  readonly accounts = new Map<string, Account>();
  private readonly keys = new Map<string, AccessKey>();
  private readonly sessions = new Map<string, Session>();

  /**
   * The clock sessions expire on. STS points it at the emulator's clock, which tests move forward;
   * until then it is the wall clock.
   */
  clock: () => Date = () => new Date();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.accounts.clear();
    this.keys.clear();
    this.sessions.clear();
    this.createAccount(BOOTSTRAP_ACCOUNT, { accessKeyId: BOOTSTRAP_ACCESS_KEY, secretAccessKey: BOOTSTRAP_SECRET });
  }

  createAccount(id?: string, rootKey?: Credentials): { accountId: string; credentials: Credentials } {
    const accountId = id ?? this.freshAccountId();
    if (!/^\d{12}$/.test(accountId)) throw new AwsError('ValidationError', `Account id must be 12 digits: ${accountId}`);
    if (this.accounts.has(accountId)) throw new AwsError('EntityAlreadyExists', `Account ${accountId} already exists.`, 409);
    this.accounts.set(accountId, { id: accountId, createDate: new Date(), users: new Map(), roles: new Map(), policies: new Map() });
    const key: AccessKey = {
      accessKeyId: rootKey?.accessKeyId ?? uniqueId('AKIA'),
      secretAccessKey: rootKey?.secretAccessKey ?? secretAccessKey(),
      accountId,
      status: 'Active',
      createDate: new Date(),
    };
    this.keys.set(key.accessKeyId, key);
    return { accountId, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } };
  }

  private freshAccountId(): string {
    let id: string;
    do id = newAccountId(); while (this.accounts.has(id));
    return id;
  }

  account(id: string): Account {
    const a = this.accounts.get(id);
    if (!a) throw new AwsError('NoSuchEntity', `Account ${id} does not exist.`, 404);
    return a;
  }

  // ---- keys and sessions -------------------------------------------------------------------

  addAccessKey(key: AccessKey): void {
    this.keys.set(key.accessKeyId, key);
  }

  removeAccessKey(accessKeyId: string): void {
    this.keys.delete(accessKeyId);
  }

  /** A user's long-term keys; `userName` undefined = the account root's keys. */
  accessKeysOf(accountId: string, userName: string | undefined): AccessKey[] {
    return [...this.keys.values()].filter((k) => k.accountId === accountId && k.userName === userName);
  }

  addSession(s: Session): void {
    this.sessions.set(s.accessKeyId, s);
  }

  /** What SigV4 verification needs. Inactive keys are unknown keys, as on AWS. */
  lookupSecret(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; expiresAt?: Date } | undefined {
    const k = this.keys.get(accessKeyId);
    if (k) return k.status === 'Active' ? { secretAccessKey: k.secretAccessKey } : undefined;
    const s = this.sessions.get(accessKeyId);
    if (s) return { secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken, expiresAt: this.expiryForVerifier(s) };
    return undefined;
  }

  /**
   * The verifier may compare expiry with the wall clock while sessions expire on `clock`. A session
   * that has expired on `clock` is reported as expired no later than now on either clock, so both agree.
   */
  private expiryForVerifier(s: Session): Date {
    if (s.expiresAt.getTime() > this.clock().getTime()) return s.expiresAt;
    return new Date(Math.min(s.expiresAt.getTime(), Date.now() - 1));
  }

  /** The principal a verified access key stands for. */
  principalFor(accessKeyId: string): Principal {
    const s = this.sessions.get(accessKeyId);
    if (s) return { ...s.principal, accessKeyId };
    const k = this.keys.get(accessKeyId);
    if (!k) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    if (k.userName === undefined) return rootPrincipal(k.accountId, accessKeyId);
    const u = this.account(k.accountId).users.get(k.userName);
    if (!u) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return { kind: 'user', accountId: k.accountId, arn: u.arn, principalId: u.userId, userName: u.name, accessKeyId };
  }

  sessionOf(accessKeyId: string): Session | undefined {
    return this.sessions.get(accessKeyId);
  }

  // ---- policies ----------------------------------------------------------------------------

  managedPolicy(arn: string): ManagedPolicy | undefined {
    const aws = AWS_MANAGED_POLICIES.get(arn);
    if (aws) return aws;
    const accountId = arn.split(':')[4];
    return this.accounts.get(accountId)?.policies.get(arn);
  }

  /** Inline + attached managed policies of the principal (for a session: of its role). */
  identityPolicies(p: Principal): NamedPolicy[] {
    const holder = this.policyHolder(p);
    if (!holder) return [];
    const out: NamedPolicy[] = [];
    for (const [name, doc] of holder.inlinePolicies) out.push({ name, document: parsedPolicy(doc) });
    for (const arn of holder.attachedPolicies) {
      const mp = this.managedPolicy(arn);
      const v = mp?.versions.find((x) => x.isDefaultVersion);
      if (mp && v) out.push({ name: arn, document: parsedPolicy(v.document) });
    }
    return out;
  }

  /** The session policy passed to AssumeRole, if any: it can only narrow the role's permissions. */
  sessionPolicy(p: Principal): PolicyDocument | undefined {
    const s = p.accessKeyId ? this.sessions.get(p.accessKeyId) : undefined;
    return s?.sessionPolicy ? (JSON.parse(s.sessionPolicy) as PolicyDocument) : undefined;
  }

  private policyHolder(p: Principal): IamUser | IamRole | undefined {
    const account = this.accounts.get(p.accountId);
    if (!account) return undefined;
    if (p.kind === 'user' && p.userName) return account.users.get(p.userName);
    if (p.kind === 'assumed-role' && p.role) return account.roles.get(p.role.name);
    return undefined;
  }

  /** For policy validation: does a principal ARN named in a policy exist? (AWS refuses unknown principals.) */
  principalExists(arn: string): boolean {
    const m = /^arn:aws:(iam|sts)::(\d{12}):(root|user|role|assumed-role)(?:\/(.*))?$/.exec(arn);
    if (!m) return false;
    const [, , acct, kind, rest = ''] = m;
    const account = this.accounts.get(acct);
    if (kind === 'root') return true; // AWS accepts any well-formed account root, even one it doesn't know of here
    if (!account) return false;
    const name = rest.split('/').pop() ?? '';
    if (kind === 'user') return [...account.users.values()].some((u) => u.arn === arn) || account.users.has(name);
    if (kind === 'role') return [...account.roles.values()].some((r) => r.arn === arn);
    return account.roles.has(rest.split('/')[0]);
  }
}

/**
 * Policy documents are stored as text and evaluated on every request: parse each text once. The parsed
 * documents are shared and frozen (the evaluator only reads them).
 */
const parsedPolicies = new Map<string, PolicyDocument>();
function parsedPolicy(text: string): PolicyDocument {
  let doc = parsedPolicies.get(text);
  if (!doc) {
    doc = deepFreeze(JSON.parse(text) as PolicyDocument);
    if (parsedPolicies.size >= 1000) parsedPolicies.clear();
    parsedPolicies.set(text, doc);
  }
  return doc;
}
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

export function rootPrincipal(accountId: string, accessKeyId?: string): Principal {
  return { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, principalId: accountId, accessKeyId };
}
