import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Resident set size of the process, from /proc (Linux), in bytes. */
  rss(): number | undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * CPU time (user + system, all threads) a process has used, in ms, from /proc/<pid>/stat (Linux, 100 ticks/s).
 * CPU time per request is far less sensitive to other load on a shared machine than requests per second.
 */
export function cpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process, from /proc (Linux). */
export function rssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts a process that prints a line matching `ready` (whose group 1 is the URL) once it listens. */
export function startPrinting(cmd: string, args: string[], ready: RegExp, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Proc> {
  const child = spawn(cmd, args, { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not become ready in time; it printed: ${out.slice(-2000)}`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ url: m[1], child, stop: stopper(child), rss: () => rssOf(child.pid) });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before it was ready: ${out.slice(-2000)}`));
    });
  });
}

/**
 * `kms-lab emulator` in its own process, on a free loopback port: `node bin/kms-lab.mjs emulator`, or with
 * BENCH_EMULATOR=bundle the esbuild prototype (bench/.build/kms-lab.mjs, built by bench/bundle/build.mjs).
 */
export function startEmulatorProcess(extra: string[] = []): Promise<Proc> {
  const bin = process.env.BENCH_EMULATOR === 'bundle' ? 'bench/.build/kms-lab.mjs' : 'bin/kms-lab.mjs';
  return startPrinting(process.execPath, [bin, 'emulator', '--port', '0', ...extra], /listening on (http:\/\/\S+)/);
}

/** Waits until something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const MOTO_ARGS = (port: number): string[] => ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)];

/** moto server (`python3 -m moto.server`) on a free loopback port; resolves once it accepts connections. */
export async function startMoto(): Promise<Proc> {
  const port = await freePort();
  const child = spawn('python3', MOTO_ARGS(port), { cwd: ROOT_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`moto server exited (${code}): ${err}`))));
  await Promise.race([waitForPort(port), exited]);
  exited.catch(() => {});
  return { url: `http://127.0.0.1:${port}`, child, stop: stopper(child), rss: () => rssOf(child.pid) };
}

/** The ceiling: a bare node:http server answering a fixed body (bench/ceiling-server.mjs). */
export function startCeiling(bodyFile: string, contentType: string): Promise<Proc> {
  return startPrinting(process.execPath, ['bench/ceiling-server.mjs', bodyFile, contentType], /listening on (http:\/\/\S+)/);
}
