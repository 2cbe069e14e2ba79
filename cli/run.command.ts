import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CHAOS_PROFILES } from '../support/chaos.js';
import { TARGET_NAMES } from '../support/parameters.js';
import type { RunLabOptions } from '../support/runner/run-lab.js';
import { accountId, region, url, wholeNumber } from './options.js';

const workers = wholeNumber(0, 64, 'a whole number', ' (0 = serial)');
const seed = wholeNumber(0, 0xffffffff);

/** What commander parses: the runner's options, but the signing key as a file and --chaos without a profile as `true`. */
type RunCommandOptions = Omit<RunLabOptions, 'paths' | 'signingKeyPem' | 'chaos'> & {
  signingKey?: string;
  compliance?: boolean;
  chaos?: string | true;
};

function chaosProfile(value: string): string {
  if (!(value in CHAOS_PROFILES)) throw new InvalidArgumentError(`must be one of ${Object.keys(CHAOS_PROFILES).join(', ')}.`);
  return value;
}

/** The lab's features; with --compliance, also the read-only compliance checks of the account. */
export const LAB_FEATURES = 'features/lab/**/*.feature';
export const COMPLIANCE_FEATURES = 'features/checks/compliance-*.feature';

function kmsKeyRef(value: string): string {
  if (!/^(alias\/[A-Za-z0-9/_-]+|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/.test(value)) {
    throw new InvalidArgumentError('must name a KMS key: alias/<name>, a key id, or a key or alias ARN.');
  }
  return value;
}

/** `kms-lab run`: the lab's scenarios on a target, with reports; exit code 1 when any scenario fails. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run the lab\'s scenarios (features/lab) against a target and write the reports.')
    .addOption(new Option('--target <target>', 'where the AWS endpoint is').choices([...TARGET_NAMES]).default('embedded'))
    .addOption(new Option('--endpoint <url>', 'an already running endpoint (embedded emulator, LocalStack, moto; for aws: an override)').argParser(url))
    .addOption(new Option('--tags <expr>', 'Cucumber tag expression selecting scenarios, e.g. "@kms and not @cloudtrail"'))
    .addOption(new Option('--parallel <n>', 'worker processes (0 = serial)').default(0).argParser(workers))
    .addOption(new Option('--region <region>', 'AWS region (aws: default from AWS_REGION/AWS_DEFAULT_REGION, else us-east-1)').argParser(region))
    .addOption(new Option('--profile <profile>', 'aws: the shared config/SSO profile to use'))
    .addOption(new Option('--allow-account <id>', 'aws: the account the lab may provision in; must equal the caller\'s account').argParser(accountId))
    .addOption(new Option('--report-dir <dir>', 'where reports/<run-id>/ and reports/latest go').default('reports'))
    .addOption(new Option('--sign-with <kms-key>', 'sign the evidence bundle with this KMS asymmetric key (alias/…, key id or ARN; RSA → RSASSA_PSS_SHA_256, ECC_NIST_P256 → ECDSA_SHA_256) instead of a local Ed25519 key').argParser(kmsKeyRef))
    .addOption(new Option('--create-signing-key', 'with --sign-with alias/<name>: create that alias as an ECC_NIST_P256 signing key if it does not exist (kept after the run)'))
    .addOption(new Option('--signing-key <pem-file>', 'sign with this local Ed25519 private key (PKCS#8 PEM) instead of a fresh one').conflicts('signWith'))
    .addOption(new Option('--redact-account-ids', 'mask account ids (ACCOUNT-1, ACCOUNT-2, …) consistently in every file of the bundle'))
    .addOption(new Option('--chaos [profile]', `embedded only: inject AWS-like faults while the lab runs (${Object.entries(CHAOS_PROFILES).map(([k, v]) => `${k}: ${v.description}`).join('; ')}); default profile "default"`).argParser(chaosProfile))
    .addOption(new Option('--chaos-seed <n>', 'the seed of --chaos\'s fault decisions (default 42), to repeat or vary a chaos run').argParser(seed))
    .addOption(new Option('--compliance', `also run the read-only compliance checks of the account (${COMPLIANCE_FEATURES})`))
    .addHelpText('after', `
Targets:
  embedded    the emulator, in-process on a free loopback port (default; every capability)
  moto        python3 -m moto.server on a free loopback port, or --endpoint (scenarios needing
              enforcement or CloudTrail events are skipped, with the reason)
  localstack  a LocalStack container via testcontainers, or --endpoint (CloudTrail/IAM need Pro)
  aws         the standard credential chain (env, --profile, SSO); refuses to provision unless
              --allow-account equals the caller's account, and prints what it will create first

Output: progress, then the evidence bundle reports/<run-id>/ — cucumber.html, cucumber.xml,
cucumber.ndjson, report.html (the human report), summary.md, evidence/ (one file per attachment),
manifest.json (SHA-256 and size of every file, run metadata) signed into manifest.sig.json, with the
public key in manifest.pub.pem — reports/latest, and a last line "N scenarios: N passed, N failed,
N skipped". Exit code 1 on any failure. Check a bundle with \`kms-lab verify <dir>\`.
Examples:
  kms-lab run
  kms-lab run --target moto --parallel 2
  kms-lab run --chaos --chaos-seed 7 --tags @kms
  kms-lab run --target aws --profile lab --region ap-northeast-1 --allow-account 111122223333
  kms-lab run --target aws --allow-account 111122223333 --compliance \\
      --sign-with alias/kms-lab-evidence --create-signing-key --redact-account-ids`)
    .action(async (opts: RunCommandOptions) => {
      if (opts.createSigningKey && !opts.signWith?.startsWith('alias/')) throw new Error('--create-signing-key needs --sign-with alias/<name> (the alias to create).');
      let signingKeyPem: string | undefined;
      if (opts.signingKey) {
        try {
          signingKeyPem = readFileSync(opts.signingKey, 'utf8');
        } catch (e) {
          throw new Error(`Cannot read the signing key ${opts.signingKey}: ${(e as Error).message}`);
        }
      }
      // Loaded on use: cucumber and the SDK clients would slow every other subcommand's start.
      const { runLab } = await import('../support/runner/run-lab.js');
      const { signingKey: _file, compliance, chaos, ...rest } = opts;
      if (opts.chaosSeed !== undefined && !chaos) throw new Error('--chaos-seed needs --chaos [profile].');
      const paths = [LAB_FEATURES, ...(compliance ? [COMPLIANCE_FEATURES] : [])];
      const result = await runLab({ ...rest, paths, signingKeyPem, ...(chaos ? { chaos: chaos === true ? 'default' : chaos } : {}) }, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
      // main() turns a CommanderError into the exit code; the summary line already said what failed.
      if (result.exitCode !== 0) throw new CommanderError(result.exitCode, 'kms-lab.run.failed', '');
    });
}
