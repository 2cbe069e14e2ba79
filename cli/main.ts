import { Command, CommanderError } from 'commander';
import { VERSION } from '../emulator/core/version.js';
import { checkCommand } from './check.command.js';
import { cleanupCommand } from './cleanup.command.js';
import { emulatorCommand } from './emulator.command.js';
import { reportCommand } from './report.command.js';
import { runCommand } from './run.command.js';
import { verifyCommand } from './verify.command.js';

export function program(): Command {
  const cmd = new Command('kms-lab')
    .description('Prove that AWS KMS, S3 SSE-KMS and CloudTrail behave as the security lab says.')
    .version(VERSION)
    .showHelpAfterError('(run `kms-lab --help` for usage)')
    .exitOverride();
  cmd.addCommand(emulatorCommand());
  cmd.addCommand(runCommand());
  cmd.addCommand(verifyCommand());
  cmd.addCommand(reportCommand());
  cmd.addCommand(checkCommand());
  cmd.addCommand(cleanupCommand());
  return cmd;
}

/** Returns the process exit code; never calls process.exit so that stdout is flushed. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    process.stderr.write(`kms-lab: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
