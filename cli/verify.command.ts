import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { region, url } from './options.js';

interface VerifyCommandOptions {
  kms?: boolean;
  kmsKeyId?: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  publicKey?: string;
  json?: boolean;
}

/** `kms-lab verify <dir>`: exit 0 only when every file is as signed and the signature holds. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('Check an evidence bundle: every file against manifest.json (changed, added, removed), and the manifest\'s signature.')
    .argument('<dir>', 'the bundle directory, e.g. reports/latest')
    .addOption(new Option('--kms', 'take the public key from KMS GetPublicKey of the key that signed the bundle (needs AWS credentials, standard chain)'))
    .addOption(new Option('--kms-key-id <key>', 'with --kms: the signing key to ask for (when the bundle masks account ids)'))
    .addOption(new Option('--endpoint <url>', 'with --kms: a KMS endpoint (e.g. the emulator)').argParser(url))
    .addOption(new Option('--region <region>', 'with --kms: the region (default: the key ARN\'s region)').argParser(region))
    .addOption(new Option('--profile <profile>', 'with --kms: the shared config/SSO profile'))
    .addOption(new Option('--public-key <pem-file>', 'a public key you trust (SPKI PEM): the bundle must be signed with it').conflicts('kms'))
    .addOption(new Option('--json', 'print the whole result as JSON'))
    .addHelpText('after', `
Exit code 0 only when every file matches manifest.json and the signature holds; otherwise 1, with each
changed, added or removed file named and what is wrong with the signature.
Examples:
  kms-lab verify reports/latest
  kms-lab verify reports/261128t1603-9211 --kms --profile audit
  kms-lab verify bundle/ --public-key kms-lab-signing.pub.pem`)
    .action(async (dir: string, opts: VerifyCommandOptions) => {
      // Known and planned for (toolchain.md §2): the SDK's Node 20 notice is not a verification finding.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const { verifyBundle, formatVerifyReport } = await import('../support/bundle/index.js');
      let trustedPublicKeyPem: string | undefined;
      if (opts.publicKey) {
        try {
          trustedPublicKeyPem = readFileSync(opts.publicKey, 'utf8');
        } catch (e) {
          throw new Error(`Cannot read the public key ${opts.publicKey}: ${(e as Error).message}`);
        }
      }
      let kms: import('@aws-sdk/client-kms').KMSClient | undefined;
      if (opts.kms) {
        const { KMSClient } = await import('@aws-sdk/client-kms');
        const sig = readSignature(dir);
        const keyRegion = opts.region ?? /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(opts.kmsKeyId ?? sig?.signer?.keyArn ?? '')?.[1] ?? sig?.signer?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
        kms = new KMSClient({ region: keyRegion, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(opts.profile ? { profile: opts.profile } : {}) });
      }
      try {
        const report = await verifyBundle(dir, { kms, kmsKeyId: opts.kmsKeyId, trustedPublicKeyPem });
        if (opts.json) {
          const { manifest: _m, ...rest } = report;
          process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
        } else {
          for (const line of formatVerifyReport(report)) process.stdout.write(`${line}\n`);
        }
        if (!report.ok) throw new CommanderError(1, 'kms-lab.verify.failed', '');
      } finally {
        kms?.destroy();
      }
    });
}

function readSignature(dir: string): { signer?: { keyArn?: string; region?: string } } | undefined {
  try {
    return JSON.parse(readFileSync(`${dir}/manifest.sig.json`, 'utf8')) as { signer?: { keyArn?: string; region?: string } };
  } catch {
    return undefined;
  }
}
