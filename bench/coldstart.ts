import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { capture, capturingHandler } from './lib/capture.js';
import { clientConfig } from './lib/fixture.js';
import { freePort, MOTO_ARGS, ROOT_DIR } from './lib/procs.js';
import { log, median } from './lib/stats.js';
import { sendOnce } from './lib/wrk.js';

/**
 * 3. Cold start: from spawn() to the first answered request (a signed KMS ListKeys, HTTP 200), polled every
 * 5 ms on a port chosen beforehand, so every variant is timed the same way. Variants alternate; median of N.
 */
export interface ColdVariant { name: string; command: string; ms: number[]; medianMs: number; rssBytes?: number }
export interface ColdResult { runs: number; variants: ColdVariant[]; bundleBuild?: { ms: number; output: string } }

export const BUNDLE = join(ROOT_DIR, 'bench/.build/kms-lab.mjs');

/** Builds the esbuild prototype (bench/bundle/build.mjs). */
export function buildBundle(): { ms: number; output: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['bench/bundle/build.mjs'], { cwd: ROOT_DIR, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundle build failed: ${r.stderr || r.stdout}`);
  return { ms: performance.now() - t, output: r.stdout.trim() };
}

async function once(cmd: string, args: (port: number) => string[]): Promise<{ ms: number; rss?: number }> {
  const port = await freePort();
  const req = await capture(() => new KMSClient({ ...clientConfig(`http://127.0.0.1:${port}`), requestHandler: capturingHandler }).send(new ListKeysCommand({})));
  const t0 = performance.now();
  const child = spawn(cmd, args(port), { cwd: ROOT_DIR, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${cmd} ${args(port).join(' ')} exited with ${child.exitCode} before answering`);
      try {
        const r = await sendOnce(`http://127.0.0.1:${port}`, req);
        if (r.status === 200) {
          const ms = performance.now() - t0;
          const { rssOf } = await import('./lib/procs.js');
          return { ms, rss: rssOf(child.pid) };
        }
        throw new Error(`first answer was HTTP ${r.status}: ${r.body.toString().slice(0, 200)}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED' && (e as NodeJS.ErrnoException).code !== 'ECONNRESET') throw e;
      }
      if (performance.now() - t0 > 60_000) throw new Error(`${cmd} did not answer within 60 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function coldStart(opts: { runs: number }): Promise<ColdResult> {
  let bundleBuild: ColdResult['bundleBuild'];
  try {
    bundleBuild = buildBundle();
  } catch (e) {
    log(`cold start: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ceilingBody = join(tmpdir(), `kms-lab-cold-ceiling-${process.pid}.json`);
  writeFileSync(ceilingBody, '{"Keys":[],"Truncated":false}');
  const node = process.execPath;
  const variants: Array<{ name: string; command: string; cmd: string; args: (p: number) => string[] }> = [
    { name: 'kms-lab emulator (today: tsx)', command: 'node bin/kms-lab.mjs emulator', cmd: node, args: (p) => ['bin/kms-lab.mjs', 'emulator', '--port', String(p)] },
    ...(bundleBuild && existsSync(BUNDLE)
      ? [{ name: 'kms-lab emulator (esbuild bundle prototype)', command: 'node bench/.build/kms-lab.mjs emulator', cmd: node, args: (p: number) => [BUNDLE, 'emulator', '--port', String(p)] }]
      : []),
    { name: 'moto server', command: 'python3 -m moto.server', cmd: 'python3', args: MOTO_ARGS },
    { name: 'bare node:http (floor)', command: 'node bench/ceiling-server.mjs', cmd: node, args: (p) => ['bench/ceiling-server.mjs', ceilingBody, 'application/x-amz-json-1.1', String(p)] },
  ];
  const out: ColdVariant[] = variants.map((v) => ({ name: v.name, command: v.command, ms: [], medianMs: NaN }));
  log(`cold start: ${variants.length} variants × ${opts.runs}, alternating`);
  for (let r = 0; r < opts.runs; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length];
      const o = out.find((x) => x.name === v.name)!;
      const res = await once(v.cmd, v.args);
      o.ms.push(res.ms);
      o.rssBytes = res.rss;
    }
  }
  for (const o of out) o.medianMs = median(o.ms);
  return { runs: opts.runs, variants: out, bundleBuild };
}
