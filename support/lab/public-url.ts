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
export async function openPublicUrl(url: string, maxAttempts = 10): Promise<PublicUrlAnswer> {
  // A browser request is not an SDK call, but it gets the SDK's rule: what S3 says is retryable (SlowDown, 500,
  // 503 — throttling and server errors) is tried again with backoff and jitter; every other answer is the answer.
  for (let attempt = 1; ; attempt++) {
    const answer = await openOnce(url);
    if (attempt >= maxAttempts || !isRetryableAnswer(answer)) return answer;
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(5_000, 100 * 2 ** attempt)));
  }
}

/** S3's retryable answers: throttling (503 SlowDown) and server errors (500 InternalError, 502, 503, 504). */
export function isRetryableAnswer(a: Pick<PublicUrlAnswer, 'status' | 'code'>): boolean {
  return a.code === 'SlowDown' || [500, 502, 503, 504].includes(a.status);
}

async function openOnce(url: string): Promise<PublicUrlAnswer> {
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
