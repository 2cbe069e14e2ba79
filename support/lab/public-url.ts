import { request } from 'undici';

/** What a browser gets for an object URL: the status and, for errors, S3's XML error fields. */
export interface PublicUrlAnswer {
  url: string;
  status: number;
  code?: string;
  message?: string;
  argumentName?: string;
  contentType?: string;
  bytes: number;
}

const tag = (xml: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m?.[1]?.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
};

/**
 * The lab's "public URL": an unsigned GET, exactly what a browser sends, so S3 sees the anonymous principal.
 * The body is read only as an error document; object bytes are counted, never kept.
 */
export async function openPublicUrl(url: string): Promise<PublicUrlAnswer> {
  const res = await request(url, { method: 'GET', headersTimeout: 30_000, bodyTimeout: 30_000 });
  const body = Buffer.from(await res.body.arrayBuffer());
  const contentType = String(res.headers['content-type'] ?? '');
  const answer: PublicUrlAnswer = { url, status: res.statusCode, contentType, bytes: body.length };
  if (res.statusCode >= 300) {
    const xml = body.toString('utf8');
    answer.code = tag(xml, 'Code');
    answer.message = tag(xml, 'Message');
    answer.argumentName = tag(xml, 'ArgumentName');
  }
  return answer;
}
