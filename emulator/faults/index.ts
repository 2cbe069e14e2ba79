import { readFileSync } from 'node:fs';
import type { Emulator } from '../core/emulator.js';
import { AwsError } from '../core/errors.js';
import type { FaultStatus } from './injector.js';
import { FaultConfigError, type KnownServices } from './rules.js';

export { FaultInjector, type FaultDecision, type FaultStatus, type FaultRuleStatus } from './injector.js';
export { FAULT_KINDS, FaultConfigError, type FaultConfig, type FaultKind, type FaultRule } from './rules.js';

/** The services on this endpoint (signing names) and the operations of those that list them (not S3). */
export function knownServices(emulator: Emulator): KnownServices {
  return {
    names: [...emulator.services.map((s) => s.signingName), ...(emulator.rest ? [emulator.rest.signingName] : [])],
    operations: (name) => {
      const s = emulator.bySigningName(name);
      return s ? new Set(Object.keys(s.operations)) : undefined;
    },
  };
}

/** Validates and installs a fault configuration on a running emulator. Throws FaultConfigError. */
export function configureFaults(emulator: Emulator, input: unknown): FaultStatus {
  return emulator.faults.configure(input, knownServices(emulator));
}

/**
 * The admin API: PUT /_emulator/faults {seed, rules} replaces the rules (400 with the reason when they are
 * invalid), GET /_emulator/faults shows them with how often each matched and fired, DELETE removes them.
 */
export function registerFaults(emulator: Emulator): void {
  emulator.adminRoutes.set('PUT /_emulator/faults', (body) => {
    try {
      return configureFaults(emulator, body);
    } catch (e) {
      if (e instanceof FaultConfigError) throw new AwsError('ValidationError', e.message);
      throw e;
    }
  });
  emulator.adminRoutes.set('GET /_emulator/faults', () => emulator.faults.status());
  emulator.adminRoutes.set('DELETE /_emulator/faults', () => {
    emulator.faults.clear();
    return emulator.faults.status();
  });
}

/** Reads a `--faults FILE` (JSON, the shape PUT /_emulator/faults takes). Throws FaultConfigError naming the file. */
export function readFaultsFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new FaultConfigError(`cannot read the fault file ${path}: ${why}.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FaultConfigError(`the fault file ${path} is not valid JSON (${(e as Error).message}).`);
  }
}
