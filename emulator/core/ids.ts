import { randomBytes, randomUUID } from 'node:crypto';

// IAM unique-id prefixes: docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomChars(n: number, alphabet = ID_ALPHABET): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

export type IdPrefix = 'AIDA' | 'AROA' | 'AKIA' | 'ASIA' | 'ANPA' | 'AGPA';

/** AIDA…/AROA…/ANPA… ids are 21 characters; access key ids (AKIA/ASIA) are 20. */
export function uniqueId(prefix: IdPrefix): string {
  return prefix + randomChars(prefix === 'AKIA' || prefix === 'ASIA' ? 16 : 17);
}

export function secretAccessKey(): string {
  return randomBytes(30).toString('base64').replace(/[+=]/g, 'A').slice(0, 40);
}

export function sessionToken(): string {
  return 'IQoJb3JpZ2luX2VjE' + randomBytes(180).toString('base64');
}

export const requestId = (): string => randomUUID();

/** 12-digit account ids, never starting with 0 so they don't collide with the bootstrap account. */
export function accountId(): string {
  return String(100000000000 + Math.floor(Math.random() * 899999999999));
}
