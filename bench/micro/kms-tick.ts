/**
 * In-process cost of KmsStore.tick() (called by every KMS request) at 10,000 keys: a full scan, as before the
 * fix (forced with changed()), and the quiet path. Usage: node --import tsx bench/micro/kms-tick.ts
 */
import { KmsStore } from '../../emulator/kms/state.js';
import { makeKey } from '../../emulator/kms/metadata.js';
import { defaultKeyPolicy } from '../../emulator/kms/policy.js';
const store = new KmsStore();
for (let i = 0; i < 10000; i++) store.addKey(await makeKey({ accountId: '000000000000', region: 'us-east-1', now: new Date(), keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', description: '', policyText: defaultKeyPolicy('000000000000'), tags: [] }));
const now = new Date();
for (const mode of ['full scan (before)', 'quiet (after)', 'full scan (before)', 'quiet (after)']) {
  const n = 2000; const t = performance.now();
  for (let i = 0; i < n; i++) { if (mode.startsWith('full')) store.changed(); store.tick(now); }
  console.log(mode, ((performance.now() - t) * 1000 / n).toFixed(1), 'µs per tick at 10k keys');
}
