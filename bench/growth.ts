import { spawn, type ChildProcess } from 'node:child_process';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { capture, capturingHandler, type RawRequest } from './lib/capture.js';
import { captureScenario, clientConfig, OBJECT_4K, provision, type Fixture } from './lib/fixture.js';
import { ROOT_DIR } from './lib/procs.js';
import { log, median, round } from './lib/stats.js';
import { requestFile, sendOnce, wrk, type LoadResult } from './lib/wrk.js';
import type { GrowthCommand } from './growth-server.js';

/**
 * 6. Growth: throughput and latency of state lookups as stored state grows, over HTTP (wrk, concurrency 8),
 * with the state filled directly inside the emulator process (bench/growth-server.ts). Memory per stored
 * record is the heap (+ external buffers) growth after GC divided by the records added.
 */
export interface GrowthPoint {
  size: number;
  scopeSize?: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  /** The baseline emulator (smallest size) measured alternately with this point, and grown/baseline throughput. */
  baseRps: number;
  baseP99ms: number;
  vsBase: number;
  /** Server CPU time per request (µs) of the grown and the baseline emulator, and grown/baseline (the flatness measure). */
  cpuUs: number;
  baseCpuUs: number;
  cpuVsBase: number;
  /** Of that, time in garbage collection per request (µs), grown and baseline. */
  gcUs: number;
  baseGcUs: number;
}
export interface GrowthSeries { name: string; what: string; points: GrowthPoint[]; bytesPerRecord?: number; flat?: boolean; note?: string }
export interface GrowthResult { seconds: number; rounds: number; series: GrowthSeries[] }

interface Server { url: string; child: ChildProcess; pid?: number; call(cmd: GrowthCommand): Promise<{ result: unknown; ms: number }>; stop(): Promise<void> }

async function startGrowthServer(): Promise<Server> {
  // BENCH_GROWTH_PROF=<dir> profiles the growth emulator (node --cpu-prof) for bench/profile-summary.ts.
  const prof = process.env.BENCH_GROWTH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_GROWTH_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', 'bench/growth-server.ts'], {
    cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d));
    child.once('exit', (code) => reject(new Error(`growth server exited (${code}): ${out}`)));
  });
  let seq = 0;
  const pending = new Map<number, { resolve: (v: { result: unknown; ms: number }) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; ms: number; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(m.error));
    else p?.resolve({ result: m.result, ms: m.ms });
  });
  return {
    url,
    child,
    pid: child.pid,
    call: (cmd) => new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd });
    }),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }),
  };
}

interface Mem { heapUsed: number; external: number }
const used = (m: Mem) => m.heapUsed + m.external;

/**
 * The grown emulator and a baseline emulator holding the smallest size, measured alternately (order swapped
 * every round): the machine is shared and noisy, so flatness is judged on grown/baseline, not on absolutes.
 */
interface Side { url: string; file: string; pid?: number; gcMs: () => Promise<number> }

async function measurePair(grown: Side, base: Side, opts: { seconds: number; rounds: number }): Promise<Omit<GrowthPoint, 'size'>> {
  await wrk(grown.url, grown.file, { connections: 8, seconds: 1 });
  await wrk(base.url, base.file, { connections: 8, seconds: 1 });
  const g: Array<LoadResult & { gcUs: number }> = [];
  const b: Array<LoadResult & { gcUs: number }> = [];
  for (let r = 0; r < opts.rounds; r++) {
    const pair = r % 2 === 0 ? [[grown, g], [base, b]] as const : [[base, b], [grown, g]] as const;
    for (const [t, out] of pair) {
      const gc0 = await t.gcMs();
      const res = await wrk(t.url, t.file, { connections: 8, seconds: opts.seconds, pid: t.pid });
      out.push({ ...res, gcUs: res.requests ? ((await t.gcMs()) - gc0) * 1000 / res.requests : NaN });
    }
  }
  const rps = median(g.map((x) => x.rps));
  const baseRps = median(b.map((x) => x.rps));
  return {
    rps, p50ms: median(g.map((x) => x.p50ms)), p99ms: median(g.map((x) => x.p99ms)), errors: g.reduce((a, x) => a + x.errors, 0),
    baseRps, baseP99ms: median(b.map((x) => x.p99ms)), vsBase: round(rps / baseRps, 2),
    cpuUs: median(g.map((x) => x.cpuUsPerRequest ?? NaN)), baseCpuUs: median(b.map((x) => x.cpuUsPerRequest ?? NaN)),
    cpuVsBase: round(median(g.map((x) => x.cpuUsPerRequest ?? NaN)) / median(b.map((x) => x.cpuUsPerRequest ?? NaN)), 2),
    gcUs: median(g.map((x) => x.gcUs)), baseGcUs: median(b.map((x) => x.gcUs)),
  };
}

/**
 * Flat: at the largest size, a request costs at most 1.33× the server CPU time it costs the baseline (the
 * same as ≥ 0.75× its throughput on an idle machine). CPU per request is used because wall-clock throughput
 * on this shared 2-core machine swings ±50 % between identical runs.
 */
const flatness = (pts: GrowthPoint[]): boolean => pts.length > 1 && pts[pts.length - 1].cpuVsBase <= 1.33;

const gcOf = (srv: Server) => async (): Promise<number> => (await srv.call({ op: 'gc' })).result as number;

async function checked(url: string, req: RawRequest, what: string): Promise<string> {
  const r = await sendOnce(url, req);
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.body.toString().slice(0, 300)}`);
  return requestFile(req);
}

export async function growth(opts: { seconds: number; rounds: number; keys: number[]; objects: number[]; events: number[] }): Promise<GrowthResult> {
  log('growth: starting the growth emulator and its baseline');
  const server = await startGrowthServer();
  const baseline = await startGrowthServer();
  const series: GrowthSeries[] = [];
  try {
    const f: Fixture = await provision(server.url, 'growth', true);
    const fb: Fixture = await provision(baseline.url, 'growth', true);
    const mem = async () => (await server.call({ op: 'memory' })).result as Mem;

    // KMS keys: Encrypt with one key while the account's key count grows.
    if (opts.keys.length) {
      const grown = { url: server.url, pid: server.pid, gcMs: gcOf(server), file: await checked(server.url, await captureScenario(f, 'Encrypt'), 'Encrypt') };
      const base = { url: baseline.url, pid: baseline.pid, gcMs: gcOf(baseline), file: await checked(baseline.url, await captureScenario(fb, 'Encrypt'), 'Encrypt') };
      await baseline.call({ op: 'keys', total: opts.keys[0] });
      const s: GrowthSeries = { name: 'KMS keys', what: 'Encrypt 1 KiB with one key, c=8', points: [] };
      const last = opts.keys[opts.keys.length - 1];
      for (const n of opts.keys) {
        const before = n === last ? await mem() : undefined;
        const had = n === last ? (await server.call({ op: 'keys', total: 0 })).result as number : 0;
        await server.call({ op: 'keys', total: n });
        if (before) s.bytesPerRecord = (used(await mem()) - used(before)) / (n - had);
        log(`growth: ${n} keys`);
        s.points.push({ size: n, ...(await measurePair(grown, base, opts)) });
      }
      s.flat = flatness(s.points);
      series.push(s);
    }

    // S3 objects: GetObject of one 4 KiB SSE-KMS object while the bucket's object count grows.
    if (opts.objects.length) {
      const s: GrowthSeries = { name: 'S3 objects', what: 'GetObject 4 KiB SSE-KMS of one object, c=8', points: [] };
      try {
        for (const [srv, fx] of [[server, f], [baseline, fb]] as const) {
          const s3 = new S3Client({ ...clientConfig(srv.url, fx.user), forcePathStyle: true });
          await s3.send(new PutObjectCommand({ Bucket: fx.bucket, Key: fx.objectKey, Body: OBJECT_4K, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: fx.keyArn }));
          s3.destroy();
        }
        const grown = { url: server.url, pid: server.pid, gcMs: gcOf(server), file: await checked(server.url, await captureScenario(f, 'GetObject'), 'GetObject') };
        const base = { url: baseline.url, pid: baseline.pid, gcMs: gcOf(baseline), file: await checked(baseline.url, await captureScenario(fb, 'GetObject'), 'GetObject') };
        await baseline.call({ op: 'objects', bucket: fb.bucket, templateKey: fb.objectKey, total: opts.objects[0] });
        const last = opts.objects[opts.objects.length - 1];
        for (const n of opts.objects) {
          let before: Mem | undefined;
          let had = 0;
          if (n === last) {
            before = await mem();
            had = (await server.call({ op: 'objects', bucket: f.bucket, templateKey: f.objectKey, total: 0 })).result as number;
          }
          await server.call({ op: 'objects', bucket: f.bucket, templateKey: f.objectKey, total: n });
          if (before) s.bytesPerRecord = (used(await mem()) - used(before)) / (n - had);
          log(`growth: ${n} objects`);
          s.points.push({ size: n, ...(await measurePair(grown, base, opts)) });
        }
        s.flat = flatness(s.points);
      } catch (e) {
        s.note = `S3 unavailable: ${e instanceof Error ? e.message : String(e)}`;
      }
      series.push(s);
    }

    // CloudTrail: LookupEvents as the event history grows (the store keeps at most 50,000 per account and Region).
    if (opts.events.length) {
      const SCOPE_CAP = 50_000;
      const ct = (url: string, fx: Fixture, input: LookupEventsCommandInput) =>
        capture(() => new CloudTrailClient({ ...clientConfig(url, fx.user), requestHandler: capturingHandler }).send(new LookupEventsCommand(input)));
      const now = Date.now();
      const queries: Array<{ name: string; what: string; input: LookupEventsCommandInput }> = [
        { name: 'LookupEvents: newest page', what: 'no lookup attribute, 50 newest', input: {} },
        { name: 'LookupEvents: rare EventName', what: 'EventName = ScheduleKeyDeletion (1 in 1,000 events), MaxResults 50', input: { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ScheduleKeyDeletion' }], MaxResults: 50 } },
        { name: 'LookupEvents: old time window', what: 'StartTime/EndTime = a 10-minute window 20 h ago', input: { StartTime: new Date(now - 20 * 3600e3), EndTime: new Date(now - 20 * 3600e3 + 600e3) } },
      ];
      const out = queries.map((q) => ({ name: q.name, what: `${q.what}, c=8`, points: [] as GrowthPoint[] }) as GrowthSeries);
      let bytesPerEvent: number | undefined;
      const first = opts.events[0];
      await baseline.call({ op: 'events', scopeTotal: Math.min(first, SCOPE_CAP), otherTotal: first - Math.min(first, SCOPE_CAP), keyArn: fb.keyArn });
      for (const n of opts.events) {
        const scopeTotal = Math.min(n, SCOPE_CAP);
        await server.call({ op: 'events', scopeTotal: 0, otherTotal: 0, keyArn: f.keyArn });
        const empty = await mem();
        const r = (await server.call({ op: 'events', scopeTotal, otherTotal: n - scopeTotal, keyArn: f.keyArn })).result as { scope: number; total: number };
        bytesPerEvent = (used(await mem()) - used(empty)) / n;
        log(`growth: ${n} CloudTrail events (${r.scope} in the looked-up account and Region)`);
        for (let i = 0; i < queries.length; i++) {
          const grown = { url: server.url, pid: server.pid, gcMs: gcOf(server), file: await checked(server.url, await ct(server.url, f, queries[i].input), queries[i].name) };
          const base = { url: baseline.url, pid: baseline.pid, gcMs: gcOf(baseline), file: await checked(baseline.url, await ct(baseline.url, fb, queries[i].input), queries[i].name) };
          out[i].points.push({ size: n, scopeSize: r.scope, ...(await measurePair(grown, base, opts)) });
        }
      }
      for (const s of out) {
        s.flat = flatness(s.points);
        s.bytesPerRecord = bytesPerEvent;
        s.note = `the event store keeps at most ${SCOPE_CAP.toLocaleString('en-US')} events per account and Region (emulator/cloudtrail/store.ts MAX_PER_SCOPE): beyond that, other accounts hold the rest`;
        series.push(s);
      }
    }
    return { seconds: opts.seconds, rounds: opts.rounds, series };
  } finally {
    await Promise.all([server.stop(), baseline.stop()]);
  }
}
