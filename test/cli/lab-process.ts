import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO, 'bin', 'kms-lab.mjs');

/** Credentials of the emulator's bootstrap root through the standard chain, and nothing from this machine's AWS config. */
export function emulatorCredentialsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  delete env.KMS_LAB_CAPABILITIES;
  return env;
}

export interface LabProcess {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs `kms-lab <args>` from the repository (where cucumber.js and features/ are) and collects its output. */
export function runKmsLab(args: string[], env: NodeJS.ProcessEnv = emulatorCredentialsEnv(), timeoutMs = 240_000): Promise<LabProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kms-lab ${args.join(' ')} did not finish in ${timeoutMs / 1000} s.\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, lines: stdout.trimEnd().split('\n') });
    });
  });
}

const tempDirs: string[] = [];
// Reports of test runs are evidence of nothing: removed when the test process ends.
process.once('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

export async function tempReportDir(prefix = 'kms-lab-reports-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** "35 scenarios: 35 passed, 0 failed, 0 skipped" → numbers. */
export function parseSummary(line: string | undefined): { scenarios: number; passed: number; failed: number; skipped: number } | undefined {
  const m = /^(\d+) scenarios: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(line ?? '');
  return m ? { scenarios: Number(m[1]), passed: Number(m[2]), failed: Number(m[3]), skipped: Number(m[4]) } : undefined;
}

/** What to print when a spawned run did not go as expected. */
export function explain(p: LabProcess): string {
  return `exit ${p.code}\n--- stdout (tail) ---\n${p.stdout.slice(-4000)}\n--- stderr (tail) ---\n${p.stderr.slice(-3000)}`;
}
