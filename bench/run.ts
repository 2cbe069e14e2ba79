/**
 * `npm run bench`: the emulator measured side by side with moto server and a bare node:http ceiling.
 * Prints a table and writes bench/results/<date>.json. Benchmarks, not tests: nothing here asserts a time.
 *
 * Environment: BENCH_SECONDS (per wrk run, default 2), BENCH_ROUNDS (default 3), BENCH_COLD_RUNS (default 5), BENCH_LAB_RUNS (default 5),
 * BENCH_CLASS_RUNS (default 1), BENCH_ONLY=capacity,sdk,cold,lab,class,growth (default all), BENCH_QUICK=1 (smaller growth sizes, 1 round),
 * BENCH_GROWTH_KEYS / BENCH_GROWTH_OBJECTS / BENCH_GROWTH_EVENTS=comma-separated sizes ('' skips a series),
 * BENCH_GROWTH_PROF=<dir> (CPU profile of the growth emulator; read it with bench/profile-summary.ts),
 * BENCH_EMULATOR=bundle (capacity and SDK runs against the esbuild prototype instead of bin/kms-lab.mjs).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { capacity, isSide, type CapacityResult, type Outcome } from './capacity.js';
import { buildBundle, coldStart, type ColdResult } from './coldstart.js';
import { growth, type GrowthResult } from './growth.js';
import { klass, type ClassResult } from './klass.js';
import { lab, type LabResult } from './lab.js';
import { ROOT_DIR } from './lib/procs.js';
import { fmt, log, round, table } from './lib/stats.js';
import { wrkVersion } from './lib/wrk.js';
import { sdk, type SdkResult } from './sdk.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const num = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const quick = process.env.BENCH_QUICK === '1';
const seconds = num('BENCH_SECONDS', 2);
const rounds = num('BENCH_ROUNDS', quick ? 1 : 3);
const coldRuns = num('BENCH_COLD_RUNS', quick ? 3 : 5);
const labRuns = num('BENCH_LAB_RUNS', quick ? 1 : 5);
const classRuns = num('BENCH_CLASS_RUNS', 1);
/** BENCH_GROWTH_KEYS / _OBJECTS / _EVENTS: comma-separated sizes ('' = skip that series). */
const sizes = (name: string, dflt: number[]): number[] =>
  process.env[name] === undefined ? dflt : process.env[name]!.split(',').filter((x) => x.trim() !== '').map(Number);
const only = new Set((process.env.BENCH_ONLY ?? 'capacity,sdk,cold,lab,class,growth').split(',').map((s) => s.trim()));

function machine() {
  const py = spawnSync('python3', ['-c', 'import sys, moto; print(sys.version.split()[0], moto.__version__)'], { encoding: 'utf8' });
  const [python, moto] = (py.stdout ?? '').trim().split(' ');
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    kernel: release(),
    node: process.version,
    python: python || 'not found',
    moto: moto || 'not found',
    wrk: wrkVersion() ?? 'not found',
    loadAverageAtStart: loadavg().map((x) => round(x, 2)),
  };
}

interface Results {
  date: string;
  machine: ReturnType<typeof machine>;
  settings: { seconds: number; rounds: number; coldRuns: number; connections: number; emulator: string };
  capacity?: CapacityResult;
  sdk?: SdkResult;
  coldStart?: ColdResult;
  lab?: LabResult;
  class?: ClassResult;
  growth?: GrowthResult;
  goals: Array<{ goal: string; measured: string; met: boolean | 'n/a' }>;
  skipped: string[];
  errors: string[];
}

const side = (o: Outcome): string[] => (isSide(o) ? [fmt(o.rps), fmt(o.p50ms), fmt(o.p99ms), fmt(o.cpuUs)] : ['—', '—', '—', '—']);
const why = (o: Outcome): string => (isSide(o) ? (o.errorShare > 0 ? `${(o.errorShare * 100).toFixed(1)}% errors` : '') : o.unavailable);

async function main(): Promise<void> {
  const m = machine();
  if (m.wrk === 'not found') throw new Error('wrk is not installed: `apt-get install -y wrk` (Debian package wrk 4.1.0).');
  const results: Results = {
    date: new Date().toISOString(),
    machine: m,
    settings: { seconds, rounds, coldRuns, connections: 8, emulator: process.env.BENCH_EMULATOR === 'bundle' ? 'bench/.build/kms-lab.mjs (esbuild prototype)' : 'bin/kms-lab.mjs (tsx)' },
    goals: [],
    skipped: [],
    errors: [],
  };
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (!only.has(name)) return undefined;
    try {
      return await fn();
    } catch (e) {
      const msg = `${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      log(msg);
      results.errors.push(msg);
      return undefined;
    }
  };
  const started = performance.now();
  if (process.env.BENCH_EMULATOR === 'bundle') buildBundle();
  results.capacity = await section('capacity', () => capacity({ seconds, rounds, connections: 8 }));
  results.sdk = await section('sdk', () => sdk({ seconds, rounds }));
  results.coldStart = await section('cold', () => coldStart({ runs: coldRuns }));
  results.lab = await section('lab', () => lab({ runs: labRuns }));
  results.class = await section('class', () => klass({ students: 100, runs: classRuns }));
  results.growth = await section('growth', () =>
    growth({
      seconds: 1,
      rounds: quick ? 2 : 4,
      keys: sizes('BENCH_GROWTH_KEYS', quick ? [10, 1000] : [10, 10_000]),
      objects: sizes('BENCH_GROWTH_OBJECTS', quick ? [1000, 10_000] : [1000, 100_000]),
      events: sizes('BENCH_GROWTH_EVENTS', quick ? [10_000, 100_000] : [10_000, 1_000_000]),
    }));

  const out: string[] = [];
  out.push(`kms-lab benchmarks — ${results.date}`);
  out.push(`machine: ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}; node ${m.node}, python ${m.python}, moto ${m.moto}, ${m.wrk}; load average at start ${m.loadAverageAtStart.join(' ')}`);
  out.push(`wrk: 1 thread, 8 connections, ${seconds} s per run, ${rounds} rounds alternating targets, medians; latencies in ms`);
  out.push(`emulator under test: ${process.env.BENCH_EMULATOR === 'bundle' ? 'node bench/.build/kms-lab.mjs emulator (esbuild prototype)' : 'node bin/kms-lab.mjs emulator (tsx)'}`);

  const c = results.capacity;
  if (c) {
    out.push('', '1–2. Server capacity (same signed request replayed; emulator: SigV4 verification, IAM + key policy evaluation, CloudTrail recording; moto: none of these)');
    out.push('req/s and latency (ms) from wrk; CPU = server CPU time per request (µs), robust to the other load on this shared machine;');
    out.push('ratios: emu/moto and emu/ceiling from req/s, then the same from CPU per request');
    out.push(table(
      ['request', 'emulator req/s', 'p50', 'p99', 'CPU', 'moto req/s', 'p50', 'p99', 'CPU', 'ceiling req/s', 'p50', 'p99', 'CPU',
        'emu/moto', 'emu/ceiling', 'CPU emu/moto', 'CPU emu/ceiling', 'notes'],
      c.rows.map((r) => [r.label, ...side(r.emulator), ...side(r.moto), ...side(r.ceiling), r.vsMoto ?? '—', r.vsCeiling ?? '—', r.cpuVsMoto ?? '—', r.cpuVsCeiling ?? '—',
        [why(r.emulator) && `emulator: ${why(r.emulator)}`, why(r.moto) && `moto: ${why(r.moto)}`].filter(Boolean).join('; ')]),
    ));
    out.push(`RSS after the capacity runs: emulator ${fmt((c.emulatorRssBytes ?? NaN) / 2 ** 20)} MiB, moto ${fmt((c.motoRssBytes ?? NaN) / 2 ** 20)} MiB`);
    const moto = c.rows.filter((r) => r.vsMoto !== undefined);
    const minMoto = Math.min(...moto.map((r) => r.vsMoto!));
    results.goals.push({ goal: 'server capacity ≥ 30× moto (every row moto answers)', measured: moto.map((r) => `${r.scenario} ${r.vsMoto}× (CPU ${r.cpuVsMoto}×)`).join(', '), met: moto.length ? minMoto >= 30 : 'n/a' });
    const ceil = c.rows.filter((r) => r.vsCeiling !== undefined);
    results.goals.push({ goal: 'server capacity ≥ 0.3× the bare node:http ceiling', measured: ceil.map((r) => `${r.scenario} ${r.vsCeiling}× (CPU ${r.cpuVsCeiling}×)`).join(', '), met: ceil.length ? Math.min(...ceil.map((r) => r.vsCeiling!)) >= 0.3 : 'n/a' });
  }
  const s = results.sdk;
  if (s) {
    out.push('', '2b. AWS SDK v3 KMS client (keep-alive), Encrypt 1 KiB: emulator vs the bare ceiling answering the same bytes');
    out.push(table(['mode', 'emulator calls/s', 'p50', 'p99', 'ceiling calls/s', 'p50', 'p99', 'emu/ceiling'],
      s.rows.map((r) => [r.mode, fmt(r.emulator.rps), fmt(r.emulator.p50ms), fmt(r.emulator.p99ms), fmt(r.ceiling.rps), fmt(r.ceiling.p50ms), fmt(r.ceiling.p99ms), r.ratio])));
    results.goals.push({ goal: 'through the SDK client ≥ 0.8× of the SDK-vs-ceiling rate', measured: s.rows.map((r) => `${r.mode} ${r.ratio}×`).join(', '), met: s.rows.every((r) => r.ratio >= 0.8) });
  }
  const cs = results.coldStart;
  if (cs) {
    out.push('', `3. Cold start: spawn → first answered request (signed KMS ListKeys), median of ${cs.runs}, alternating`);
    const moto = cs.variants.find((v) => v.name === 'moto server');
    out.push(table(['process', 'median ms', 'min', 'max', '÷ moto', 'RSS MiB'],
      cs.variants.map((v) => [v.name, fmt(v.medianMs), fmt(Math.min(...v.ms)), fmt(Math.max(...v.ms)), moto ? round(v.medianMs / moto.medianMs, 3) : '—', fmt((v.rssBytes ?? NaN) / 2 ** 20)])));
    if (cs.bundleBuild) out.push(`bundle prototype: ${cs.bundleBuild.output} (build ${fmt(cs.bundleBuild.ms)} ms incl. node start)`);
    for (const v of cs.variants.filter((x) => x.name.startsWith('kms-lab'))) {
      if (moto) results.goals.push({ goal: `cold start ≤ 1/10 of moto's — ${v.name}`, measured: `${fmt(v.medianMs)} ms vs moto ${fmt(moto.medianMs)} ms = ${round(v.medianMs / moto.medianMs, 3)}`, met: v.medianMs <= moto.medianMs / 10 });
    }
  }
  const l = results.lab;
  if (l) {
    out.push('', `4. The lab: ${l.command}, cold, whole process, median of ${l.runs.length}`);
    out.push(table(['run', 'wall ms', 'Cucumber "executing steps" ms', 'scenarios', 'peak RSS MiB', 'exit'],
      l.runs.map((r, i) => [String(i + 1), fmt(r.wallMs), fmt(r.stepsMs ?? NaN), r.scenarios ?? '?', fmt((r.peakRssBytes ?? NaN) / 2 ** 20), String(r.exitCode)])));
    out.push(`median: ${fmt(l.medianWallMs)} ms wall, of which ${fmt(l.medianStepsMs ?? NaN)} ms executing steps`);
    results.goals.push({ goal: 'the lab ≤ 5 s (kms-lab run, embedded, cold, whole process)', measured: `${fmt(l.medianWallMs)} ms median (${fmt(l.medianStepsMs ?? NaN)} ms executing steps)`, met: l.runs.every((r) => r.exitCode === 0) && l.medianWallMs <= 5000 });
  }
  const k = results.class;
  if (k) {
    out.push('', `5. A class: ${k.command}, whole process, ${k.runs.length} run(s)`);
    out.push(table(['run', 'wall ms', 'peak RSS MiB', 'summary', 'exit'],
      k.runs.map((r, i) => [String(i + 1), fmt(r.wallMs), fmt((r.peakRssBytes ?? NaN) / 2 ** 20), r.summary ?? '?', String(r.exitCode)])));
    const rss = (k.maxPeakRssBytes ?? NaN) / 2 ** 20;
    results.goals.push({ goal: '100 students ≤ 30 s under 500 MB (kms-lab check, simulated class on embedded)', measured: `${fmt(k.medianWallMs)} ms, peak RSS ${fmt(rss)} MiB`,
      met: k.runs.every((r) => r.exitCode === 0) && k.medianWallMs <= 30_000 && rss < 500 });
  }
  const g = results.growth;
  if (g) {
    out.push('', `6. Growth (over HTTP, c=8, ${g.rounds} × ${g.seconds} s per point; state filled in-process)`);
    out.push('base = a second emulator holding the smallest size, measured alternately with each point; CPU = server CPU µs per request;');
    out.push('flat = CPU per request at the largest size ≤ 1.33× the baseline\'s (wall-clock req/s swings ±50 % between identical runs here)');
    out.push('GC = of the CPU, garbage collection µs per request (grown / base)');
    out.push(table(['series', 'size', 'in scope', 'req/s', 'p50', 'p99', 'CPU', 'base req/s', 'base p99', 'base CPU', 'req/s ÷ base', 'CPU ÷ base', 'GC', 'base GC', 'bytes/record'],
      g.series.flatMap((x) => x.points.length === 0
        ? [[x.name, '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', x.note ?? '']]
        : x.points.map((p, i) => [i === 0 ? x.name : '', p.size.toLocaleString('en-US'), p.scopeSize?.toLocaleString('en-US') ?? '', fmt(p.rps), fmt(p.p50ms), fmt(p.p99ms), fmt(p.cpuUs),
          fmt(p.baseRps), fmt(p.baseP99ms), fmt(p.baseCpuUs), p.vsBase, p.cpuVsBase, fmt(p.gcUs), fmt(p.baseGcUs), i === 0 && x.bytesPerRecord ? fmt(x.bytesPerRecord) : '']))));
    for (const x of g.series.filter((y) => y.points.length > 1)) {
      const a = x.points[0];
      const b = x.points[x.points.length - 1];
      results.goals.push({ goal: `flat growth — ${x.name}`, measured: `${a.size.toLocaleString('en-US')} → ${b.size.toLocaleString('en-US')}: CPU/request ${b.cpuVsBase}× the baseline's; req/s ${b.vsBase}×, p99 ${fmt(b.p99ms)} vs ${fmt(b.baseP99ms)} ms`, met: !!x.flat });
    }
  }
  out.push('', 'Goals');
  out.push(table(['goal', 'measured', 'met'], results.goals.map((x) => [x.goal, x.measured, x.met === 'n/a' ? 'n/a' : x.met ? 'yes' : 'NO'])));
  if (results.skipped.length) out.push('', ...results.skipped.map((x) => `skipped: ${x}`));
  if (results.errors.length) out.push('', ...results.errors.map((e) => `error: ${e.split('\n')[0]}`));
  out.push('', `total ${fmt((performance.now() - started) / 1000)} s`);

  const dir = join(ROOT_DIR, 'bench/results');
  mkdirSync(dir, { recursive: true });
  // A partial run (BENCH_ONLY, BENCH_QUICK) never replaces the day's full results.
  const partial = process.env.BENCH_ONLY || quick ? `-partial-${[...only].join('+')}${quick ? '-quick' : ''}` : '';
  const file = join(dir, `${results.date.slice(0, 10)}${partial}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  out.push(`results: ${file.slice(ROOT_DIR.length)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
