import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawRequest } from './capture.js';
import { cpuMs } from './procs.js';

/**
 * The replaying load generator: wrk (Debian package `wrk`), one thread, N keep-alive connections, each
 * sending the same pre-signed request bytes back to back. A Lua script loads the bytes from a file and
 * prints a JSON summary (HdrHistogram percentiles, microseconds).
 */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Non-2xx/3xx answers plus socket errors and timeouts: a run with any is not a valid measurement. */
  errors: number;
  /** CPU time the server process used per request during the run (µs), when its pid was given. */
  cpuUsPerRequest?: number;
}

const SCRIPT = `
local req
init = function(args)
  local f = assert(io.open(args[1], "rb"))
  req = f:read("*a")
  f:close()
end
request = function() return req end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(99)))
end
`;

let dir: string | undefined;
const workDir = (): string => (dir ??= mkdtempSync(join(tmpdir(), 'kms-lab-bench-')));

export function wrkVersion(): string | undefined {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return undefined;
  return (r.stdout + r.stderr).split('\n')[0].trim();
}

let seq = 0;
/** Writes the request bytes where the Lua script reads them; returns the path. */
export function requestFile(req: RawRequest): string {
  const path = join(workDir(), `req-${++seq}.http`);
  writeFileSync(path, req.bytes);
  return path;
}

export async function wrk(url: string, reqFile: string, opts: { connections: number; seconds: number; pid?: number }): Promise<LoadResult> {
  const script = join(workDir(), 'replay.lua');
  writeFileSync(script, SCRIPT);
  const cpuBefore = cpuMs(opts.pid);
  const args = ['-t', '1', '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--timeout', '10s', '-s', script, url, '--', reqFile];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
  });
  const cpuAfter = cpuMs(opts.pid);
  const line = /WRKJSON (\{.*\})/.exec(out);
  if (!line) throw new Error(`wrk printed no summary: ${out}`);
  const j = JSON.parse(line[1]) as Record<string, number>;
  const seconds = j.duration_us / 1e6;
  return {
    requests: j.requests,
    seconds,
    rps: j.requests / seconds,
    p50ms: j.p50 / 1000,
    p99ms: j.p99 / 1000,
    errors: j.status + j.connect + j.read + j.write + j.timeout,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && j.requests > 0 ? { cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1000) / j.requests } : {}),
  };
}

/** Sends a captured request once (node:http, same headers and body) and returns the status and body. */
export function sendOnce(url: string, req: RawRequest): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: u.hostname, port: u.port, method: req.method, path: req.target, headers: req.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}
