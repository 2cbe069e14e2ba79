import type { RequestContext } from './context.js';
import { parseOperator } from './operators.js';
import type { ParsedOperator, ValueTest } from './operators.js';
import type { VariableResolver } from './pattern.js';

/**
 * The Condition element: every operator AND every key within it must hold; the values listed for
 * one key are OR-ed (NOR for negated operators, see operators.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 *
 * A malformed block (unknown operator, non-object value) makes the statement not apply: IAM would have
 * refused to store such a policy, and validate.ts reports it.
 */
export function conditionsHold(block: unknown, ctx: RequestContext, resolve: VariableResolver | null): boolean {
  if (block === undefined) return true;
  if (!isObject(block)) return false;
  for (const [rawOperator, keys] of Object.entries(block)) {
    const op = parseOperator(rawOperator);
    if (!op || !isObject(keys)) return false;
    for (const [key, value] of Object.entries(keys)) {
      if (!keyHolds(op, key, policyValues(value), ctx, resolve)) return false;
    }
  }
  return true;
}

function keyHolds(op: ParsedOperator, key: string, expected: Array<string | undefined>, ctx: RequestContext, resolve: VariableResolver | null): boolean {
  const actual = ctx.values(key);

  if (op.isNull) {
    // "Null": true → the key is absent; false → the key is present (and not null).
    const absent = actual === undefined;
    return expected.some((v) => v !== undefined && (v.toLowerCase() === 'true' ? absent : v.toLowerCase() === 'false' ? !absent : false));
  }

  if (actual === undefined) {
    // "If the key … is not present in the request context, the values do not match and the condition
    // is false. If the policy condition requires that the key is not matched, such as StringNotLike …,
    // the condition is true" — except IfExists (true when absent) and the set operators:
    // ForAllValues is true for an empty set, ForAnyValue false.
    if (op.ifExists) return true;
    if (op.set === 'ForAllValues') return true;
    if (op.set === 'ForAnyValue') return false;
    return op.spec!.negated;
  }

  const spec = op.spec!;
  const tests: ValueTest[] = expected.map((v) => (v === undefined ? null : spec.prepare(v, resolve)));
  const matchesAny = (a: string): boolean => tests.some((t) => t !== null && t(a));
  const holdsFor = (a: string): boolean => (spec.negated ? !matchesAny(a) : matchesAny(a));

  if (op.set === 'ForAllValues') return actual.every(holdsFor);
  if (op.set === 'ForAnyValue') return actual.some(holdsFor);
  // No set operator on a multi-valued key: AWS advises against it and does not document the result.
  // We read a positive operator as "some value matches" and a negated one as "no value matches",
  // which is what each means for a single value.
  return spec.negated ? !actual.some(matchesAny) : actual.some(matchesAny);
}

/** Policy values as strings; undefined for a value that is not a scalar (it can never match). */
function policyValues(value: unknown): Array<string | undefined> {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
