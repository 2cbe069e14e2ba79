import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from './procs.js';

export interface CliRun { wallMs: number; peakRssBytes?: number; output: string; exitCode: number }

/**
 * One cold `kms-lab` process (args get a fresh temporary directory for its output, removed afterwards): whole
 * process wall time, stdout+stderr, and peak RSS (VmHWM, polled every 50 ms).
 */
export function timedCli(tmpPrefix: string, args: (dir: string) => string[]): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/kms-lab.mjs', ...args(dir)], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let peak = 0;
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch { /* exited */ }
  }, 50);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(poll);
      const wallMs = performance.now() - t0;
      rmSync(dir, { recursive: true, force: true });
      resolve({ wallMs, peakRssBytes: peak || undefined, output, exitCode: code ?? 1 });
    });
  });
}
