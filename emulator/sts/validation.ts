import { AwsError } from '../core/errors.js';

/**
 * STS validates members the way AWS's Coral framework does and reports every failed constraint at
 * once: "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy
 * constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*" (localstack
 * tests/aws/services/sts/test_sts.snapshot.json, test_sts_invalid_parameters, recorded against AWS);
 * several are joined with "; " under "N validation errors detected".
 */
export class Constraints {
  private readonly failures: string[] = [];

  private fail(field: string, value: unknown, constraint: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
    this.failures.push(`Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
  }

  required(field: string, value: unknown): this {
    if (value === undefined || value === '') this.fail(field, undefined, 'Member must not be null');
    return this;
  }

  length(field: string, value: string | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    if (value.length < min) this.fail(field, value, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) this.fail(field, value, `Member must have length less than or equal to ${max}`);
    return this;
  }

  pattern(field: string, value: string | undefined, re: RegExp, shown: string): this {
    if (value !== undefined && !re.test(value)) this.fail(field, value, `Member must satisfy regular expression pattern: ${shown}`);
    return this;
  }

  range(field: string, value: number | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min) this.fail(field, value, `Member must have value greater than or equal to ${min}`);
    if (value > max) this.fail(field, value, `Member must have value less than or equal to ${max}`);
    return this;
  }

  check(): void {
    const n = this.failures.length;
    if (n === 0) return;
    throw new AwsError('ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${this.failures.join('; ')}`, 400);
  }
}

/** An optional integer member; a non-number fails as AWS's deserializer would. */
export function optionalInteger(params: Record<string, unknown>, name: string, field: string): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new AwsError('ValidationError', `1 validation error detected: Value '${String(raw)}' at '${field}' failed to satisfy constraint: Member must be an integer`, 400);
  return n;
}

export const optionalString = (params: Record<string, unknown>, name: string): string | undefined =>
  params[name] === undefined ? undefined : String(params[name]);
