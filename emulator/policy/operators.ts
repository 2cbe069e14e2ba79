import { BlockList, isIP } from 'node:net';
import { arnRegExp, globRegExp, literal, tokenize } from './pattern.js';
import type { VariableResolver } from './pattern.js';

/**
 * The condition operators, each as "prepare a policy value, then test request values against it".
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *
 * A negated operator is written as the negation of its positive twin: with several policy values
 * that gives AWS's documented NOR ("If a single negated matching condition operator includes multiple
 * values for a context key, those values are evaluated using a logical NOR",
 * reference_policies_multi-value-conditions.html).
 */

/** Tests one request value; null when the policy value can never match (bad literal, unresolved variable). */
export type ValueTest = ((actual: string) => boolean) | null;

export interface OperatorSpec {
  /** Canonical name, e.g. 'StringNotLike'. */
  name: string;
  negated: boolean;
  /** Prepares the positive test (the negation, if any, is applied by the caller). */
  prepare(policyValue: string, resolve: VariableResolver | null): ValueTest;
}

// Variables are honoured only by string and ARN operators ("You can't use a policy variable with
// other operators, such as Numeric, Date, Boolean, Binary, IP Address, or Null operators").
const stringEquals = (v: string, r: VariableResolver | null): ValueTest => {
  const t = tokenize(v, r);
  if (!t) return null;
  const expected = literal(t);
  return (a) => a === expected;
};
const stringEqualsIgnoreCase = (v: string, r: VariableResolver | null): ValueTest => {
  const t = tokenize(v, r);
  if (!t) return null;
  const expected = literal(t).toLowerCase();
  return (a) => a.toLowerCase() === expected;
};
const stringLike = (v: string, r: VariableResolver | null): ValueTest => {
  const t = tokenize(v, r);
  if (!t) return null;
  const re = globRegExp(t, false);
  return (a) => re.test(a);
};
const arnLike = (v: string, r: VariableResolver | null): ValueTest => {
  const t = tokenize(v, r);
  if (!t) return null;
  const re = arnRegExp(t);
  return (a) => re.test(a);
};

/** Decimal integers and floats only: Number() alone would also accept '0x10', '' and 'Infinity'. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : undefined;
}
const numeric = (cmp: (a: number, b: number) => boolean) => (v: string): ValueTest => {
  const expected = parseNumber(v);
  if (expected === undefined) return null;
  return (a) => {
    const n = parseNumber(a);
    return n !== undefined && cmp(n, expected);
  };
};

/** Date operators accept ISO 8601 and epoch (UNIX seconds) on both sides. */
export function parseDate(s: string): number | undefined {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  // Date.parse alone would also take "March 1, 2026"; AWS takes ISO 8601 only.
  if (!/^\d{4}-\d{2}-\d{2}([Tt ]|$)/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
const date = (cmp: (a: number, b: number) => boolean) => (v: string): ValueTest => {
  const expected = parseDate(v);
  if (expected === undefined) return null;
  return (a) => {
    const ms = parseDate(a);
    return ms !== undefined && cmp(ms, expected);
  };
};

const bool = (v: string): ValueTest => {
  const expected = v.toLowerCase();
  if (expected !== 'true' && expected !== 'false') return null;
  return (a) => a.toLowerCase() === expected;
};

/** "compares the value of the specified key byte for byte against a base-64 encoded representation" */
const binary = (v: string): ValueTest => {
  const expected = Buffer.from(v, 'base64');
  return (a) => Buffer.from(a, 'base64').equals(expected);
};

/** CIDR (RFC 4632), IPv4 or IPv6; a bare address means a single host. */
export function parseCidr(v: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = v.trim().split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family };
}
const ipAddress = (v: string): ValueTest => {
  const cidr = parseCidr(v);
  if (!cidr) return null;
  const list = new BlockList();
  list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return (a) => {
    const version = isIP(a);
    return version !== 0 && list.check(a, version === 4 ? 'ipv4' : 'ipv6');
  };
};

const positive = (name: string, prepare: OperatorSpec['prepare']): OperatorSpec => ({ name, negated: false, prepare });
const negative = (name: string, prepare: OperatorSpec['prepare']): OperatorSpec => ({ name, negated: true, prepare });

const eq = (a: number, b: number): boolean => a === b;
const lt = (a: number, b: number): boolean => a < b;
const le = (a: number, b: number): boolean => a <= b;
const gt = (a: number, b: number): boolean => a > b;
const ge = (a: number, b: number): boolean => a >= b;

const SPECS: OperatorSpec[] = [
  positive('StringEquals', stringEquals),
  negative('StringNotEquals', stringEquals),
  positive('StringEqualsIgnoreCase', stringEqualsIgnoreCase),
  negative('StringNotEqualsIgnoreCase', stringEqualsIgnoreCase),
  positive('StringLike', stringLike),
  negative('StringNotLike', stringLike),
  // "ArnEquals, ArnLike: … each of the six colon-delimited components … can include wildcards":
  // AWS documents the two as the same test.
  positive('ArnEquals', arnLike),
  positive('ArnLike', arnLike),
  negative('ArnNotEquals', arnLike),
  negative('ArnNotLike', arnLike),
  positive('NumericEquals', numeric(eq)),
  negative('NumericNotEquals', numeric(eq)),
  positive('NumericLessThan', numeric(lt)),
  positive('NumericLessThanEquals', numeric(le)),
  positive('NumericGreaterThan', numeric(gt)),
  positive('NumericGreaterThanEquals', numeric(ge)),
  positive('DateEquals', date(eq)),
  negative('DateNotEquals', date(eq)),
  positive('DateLessThan', date(lt)),
  positive('DateLessThanEquals', date(le)),
  positive('DateGreaterThan', date(gt)),
  positive('DateGreaterThanEquals', date(ge)),
  positive('Bool', bool),
  positive('BinaryEquals', binary),
  positive('IpAddress', ipAddress),
  negative('NotIpAddress', ipAddress),
];

const BY_NAME = new Map(SPECS.map((s) => [s.name.toLowerCase(), s]));

export type SetOperator = 'ForAllValues' | 'ForAnyValue';

export interface ParsedOperator {
  /** As written in the policy. */
  raw: string;
  set?: SetOperator;
  /** Undefined for `Null`, which is a presence test rather than a comparison. */
  spec?: OperatorSpec;
  isNull: boolean;
  ifExists: boolean;
}

/**
 * `[ForAllValues:|ForAnyValue:]<Operator>[IfExists]`, or `Null`. Undefined when unknown.
 * Operator names are matched case-insensitively (AWS does not say either way; being lenient here
 * keeps evaluation from silently dropping a statement that IAM would have stored).
 */
export function parseOperator(raw: string): ParsedOperator | undefined {
  let rest = raw;
  let set: SetOperator | undefined;
  const prefix = /^(forallvalues|foranyvalue):/i.exec(rest);
  if (prefix) {
    set = prefix[1]!.toLowerCase() === 'forallvalues' ? 'ForAllValues' : 'ForAnyValue';
    rest = rest.slice(prefix[0].length);
  }
  if (rest.toLowerCase() === 'null') return { raw, set, isNull: true, ifExists: false };
  let ifExists = false;
  if (/ifexists$/i.test(rest)) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const spec = BY_NAME.get(rest.toLowerCase());
  return spec ? { raw, set, spec, isNull: false, ifExists } : undefined;
}

export const OPERATOR_NAMES: readonly string[] = [...SPECS.map((s) => s.name), 'Null'];
