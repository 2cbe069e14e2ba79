import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { TARGET_NAMES, type TargetName } from '../support/parameters.js';
import { accountId, region, url } from './options.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new InvalidArgumentError('must be a whole number 0-64 (0 = serial).');
  return n;
}

interface RunCommandOptions {
  target: TargetName;
  endpoint?: string;
  tags?: string;
  parallel: number;
  region?: string;
  profile?: string;
  allowAccount?: string;
  reportDir: string;
}

/** `kms-lab run`: the lab's scenarios on a target, with reports; exit code 1 when any scenario fails. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run the lab\'s scenarios (features/lab) against a target and write the reports.')
    .addOption(new Option('--target <target>', 'where the AWS endpoint is').choices([...TARGET_NAMES]).default('embedded'))
    .addOption(new Option('--endpoint <url>', 'an already running endpoint (embedded emulator, LocalStack, moto; for aws: an override)').argParser(url))
    .addOption(new Option('--tags <expr>', 'Cucumber tag expression selecting scenarios, e.g. "@kms and not @cloudtrail"'))
    .addOption(new Option('--parallel <n>', 'worker processes (0 = serial)').default(0).argParser(positiveInt))
    .addOption(new Option('--region <region>', 'AWS region (aws: default from AWS_REGION/AWS_DEFAULT_REGION, else us-east-1)').argParser(region))
    .addOption(new Option('--profile <profile>', 'aws: the shared config/SSO profile to use'))
    .addOption(new Option('--allow-account <id>', 'aws: the account the lab may provision in; must equal the caller\'s account').argParser(accountId))
    .addOption(new Option('--report-dir <dir>', 'where reports/<run-id>/ and reports/latest go').default('reports'))
    .addHelpText('after', `
Targets:
  embedded    the emulator, in-process on a free loopback port (default; every capability)
  moto        python3 -m moto.server on a free loopback port, or --endpoint (scenarios needing
              enforcement or CloudTrail events are skipped, with the reason)
  localstack  a LocalStack container via testcontainers, or --endpoint (CloudTrail/IAM need Pro)
  aws         the standard credential chain (env, --profile, SSO); refuses to provision unless
              --allow-account equals the caller's account, and prints what it will create first

Output: progress, then reports/<run-id>/{cucumber.html,cucumber.xml,cucumber.ndjson}, reports/latest,
and a last line "N scenarios: N passed, N failed, N skipped". Exit code 1 on any failure.
Examples:
  kms-lab run
  kms-lab run --target moto --parallel 2
  kms-lab run --target aws --profile lab --region ap-northeast-1 --allow-account 111122223333`)
    .action(async (opts: RunCommandOptions) => {
      // Loaded on use: cucumber and the SDK clients would slow every other subcommand's start.
      const { runLab } = await import('../support/runner/run-lab.js');
      const result = await runLab({ ...opts }, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
      // main() turns a CommanderError into the exit code; the summary line already said what failed.
      if (result.exitCode !== 0) throw new CommanderError(result.exitCode, 'kms-lab.run.failed', '');
    });
}
