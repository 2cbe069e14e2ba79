import { Command, InvalidArgumentError, Option } from 'commander';
import { startEmulator } from '../emulator/server.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535 (0 picks a free port).');
  return n;
}

function region(value: string): string {
  if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(value)) throw new InvalidArgumentError('must be an AWS region name such as us-east-1.');
  return value;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds, 0 or more.');
  return n;
}

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description('Run the embedded AWS emulator (KMS, S3, CloudTrail, STS, IAM) in the foreground.')
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on (0 = any free port)').default(4566).argParser(port))
    .addOption(new Option('--region <region>', 'default region for unsigned requests and new resources').default('us-east-1').argParser(region))
    .addOption(new Option('--cloudtrail-delivery-seconds <n>', 'seconds between CloudTrail log file deliveries (0 = only on POST /_emulator/cloudtrail/deliver)').default(5).argParser(seconds))
    .addOption(new Option('--cloudtrail-lookup-delay-seconds <n>', 'seconds before a CloudTrail event is visible to LookupEvents').default(0).argParser(seconds))
    .addHelpText('after', `
Credentials: access key "test", secret "test" is the root of account 000000000000.
Example:
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \\
    aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity
Admin API (loopback only): GET /_emulator/health, POST /_emulator/reset, POST /_emulator/accounts`)
    .action(async (opts: { host: string; port: number; region: string; cloudtrailDeliverySeconds: number; cloudtrailLookupDelaySeconds: number }) => {
      let running;
      try {
        running = await startEmulator({ host: opts.host, port: opts.port, region: opts.region,
          cloudtrailDeliverySeconds: opts.cloudtrailDeliverySeconds, cloudtrailLookupDelaySeconds: opts.cloudtrailLookupDelaySeconds });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new Error(`port ${opts.port} on ${opts.host} is already in use; pick another with --port (0 = any free port).`);
        throw e;
      }
      process.stdout.write(`kms-lab emulator listening on ${running.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          running.stop().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
