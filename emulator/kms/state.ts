import type { StatefulService } from '../core/emulator.js';
import { newMaterial } from './crypto-symmetric.js';
import type { Alias, KmsKey } from './types.js';

/**
 * KMS state, per account and Region (keys and aliases are Regional, KMS-DG key-policies.md / kms-alias.md),
 * plus a global index of key ids so that Decrypt can find the key a ciphertext names.
 *
 * Time-driven changes — the end of a deletion waiting period, automatic rotation — are applied lazily by
 * tick(now), which every request calls with its own time (the emulator's injectable clock), so a test that
 * moves the clock sees the key deleted or rotated on its next call.
 */

export interface RegionState {
  keys: Map<string, KmsKey>;
  /** By alias name ('alias/myFirstKey'). */
  aliases: Map<string, Alias>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class KmsStore implements StatefulService {
  private readonly regions = new Map<string, RegionState>();
  private readonly byId = new Map<string, KmsKey>();
  /** Ids of keys whose deletion completed: their ciphertexts get AWS's "refers to a customer master key that does not exist". */
  private readonly deleted = new Set<string>();
  /**
   * Epoch ms before which tick() has nothing to do: the earliest deletion or rotation date it saw. Every
   * request calls tick(), so without this it would look at every key of every account on every call.
   */
  private quietUntil = -Infinity;

  reset(): void {
    this.regions.clear();
    this.byId.clear();
    this.deleted.clear();
    this.changed();
  }

  /** A key's state, deletion date or rotation changed: the next tick() looks at every key again. */
  changed(): void {
    this.quietUntil = -Infinity;
  }

  region(accountId: string, region: string): RegionState {
    const id = `${accountId}/${region}`;
    let r = this.regions.get(id);
    if (!r) {
      r = { keys: new Map(), aliases: new Map() };
      this.regions.set(id, r);
    }
    return r;
  }

  /** Read-only lookup that does not create empty region state. */
  peekRegion(accountId: string, region: string): RegionState | undefined {
    return this.regions.get(`${accountId}/${region}`);
  }

  addKey(key: KmsKey): void {
    this.region(key.accountId, key.region).keys.set(key.keyId, key);
    this.byId.set(key.keyId, key);
    this.changed();
  }

  keyById(keyId: string): KmsKey | undefined {
    return this.byId.get(keyId);
  }

  allKeys(): KmsKey[] {
    return [...this.byId.values()];
  }

  wasDeleted(keyId: string): boolean {
    return this.deleted.has(keyId);
  }

  aliasesOf(key: KmsKey): Alias[] {
    return [...(this.peekRegion(key.accountId, key.region)?.aliases.values() ?? [])].filter((a) => a.TargetKeyId === key.keyId);
  }

  /**
   * "When the waiting period expires, AWS KMS deletes the KMS key, its key material, and all AWS KMS metadata
   * associated with it, including all aliases that refer to it" (KMS-DG deleting-keys.md).
   */
  private deleteKey(key: KmsKey): void {
    const r = this.region(key.accountId, key.region);
    r.keys.delete(key.keyId);
    for (const [name, a] of r.aliases) if (a.TargetKeyId === key.keyId) r.aliases.delete(name);
    this.byId.delete(key.keyId);
    this.deleted.add(key.keyId);
  }

  /** Applies what the passage of time does to keys: scheduled deletions and automatic rotations. */
  tick(now: Date): void {
    if (now.getTime() < this.quietUntil) return;
    let next = Infinity;
    for (const key of [...this.byId.values()]) {
      if (key.state === 'PendingDeletion' && key.deletionDate && key.deletionDate.getTime() <= now.getTime()) {
        this.deleteKey(key);
        continue;
      }
      const rot = key.rotation;
      // Automatic rotation happens for enabled keys only (KMS-DG rotate-keys.md: disabled and pending-deletion
      // keys are not rotated); missed dates are caught up one rotation period at a time.
      for (let guard = 0; rot.enabled && rot.nextRotationDate && key.state === 'Enabled' && rot.nextRotationDate.getTime() <= now.getTime() && guard < 1000; guard++) {
        key.materials.push(newMaterial(rot.nextRotationDate, 32, 'AUTOMATIC'));
        rot.nextRotationDate = new Date(rot.nextRotationDate.getTime() + rot.periodInDays * DAY_MS);
      }
      if (key.state === 'PendingDeletion' && key.deletionDate) next = Math.min(next, key.deletionDate.getTime());
      if (rot.enabled && rot.nextRotationDate && key.state === 'Enabled') next = Math.min(next, rot.nextRotationDate.getTime());
    }
    this.quietUntil = next;
  }
}

export const daysFrom = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY_MS);
