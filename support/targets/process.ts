import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/** A free TCP port on loopback (the OS picks it; there is a small race, which start-up retries cover). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers any HTTP status, the child exits, or the deadline passes. */
export async function waitForHttp(url: string, deadlineMs: number, child?: ChildProcess, stderrTail?: () => string): Promise<void> {
  const until = Date.now() + deadlineMs;
  let lastError = '';
  while (Date.now() < until) {
    if (child && child.exitCode !== null) {
      throw new Error(`the server exited with code ${child.exitCode} before answering ${url}.${stderrTail ? ` Its last output: ${stderrTail()}` : ''}`);
    }
    try {
      const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.dump();
      return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(150);
  }
  throw new Error(`no answer from ${url} within ${Math.round(deadlineMs / 1000)} s (last error: ${lastError}).${stderrTail ? ` Server output: ${stderrTail()}` : ''}`);
}

export interface ServerProcess {
  child: ChildProcess;
  /** The last lines the server printed, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/** Spawns a server we own; stop() ends exactly that process (by its pid), escalating to SIGKILL after 5 s. */
export function spawnServer(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ServerProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const lines: string[] = [];
  const keep = (d: Buffer) => {
    lines.push(...d.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 20) lines.splice(0, lines.length - 20);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // An unhandled 'error' (e.g. ENOENT for a missing python3) would crash the run; the exit code tells the story instead.
  child.on('error', (e) => lines.push(`spawn failed: ${e.message}`));
  return {
    child,
    tail: () => lines.slice(-5).join(' | '),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
