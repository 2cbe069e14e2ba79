import type { KmsCall } from './call.js';
import { aliasNotFound, invalidArnRegion, invalidKeyId, keyDoesNotExist } from './errors.js';
import type { KmsKey } from './types.js';

/**
 * KeyId parameters: "key ID, key ARN, alias name, or alias ARN" where the API allows aliases (cryptographic
 * operations, DescribeKey, GetPublicKey), "key ID or key ARN" elsewhere (BOTO-KMS member docs). A key in
 * another account must be named by its ARN (key or alias ARN), and only where the operation documents
 * "Cross-account use: Yes". Errors as AWS records them (errors.ts).
 */

export const keyArn = (region: string, accountId: string, keyId: string): string => `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
export const aliasArn = (region: string, accountId: string, aliasName: string): string => `arn:aws:kms:${region}:${accountId}:${aliasName}`;

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK_ID = /^mrk-[0-9a-f]{32}$/;
const ARN = /^arn:aws[a-z-]*:kms:([^:]*):(\d{12}):(key|alias)\/(.+)$/;

export interface ResolveOptions {
  /** The operation accepts alias names and alias ARNs. */
  aliases: boolean;
  /** The operation documents "Cross-account use: Yes". */
  crossAccount: boolean;
}

export interface Resolved {
  key: KmsKey;
  /** The alias the request named, for kms:RequestAlias. */
  alias?: string;
}

export function resolveKey(k: KmsCall, keyIdInput: string, opts: ResolveOptions): Resolved {
  const caller = k.ctx.principal.accountId;
  const region = k.ctx.region;
  const m = ARN.exec(keyIdInput);
  if (m) {
    const [, arnRegion, account, kind, rest] = m;
    if (arnRegion !== region) throw invalidArnRegion(arnRegion);
    if (kind === 'alias') {
      if (!opts.aliases) throw invalidKeyId(keyIdInput);
      if (account !== caller && !opts.crossAccount) throw aliasNotFound(keyIdInput);
      return byAlias(k, account, `alias/${rest}`);
    }
    if (!KEY_ID.test(rest) && !MRK_ID.test(rest)) throw invalidKeyId(rest);
    const arn = keyArn(region, account, rest);
    if (account !== caller && !opts.crossAccount) throw keyDoesNotExist(arn);
    const key = k.store.peekRegion(account, region)?.keys.get(rest);
    if (!key) throw keyDoesNotExist(arn);
    return { key };
  }
  if (keyIdInput.startsWith('alias/')) {
    if (!opts.aliases) throw invalidKeyId(keyIdInput);
    return byAlias(k, caller, keyIdInput);
  }
  if (!KEY_ID.test(keyIdInput) && !MRK_ID.test(keyIdInput)) throw invalidKeyId(keyIdInput);
  const key = k.store.peekRegion(caller, region)?.keys.get(keyIdInput);
  if (!key) throw keyDoesNotExist(keyArn(region, caller, keyIdInput));
  return { key };
}

function byAlias(k: KmsCall, account: string, aliasName: string): Resolved {
  const r = k.store.peekRegion(account, k.ctx.region);
  const alias = r?.aliases.get(aliasName);
  const key = alias ? r?.keys.get(alias.TargetKeyId) : undefined;
  if (!alias || !key) throw aliasNotFound(aliasArn(k.ctx.region, account, aliasName));
  return { key, alias: aliasName };
}
