import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseAge } from '../support/cleanup/age.js';
import { TARGET_NAMES, type TargetName } from '../support/parameters.js';
import type { Connection } from '../support/targets/types.js';
import { accountId, region, url } from './options.js';

interface CleanupCommandOptions {
  runId?: string;
  olderThan?: number;
  target: TargetName;
  endpoint?: string;
  region?: string;
  profile?: string;
  allowAccount?: string;
  reportDir: string;
  yes?: boolean;
}

function runId(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]{2,23}$/.test(value)) throw new InvalidArgumentError('must be a kms-lab run id such as 261128t1655-a4d1.');
  return value;
}

function age(value: string): number {
  try {
    return parseAge(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** `kms-lab cleanup`: lists, and with --yes deletes, what kms-lab runs left behind — only resources tagged with their run id. */
export function cleanupCommand(): Command {
  return new Command('cleanup')
    .description('List (and with --yes delete) resources a kms-lab run left behind: only those tagged kms-lab:run-id with the chosen run.')
    .addOption(new Option('--run-id <id>', 'the run whose resources to remove (reports/<run-id>/created-resources.ndjson is read when present)').argParser(runId))
    .addOption(new Option('--older-than <age>', 'every run that started more than this long ago, e.g. 24h, 90m, 7d').argParser(age).conflicts('runId'))
    .addOption(new Option('--target <target>', 'where the resources are').choices([...TARGET_NAMES]).default('aws'))
    .addOption(new Option('--endpoint <url>', 'the endpoint (required for embedded, moto, localstack; for aws: an override)').argParser(url))
    .addOption(new Option('--region <region>', 'the region of KMS keys and trails (aws: default from AWS_REGION/AWS_DEFAULT_REGION, else us-east-1)').argParser(region))
    .addOption(new Option('--profile <profile>', 'aws: the shared config/SSO profile to use'))
    .addOption(new Option('--allow-account <id>', 'the account deletion may happen in; required with --yes on --target aws, must equal the caller\'s').argParser(accountId))
    .addOption(new Option('--report-dir <dir>', 'where run records are (<dir>/<run-id>/created-resources.ndjson)').default('reports'))
    .addOption(new Option('--yes', 'delete; without it nothing is deleted, only listed'))
    .addHelpText('after', `
Never touches a resource without the kms-lab:run-id tag or with another run's id. KMS keys are scheduled
for deletion (7 days, the minimum), their aliases deleted; buckets are emptied and deleted.
Examples:
  kms-lab cleanup --run-id 261128t1655-a4d1 --profile lab                       # list
  kms-lab cleanup --run-id 261128t1655-a4d1 --profile lab --allow-account 111122223333 --yes
  kms-lab cleanup --older-than 24h --target embedded --endpoint http://127.0.0.1:4566 --yes`)
    .action(async (opts: CleanupCommandOptions) => {
      if ((opts.runId === undefined) === (opts.olderThan === undefined)) throw new Error('Say what to clean up: --run-id ID or --older-than AGE (e.g. 24h).');
      if (opts.target !== 'aws' && !opts.endpoint) throw new Error(`--target ${opts.target} needs --endpoint URL (the running endpoint to clean up).`);
      if (opts.target === 'aws' && opts.yes && !opts.allowAccount) throw new Error('On --target aws, --yes needs --allow-account <the account id> to confirm where resources may be deleted.');
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const conn = connection(opts);
      const { runCleanup } = await import('../support/cleanup/run.js');
      const outcome = await runCleanup({
        selector: opts.runId !== undefined ? { runId: opts.runId } : { olderThanMs: opts.olderThan },
        conn,
        yes: Boolean(opts.yes),
        allowAccount: opts.allowAccount,
        recordPath: opts.runId !== undefined ? join(opts.reportDir, opts.runId, 'created-resources.ndjson') : undefined,
      }, (line) => process.stdout.write(`${line}\n`));
      if (outcome.exitCode !== 0) throw new CommanderError(outcome.exitCode, 'kms-lab.cleanup.failed', '');
    });
}

function connection(opts: CleanupCommandOptions): Connection {
  const env = process.env;
  const region = opts.region ?? (opts.target === 'aws' ? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' : 'us-east-1');
  if (opts.target === 'aws') return { endpoint: opts.endpoint, region, profile: opts.profile, forcePathStyle: Boolean(opts.endpoint) };
  // Local endpoints: the caller's keys when set (another emulator account), else the emulator's bootstrap root.
  const credentials = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
    : { accessKeyId: 'test', secretAccessKey: 'test' };
  return { endpoint: opts.endpoint, region, forcePathStyle: true, credentials };
}
