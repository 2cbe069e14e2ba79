import { Command, InvalidArgumentError, Option } from 'commander';
import { configureFaults, FaultConfigError, readFaultsFile } from '../emulator/faults/index.js';
import { startEmulator } from '../emulator/server.js';
import { region } from './options.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535 (0 picks a free port).');
  return n;
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
    .addOption(new Option('--faults <file>', 'inject faults: a JSON file {"seed": N, "rules": [...]}, the body PUT /_emulator/faults takes'))
    .addHelpText('after', `
Credentials: access key "test", secret "test" is the root of account 000000000000.
Example:
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \\
    aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity
Admin API (loopback only): GET /_emulator/health, POST /_emulator/reset, POST /_emulator/accounts,
  GET|PUT|DELETE /_emulator/faults
Fault file example (20 % throttling and 5 % server errors on every service):
  {"seed": 7, "rules": [{"service": "*", "probability": 0.2, "fault": "throttling"},
                        {"service": "*", "probability": 0.05, "fault": "internalError"}]}
  faults: throttling, internalError, serviceUnavailable, dropConnection, latency (with "latencyMs");
  "operation" (default "*") takes an operation name or a pattern such as "Put*".`)
    .action(async (opts: { host: string; port: number; region: string; cloudtrailDeliverySeconds: number; cloudtrailLookupDelaySeconds: number; faults?: string }) => {
      // An unreadable or non-JSON fault file is refused before the port is taken; the rules are checked
      // against the endpoint's services once it runs, and a refusal stops it before it is announced.
      let faults: unknown;
      try {
        if (opts.faults !== undefined) faults = readFaultsFile(opts.faults);
      } catch (e) {
        throw new Error(`--faults: ${(e as Error).message}`);
      }
      let running;
      try {
        running = await startEmulator({ host: opts.host, port: opts.port, region: opts.region,
          cloudtrailDeliverySeconds: opts.cloudtrailDeliverySeconds, cloudtrailLookupDelaySeconds: opts.cloudtrailLookupDelaySeconds });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new Error(`port ${opts.port} on ${opts.host} is already in use; pick another with --port (0 = any free port).`);
        throw e;
      }
      let faultNote = '';
      if (faults !== undefined) {
        try {
          const status = configureFaults(running.emulator, faults);
          faultNote = `fault injection on: ${status.rules.length} rule(s), seed ${status.seed}; GET ${running.url}/_emulator/faults shows how often each fired\n`;
        } catch (e) {
          await running.stop();
          if (e instanceof FaultConfigError) throw new Error(`--faults ${opts.faults}: ${e.message}`);
          throw e;
        }
      }
      // The first line says where the endpoint is (scripts wait for it); anything else comes after.
      process.stdout.write(`kms-lab emulator listening on ${running.url}\n${faultNote}`);
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
