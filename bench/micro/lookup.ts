/**
 * In-process check that CloudTrail LookupEvents costs the same however many events are stored (no HTTP, no
 * noise from the pipeline): median time of one lookupEvents() call for the three growth queries at 10k, 100k
 * and 1M stored events. Usage: node --max-old-space-size=8192 --import tsx bench/micro/lookup.ts
 */
import { EventStore } from '../../emulator/cloudtrail/store.js';
import { lookupEvents, type LookupInput } from '../../emulator/cloudtrail/lookup.js';
const names = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'ListAliases', 'GetKeyPolicy', 'ListKeys'];
const now = Date.now();
function fill(scope: number, other: number) {
  const store = new EventStore();
  const add = (acct: string, i: number, n: number) => store.add({ eventId: `${acct}-${i}`, accountId: acct, region: 'r', time: new Date(now - 86400e3 + Math.floor(i * 86400e3 / n)), visibleAt: 0, category: 'Management',
    eventName: i % 1000 === 999 ? 'ScheduleKeyDeletion' : names[i % 7], eventSource: 'kms.amazonaws.com', readOnly: true, username: 'u', accessKeyId: 'AK', resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: 'arn:k' }], json: '{"eventVersion":"1.11","x":"' + 'y'.repeat(1500) + '"}' });
  for (let i = 0; i < scope; i++) add('a', i, scope);
  for (let a = 0, done = 0; done < other; a++) { const n = Math.min(50000, other - done); for (let i = 0; i < n; i++) add(`o${a}`, i, n); done += n; }
  return store;
}
const nowD = new Date(now + 1);
const qs: Record<string, LookupInput> = { newest: {}, rare: { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ScheduleKeyDeletion' }] }, window: { StartTime: (now - 20 * 3600e3) / 1000, EndTime: (now - 20 * 3600e3 + 600e3) / 1000 } };
for (const [scope, other] of [[10000, 0], [50000, 50000], [50000, 950000]]) {
  const store = fill(scope, other);
  const row: string[] = [];
  for (const [name, q] of Object.entries(qs)) {
    for (let i = 0; i < 300; i++) lookupEvents(store, 'a', 'r', q, nowD);
    const ts: number[] = [];
    for (let i = 0; i < 2000; i++) { const t = performance.now(); lookupEvents(store, 'a', 'r', q, nowD); ts.push(performance.now() - t); }
    ts.sort((x, y) => x - y);
    row.push(`${name} median ${(ts[1000] * 1000).toFixed(0)} µs`);
  }
  console.log(`${(scope + other).toLocaleString()} events (${scope.toLocaleString()} in scope): ${row.join(', ')}`);
}
