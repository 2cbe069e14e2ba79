import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseShard, type Shard } from '../support/check/roster.js';
import { region, url, wholeNumber } from './options.js';

const concurrency = wholeNumber(1, 64);
const students = wholeNumber(1, 999, 'a number of students,');

function shard(value: string): Shard {
  try {
    return parseShard(value);
  } catch {
    throw new InvalidArgumentError('must be i/n with 1 ≤ i ≤ n, e.g. 2/4.');
  }
}

interface CheckCommandOptions {
  roster?: string;
  accountRole?: string;
  externalId?: string;
  student?: string;
  concurrency: number;
  shard?: Shard;
  features?: string[];
  out?: string;
  target: 'embedded' | 'aws';
  endpoint?: string;
  region?: string;
  profile?: string;
  seedClass?: number;
}

/** `kms-lab check`: grade a class (or one account) read-only, with evidence. */
export function checkCommand(): Command {
  return new Command('check')
    .description('Check student accounts read-only against the lab (features/checks) and write a grading matrix with evidence.')
    .addOption(new Option('--roster <csv>', 'class roster: header student,account_id,role_arn[,external_id][,region]'))
    .addOption(new Option('--account-role <arn>', 'check one account through this role instead of a roster'))
    .addOption(new Option('--external-id <id>', 'with --account-role: the ExternalId the role\'s trust policy requires'))
    .addOption(new Option('--student <name>', 'with --account-role: the name to show (default: the account id)'))
    .addOption(new Option('--concurrency <n>', 'students checked at once').default(4).argParser(concurrency))
    .addOption(new Option('--shard <i/n>', 'check only shard i of n (every n-th student from the i-th); the n shards cover the roster once').argParser(shard))
    .addOption(new Option('--features <path...>', 'check feature files or folders (default: features/checks)'))
    .addOption(new Option('--out <dir>', 'where the matrix, gradebook CSV, JSON and evidence go (default: reports/check-<run-id>)'))
    .addOption(new Option('--target <target>', 'embedded: the emulator (a seeded class, or --endpoint); aws: real accounts').choices(['embedded', 'aws']).default('aws'))
    .addOption(new Option('--endpoint <url>', 'embedded: a running `kms-lab emulator --seed-class N`; aws: an endpoint override').argParser(url))
    .addOption(new Option('--region <region>', 'default Region for students without one (default: AWS_REGION, else us-east-1)').argParser(region))
    .addOption(new Option('--profile <profile>', 'aws: the instructor\'s shared config/SSO profile'))
    .addOption(new Option('--seed-class <n>', 'embedded without --endpoint: simulated students to seed (default 30)').argParser(students))
    .addHelpText('after', `
Read-only by construction: every AWS client of this command refuses, before sending, any operation outside
an allow-list of read operations (Describe/Get/List/Head/LookupEvents, and GetObject on CloudTrail's log
files only). The instructor's credentials (standard chain, --profile, SSO) only assume each student's role.

A student whose role cannot be assumed, or who refuses every read, is an error row, not a failed run; each
check is ✓, ✗ or ? (cannot tell, with the reason — never a pass). Throttling is retried with backoff, and
LookupEvents stays within 2 requests/s per account.

Output (--out): matrix.html (students × checks, click a cell for the reason and evidence), grades.csv
(gradebook), results.json, students/<name>-<account>/ (one signed evidence bundle per student; verify it with
kms-lab verify). Exit code 0 when the matrix is written, 2 when no student could be checked.

Set-up of the students' read-only role: docs/instructor.md.
Examples:
  kms-lab check --roster class.csv --profile instructor --concurrency 8
  kms-lab check --roster class.csv --shard 1/3 --out reports/check-shard-1
  kms-lab check --account-role arn:aws:iam::111122223333:role/kms-lab-instructor-audit --external-id 7f3c-alice
  kms-lab check --target embedded --seed-class 30          # a simulated class on the emulator
  kms-lab emulator --seed-class 30 &  kms-lab check --target embedded --endpoint http://127.0.0.1:4566 --roster class-roster.csv`)
    .action(async (opts: CheckCommandOptions) => {
      const { runCheck } = await import('../support/check/runner.js');
      const { newRunId } = await import('../support/parameters.js');
      const runId = newRunId();
      const result = await runCheck({
        roster: opts.roster,
        accountRole: opts.accountRole,
        externalId: opts.externalId,
        student: opts.student,
        concurrency: opts.concurrency,
        shard: opts.shard,
        features: opts.features,
        out: opts.out ?? `reports/check-${runId}`,
        target: opts.target,
        endpoint: opts.endpoint,
        region: opts.region ?? (opts.target === 'aws' ? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' : 'us-east-1'),
        profile: opts.profile,
        seedClass: opts.seedClass,
        runId,
      }, { stdout: process.stdout, stderr: process.stderr, env: process.env });
      if (result.exitCode !== 0) throw new CommanderError(result.exitCode, 'kms-lab.check.nothing-checked', '');
    });
}
