import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/**
 * Plain JS values → AWS-style XML. Conventions shared by the query and REST-XML writers:
 * Dates become ISO-8601, booleans 'true'/'false', and an array under key K is written
 * as repeated <member> children (query protocol) or repeated <K> elements (REST-XML, `flatLists`).
 */
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  format: false,
  processEntities: true,
});

export type XmlValue = string | number | boolean | Date | null | undefined | XmlValue[] | { [k: string]: XmlValue };

function normalise(value: XmlValue, flatLists: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => normalise(v, flatLists));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && !flatLists && !k.startsWith('@_')) out[k] = { member: v.map((x) => normalise(x, flatLists)) };
    else out[k] = normalise(v, flatLists);
  }
  return out;
}

export function toXml(root: string, body: XmlValue, opts: { xmlns?: string; flatLists?: boolean; declaration?: boolean } = {}): string {
  const content = (normalise(body, opts.flatLists ?? false) ?? {}) as Record<string, unknown>;
  const node = typeof content === 'object' ? { ...(opts.xmlns ? { '@_xmlns': opts.xmlns } : {}), ...content } : content;
  const xml = builder.build({ [root]: node }) as string;
  return (opts.declaration === false ? '' : '<?xml version="1.0" encoding="UTF-8"?>\n') + xml;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
  processEntities: true,
});

/** Parses a request body; throws on malformed XML so callers can answer with MalformedXML. */
export function parseXml(text: string): Record<string, unknown> {
  return parser.parse(text, true) as Record<string, unknown>;
}
