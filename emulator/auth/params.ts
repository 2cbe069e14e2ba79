/** Small readers for headers, query strings and SigV4 dates. */

export type Headers = Record<string, string | string[] | undefined>;
export type Query = Record<string, string | string[]>;

/** node joins most repeated headers itself; the rest arrive as arrays (AWS joins values with ','). */
export function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray '%' is signed as the client sent it
  }
};

/**
 * The query string as SigV4 sees it. Deliberately NOT form decoding: a literal '+' stays '+'
 * (SDKs always send a space as %20), so it canonicalises to %2B as the signer had it.
 */
export function parseQuery(raw: string): Query {
  const out: Query = {};
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function queryValue(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** yyyyMMddTHHmmssZ → Date, or undefined when it is not that format (or not a real date). */
export function parseAmzDate(s: string): Date | undefined {
  const m = AMZ_DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return toAmzDate(date) === s ? date : undefined;
}

/** Date → yyyyMMddTHHmmssZ (the form AWS quotes in "Signature expired: …"). */
export const toAmzDate = (d: Date): string => d.toISOString().replace(/[-:]|\.\d{3}/g, '');

/** Date → 2013-05-24T00:00:00Z (the form S3 uses for ServerTime / Expires). */
export const toIsoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
