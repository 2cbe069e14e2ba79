import { Command, InvalidArgumentError, Option } from 'commander';
import { configureFaults, FaultConfigError, readFaultsFile } from '../emulator/faults/index.js';
import { startEmulator } from '../emulator/server.js';
import { region, wholeNumber } from './options.js';

const port = wholeNumber(0, 65535, 'a port number', ' (0 picks a free port)');
const classSize = wholeNumber(1, 999, 'a number of students,');

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
    .addOption(new Option('--seed-class <n>', 'seed a simulated class of n student accounts for `kms-lab check` (instructor keys: instructor / instructor)').argParser(classSize))
    .addOption(new Option('--seed-roster <file>', 'with --seed-class: where to write the class roster CSV').default('class-roster.csv'))
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
    .action(async (opts: { host: string; port: number; region: string; cloudtrailDeliverySeconds: number; cloudtrailLookupDelaySeconds: number; faults?: string; seedClass?: number; seedRoster: string }) => {
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
      // A seeded class exists before the endpoint is announced (and before any fault is injected).
      let seedNote = '';
      if (opts.seedClass !== undefined) {
        try {
          seedNote = await seedTheClass(running, opts.seedClass, opts.region, opts.seedRoster);
        } catch (e) {
          await running.stop();
          throw new Error(`--seed-class ${opts.seedClass}: ${(e as Error).message}`);
        }
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
      process.stdout.write(`kms-lab emulator listening on ${running.url}\n${seedNote}${faultNote}`);
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

/** --seed-class: the simulated class (emulator/fixtures/seed-class.ts), loaded only when asked for (it needs the SDK). */
async function seedTheClass(running: Awaited<ReturnType<typeof startEmulator>>, n: number, region: string, rosterFile: string): Promise<string> {
  const [{ seedClass, INSTRUCTOR }, { rosterCsv }, { writeFile }, { resolve }] = await Promise.all([
    import('../emulator/fixtures/seed-class.js'), import('../support/check/roster.js'), import('node:fs/promises'), import('node:path'),
  ]);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const seeded = await seedClass(running, { students: n, region });
  const path = resolve(rosterFile);
  await writeFile(path, rosterCsv(seeded.students));
  const states = new Map<string, number>();
  for (const x of seeded.students) states.set(x.state, (states.get(x.state) ?? 0) + 1);
  return `seeded a class of ${n} simulated students (${[...states].map(([k, v]) => `${v} ${k}`).join(', ')}); roster: ${path}\n`
    + `instructor (account ${INSTRUCTOR.accountId}): AWS_ACCESS_KEY_ID=${INSTRUCTOR.accessKeyId} AWS_SECRET_ACCESS_KEY=${INSTRUCTOR.secretAccessKey}\n`
    + `grade it: kms-lab check --target embedded --endpoint ${running.url} --roster ${path}\n`;
}
