import { InvalidArgumentError } from 'commander';

// Option parsers shared by the subcommands: each refuses bad input with a message saying what is expected.

export function region(value: string): string {
  if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(value)) throw new InvalidArgumentError('must be an AWS region name such as us-east-1.');
  return value;
}

export function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be a 12-digit AWS account id.');
  return value;
}

export function url(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return value.replace(/\/+$/, '');
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL such as http://127.0.0.1:4566.');
  }
}

/** A parser for a whole number in [min, max]; `what` names it in the refusal, e.g. 'a port number'. */
export function wholeNumber(min: number, max: number, what = 'a whole number', note = ''): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be ${what} ${min}-${max}${note}.`);
    return n;
  };
}
