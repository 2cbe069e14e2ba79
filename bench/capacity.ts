import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { RawRequest } from './lib/capture.js';
import { captureScenario, provision, SCENARIOS, scenarioLabel, type Fixture, type Scenario } from './lib/fixture.js';
import { startCeiling, startEmulatorProcess, startMoto, type Proc } from './lib/procs.js';
import { log, median, round } from './lib/stats.js';
import { requestFile, sendOnce, wrk, type LoadResult } from './lib/wrk.js';

/**
 * 1 + 2. Server capacity: the same signed request replayed by wrk at concurrency 8 against the emulator
 * (`kms-lab emulator`, its own process), moto server and a bare node:http ceiling — in the same run,
 * alternating target order every round; medians over rounds.
 */
export interface Side {
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Server CPU time per request (µs, median over rounds): robust to other load on the machine. */
  cpuUs: number;
  /** Share of answers that were errors (non-2xx/3xx, socket errors) over all rounds. */
  errorShare: number;
  runs: LoadResult[];
}
export type Outcome = Side | { unavailable: string };

export interface CapacityRow {
  scenario: Scenario;
  label: string;
  emulator: Outcome;
  moto: Outcome;
  ceiling: Outcome;
  /** emulator rps / moto rps, emulator rps / ceiling rps (medians). */
  vsMoto?: number;
  vsCeiling?: number;
  /** The same ratios from CPU time per request (moto's or the ceiling's CPU per request / the emulator's). */
  cpuVsMoto?: number;
  cpuVsCeiling?: number;
}

export interface CapacityResult {
  connections: number;
  seconds: number;
  rounds: number;
  rows: CapacityRow[];
  emulatorRssBytes?: number;
  motoRssBytes?: number;
  /** The ceiling's fixed answer: a real Encrypt answer captured from the emulator. */
  ceilingBodyBytes: number;
  ceilingUrl?: string;
}

export const isSide = (o: Outcome | undefined): o is Side => !!o && 'rps' in o;

interface Target { name: 'emulator' | 'moto' | 'ceiling'; proc: Proc; requests: Map<Scenario, string | { unavailable: string }> }

function aggregate(runs: LoadResult[]): Side {
  const total = runs.reduce((a, r) => a + r.requests, 0);
  const errors = runs.reduce((a, r) => a + r.errors, 0);
  return {
    rps: median(runs.map((r) => r.rps)),
    p50ms: median(runs.map((r) => r.p50ms)),
    p99ms: median(runs.map((r) => r.p99ms)),
    cpuUs: median(runs.map((r) => r.cpuUsPerRequest ?? NaN)),
    errorShare: total ? errors / total : 1,
    runs,
  };
}

/** Checks a captured request once; describes the failure when the target does not answer it with 2xx. */
async function check(url: string, req: RawRequest): Promise<string | undefined> {
  try {
    const r = await sendOnce(url, req);
    if (r.status < 300) return undefined;
    const text = r.body.toString('utf8').replace(/\s+/g, ' ');
    const code = /"__type":"([^"]+)"|<Code>([^<]+)<\/Code>|<title>([^<]+)<\/title>/.exec(text);
    return `HTTP ${r.status}${code ? ` ${code[1] ?? code[2] ?? code[3]}` : ''}`;
  } catch (e) {
    return `request failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function prepare(name: 'emulator' | 'moto', proc: Proc): Promise<Target> {
  const requests = new Map<Scenario, string | { unavailable: string }>();
  let fixture: Fixture;
  try {
    fixture = await provision(proc.url, name, true);
  } catch (e) {
    // S3 (CreateBucket) may be what failed: retry without it so that the KMS and CloudTrail rows still run.
    log(`${name}: provisioning with S3 failed (${e instanceof Error ? e.message : String(e)}); continuing without S3`);
    fixture = await provision(proc.url, `${name}-nos3`, false);
    requests.set('PutObject', { unavailable: `CreateBucket failed: ${e instanceof Error ? e.message : String(e)}` });
    requests.set('GetObject', { unavailable: 'CreateBucket failed' });
  }
  for (const s of SCENARIOS) {
    if (requests.has(s)) continue;
    const req = await captureScenario(fixture, s);
    const problem = await check(proc.url, req);
    if (problem) {
      requests.set(s, { unavailable: `${name} answers ${problem}` });
      if (s === 'PutObject') requests.set('GetObject', { unavailable: `${name}: PutObject failed, nothing to get` });
    } else {
      requests.set(s, requestFile(req));
    }
  }
  return { name, proc, requests };
}

export async function capacity(opts: { seconds: number; rounds: number; connections: number }): Promise<CapacityResult> {
  log('capacity: starting the emulator (kms-lab emulator) and moto server');
  const emulator = await startEmulatorProcess();
  const moto = await startMoto();
  let ceiling: Proc | undefined;
  try {
    // LookupEvents is limited to 2/s per account and Region, as on AWS: lift that for the capacity row.
    const lifted = await fetch(`${emulator.url}/_emulator/cloudtrail/lookup-rate`, { method: 'POST', body: JSON.stringify({ perSecond: 0 }) });
    if (!lifted.ok) log(`capacity: could not lift the LookupEvents rate limit (HTTP ${lifted.status}); that row will be throttled`);
    const targets = [await prepare('emulator', emulator), await prepare('moto', moto)];

    // The ceiling answers a real Encrypt answer of the emulator, whatever it is asked.
    const enc = targets[0].requests.get('Encrypt');
    if (typeof enc !== 'string') throw new Error('the emulator does not answer KMS Encrypt; nothing to compare');
    const { readFileSync } = await import('node:fs');
    const encReq = readFileSync(enc);
    const bodyFile = join(tmpdir(), `kms-lab-ceiling-${process.pid}.json`);
    const encAnswer = await sendRawBytes(emulator.url, encReq);
    writeFileSync(bodyFile, encAnswer);
    ceiling = await startCeiling(bodyFile, 'application/x-amz-json-1.1');
    const ceilingTarget: Target = { name: 'ceiling', proc: ceiling, requests: new Map() };
    for (const s of SCENARIOS) {
      const own = targets[0].requests.get(s);
      ceilingTarget.requests.set(s, typeof own === 'string' ? own : enc);
    }
    const all = [...targets, ceilingTarget];

    const rows: CapacityRow[] = [];
    for (const s of SCENARIOS) {
      const runs = new Map<string, LoadResult[]>(all.map((t) => [t.name, []]));
      const live = all.filter((t) => typeof t.requests.get(s) === 'string');
      log(`capacity: ${scenarioLabel[s]} — ${live.map((t) => t.name).join(', ')}`);
      // Warm-up (JIT, connection setup, caches), not counted.
      for (const t of live) await wrk(t.proc.url, t.requests.get(s) as string, { connections: opts.connections, seconds: 2 });
      for (let r = 0; r < opts.rounds; r++) {
        const order = live.map((_, i) => live[(i + r) % live.length]);
        for (const t of order) {
          runs.get(t.name)!.push(await wrk(t.proc.url, t.requests.get(s) as string, { connections: opts.connections, seconds: opts.seconds, pid: t.proc.child.pid }));
        }
      }
      const outcome = (t: Target): Outcome => {
        const req = t.requests.get(s);
        return typeof req === 'string' ? aggregate(runs.get(t.name)!) : (req ?? { unavailable: 'not run' });
      };
      const row: CapacityRow = { scenario: s, label: scenarioLabel[s], emulator: outcome(all[0]), moto: outcome(all[1]), ceiling: outcome(all[2]) };
      // moto answers some concurrent requests with HTTP 500 (SSE-KMS PutObject): only its successful answers count.
      if (isSide(row.emulator) && isSide(row.moto) && row.moto.errorShare < 0.9) row.vsMoto = round(row.emulator.rps / (row.moto.rps * (1 - row.moto.errorShare)), 1);
      if (isSide(row.emulator) && isSide(row.ceiling)) row.vsCeiling = round(row.emulator.rps / row.ceiling.rps, 3);
      if (isSide(row.emulator) && isSide(row.moto) && row.vsMoto !== undefined) row.cpuVsMoto = round(row.moto.cpuUs / (1 - row.moto.errorShare) / row.emulator.cpuUs, 1);
      if (isSide(row.emulator) && isSide(row.ceiling)) row.cpuVsCeiling = round(row.ceiling.cpuUs / row.emulator.cpuUs, 3);
      rows.push(row);
    }
    return {
      connections: opts.connections,
      seconds: opts.seconds,
      rounds: opts.rounds,
      rows,
      emulatorRssBytes: emulator.rss(),
      motoRssBytes: moto.rss(),
      ceilingBodyBytes: encAnswer.length,
    };
  } finally {
    await Promise.all([emulator.stop(), moto.stop(), ceiling?.stop()]);
  }
}

/** Sends raw request bytes on a fresh connection and returns the response body (Content-Length framed). */
async function sendRawBytes(url: string, bytes: Buffer): Promise<Buffer> {
  const { connect } = await import('node:net');
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname);
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/content-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'))?.[1] ?? NaN);
      if (buf.length >= end + 4 + len) {
        s.destroy();
        resolve(buf.subarray(end + 4, end + 4 + len));
      }
    });
    s.on('error', reject);
    s.write(bytes);
  });
}
