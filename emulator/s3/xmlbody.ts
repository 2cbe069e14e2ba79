import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { malformedXml } from './errors.js';

/**
 * S3 request bodies (CreateBucketConfiguration, Tagging, Delete, CompleteMultipartUpload …). Parsed
 * here rather than with protocols/xml.ts's parser so that repeated elements can be read as lists and
 * that a body which is not XML is refused with S3's MalformedXML instead of being half-read.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  processEntities: true,
});

export type XmlNode = Record<string, unknown>;

export function parseXmlBody(body: Buffer): XmlNode | undefined {
  const text = body.toString('utf8').trim();
  if (text === '') return undefined;
  if (XMLValidator.validate(text) !== true) throw malformedXml();
  let parsed: XmlNode;
  try {
    parsed = parser.parse(text) as XmlNode;
  } catch {
    // Well-formed but refused by the parser's safety limits (nesting deeper than 100, DOCTYPE entities,
    // an element named __proto__): no S3 request body looks like that.
    throw malformedXml();
  }
  delete parsed['?xml'];
  return parsed;
}

/** An element that may occur once or many times, as a list. */
export const many = (v: unknown): unknown[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** A child element's text ('' for an empty element, undefined when absent). */
export function text(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XmlNode)[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && '#text' in (v as XmlNode)) return String((v as XmlNode)['#text']);
  if (typeof v === 'object') return '';
  return String(v);
}

export function child(node: unknown, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XmlNode)[name];
  if (v === '' ) return {};
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as XmlNode) : undefined;
}

/** The body as CloudTrail writes it in requestParameters (attributes as plain keys, e.g. "xmlns"). */
export function forAudit(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAudit);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as XmlNode)) out[k.startsWith('@_') ? k.slice(2) : k] = forAudit(v);
  return out;
}
