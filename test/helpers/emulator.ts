import { startEmulator, type RunningEmulator, type StartOptions } from '../../emulator/server.js';

export interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export const ROOT: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A fresh emulator on an ephemeral loopback port; call stop() in `after`. */
export async function freshEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, ...options });
}

/** AWS SDK v3 client config pointed at the emulator. */
export function clientConfig(running: RunningEmulator, credentials: Creds = ROOT, region = 'us-east-1') {
  return { endpoint: running.url, region, credentials, maxAttempts: 1 } as const;
}

/** Environment for the AWS CLI pointed at the emulator (use with `aws --endpoint-url <url>`). */
export function cliEnv(credentials: Creds = ROOT, region = 'us-east-1'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  else delete env.AWS_SESSION_TOKEN;
  return env;
}

/** Whether the AWS CLI is on this machine; tests that need it skip with this reason otherwise. */
export async function awsCliMissing(): Promise<string | false> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? false : 'the AWS CLI (`aws`) is not installed here; `pip install awscli` to run this test';
}
