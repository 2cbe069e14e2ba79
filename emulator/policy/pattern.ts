/**
 * Policy strings → matchers: wildcards (`*`, `?`) and policy variables (`${aws:username}`,
 * `${aws:PrincipalTag/team, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`).
 *
 * Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * - Only recognised when the policy's Version is 2012-10-17; otherwise `${…}` is literal text.
 * - A variable whose key has no (single) value makes the whole string match nothing
 *   ("the resource that includes a policy variable with no value will not match any resource"),
 *   unless it carries a default value.
 * - Substituted text is literal: a `*` inside a user name is not a wildcard.
 */

export type Token = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' };

/** Returns the single value of a condition key, or undefined when absent or multi-valued. */
export type VariableResolver = (key: string) => string | undefined;

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * Splits a policy string into literal text and wildcards, substituting variables when `resolve`
 * is given. Returns null when a variable cannot be resolved (the string then matches nothing).
 */
export function tokenize(pattern: string, resolve: VariableResolver | null): Token[] | null {
  const tokens: Token[] = [];
  let text = '';
  const flush = (): void => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '$' && resolve && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i + 2);
      if (end !== -1) {
        const value = variableValue(pattern.slice(i + 2, end), resolve);
        if (value === undefined) return null;
        text += value;
        i = end;
        continue;
      }
    }
    if (c === '*' || c === '?') {
      flush();
      tokens.push({ kind: c === '*' ? 'any' : 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return tokens;
}

function variableValue(body: string, resolve: VariableResolver): string | undefined {
  const trimmed = body.trim();
  if (trimmed in ESCAPES) return ESCAPES[trimmed];
  // `${key, 'default'}` — a doubled quote inside the default stands for one quote.
  const m = /^([^,\s]+)\s*,\s*'((?:[^']|'')*)'$/.exec(trimmed);
  const key = m ? m[1]! : trimmed;
  const value = resolve(key);
  if (value !== undefined) return value;
  return m ? m[2]!.replace(/''/g, "'") : undefined;
}

/** Wildcards read back as plain characters: for operators without wildcard support (StringEquals). */
export function literal(tokens: Token[]): string {
  return tokens.map((t) => (t.kind === 'text' ? t.text : t.kind === 'any' ? '*' : '?')).join('');
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Glob over the whole string: `*` spans anything (actions, StringLike). */
export function globRegExp(tokens: Token[], ignoreCase: boolean): RegExp {
  const src = tokens.map((t) => (t.kind === 'text' ? escapeRegExp(t.text) : t.kind === 'any' ? '.*' : '.')).join('');
  return new RegExp(`^${src}$`, ignoreCase ? 'is' : 's');
}

/**
 * ARN glob: "each of the six colon-delimited components of the ARN is checked separately"
 * (Condition operators, ARN section), so a wildcard in partition/service/region/account cannot
 * cross a colon, while one in the resource part (after the fifth colon) spans `/` and `:`.
 * A pattern with fewer than five colons (`*`, `arn:aws:kms:*`) lets its last component absorb the
 * rest of the ARN. (AWS does not document short patterns; this is the lenient reading.)
 */
export function arnRegExp(tokens: Token[]): RegExp {
  const colons = tokens.reduce((n, t) => n + (t.kind === 'text' ? t.text.split(':').length - 1 : 0), 0);
  const boundary = Math.min(5, colons);
  let seen = 0;
  let src = '';
  for (const t of tokens) {
    if (t.kind === 'text') {
      src += escapeRegExp(t.text);
      seen += t.text.split(':').length - 1;
    } else {
      const spans = seen >= boundary;
      src += t.kind === 'any' ? (spans ? '.*' : '[^:]*') : spans ? '.' : '[^:]';
    }
  }
  return new RegExp(`^${src}$`, 's');
}

// Most patterns (actions, `Resource: "*"`, key ARNs) repeat on every request; only the ones without
// variables are safe to cache, since a variable's value depends on the request.
const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 2000;

function cached(key: string, build: () => RegExp): RegExp {
  let re = cache.get(key);
  if (!re) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    re = build();
    cache.set(key, re);
  }
  return re;
}

/** Action names are case-insensitive; `*` and `?` wildcards. */
export function matchesAction(pattern: string, action: string): boolean {
  return cached(`a\0${pattern}`, () => globRegExp(tokenize(pattern, null)!, true)).test(action);
}

/** Resource ARNs are case-sensitive; policy variables allowed. */
export function matchesArn(pattern: string, arn: string, resolve: VariableResolver | null): boolean {
  if (resolve && pattern.includes('${')) {
    const tokens = tokenize(pattern, resolve);
    return tokens !== null && arnRegExp(tokens).test(arn);
  }
  return cached(`r\0${pattern}`, () => arnRegExp(tokenize(pattern, null)!)).test(arn);
}
