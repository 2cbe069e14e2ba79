import type { HttpRequest } from '@smithy/types';

/**
 * Captures the request an AWS SDK v3 client would send — every header, the SigV4 Authorization — as raw
 * HTTP/1.1 bytes, without sending it. Replaying those bytes is a validly signed request until the signature's
 * date falls out of the server's window (15 minutes on AWS and in the emulator).
 */
export interface RawRequest {
  method: string;
  /** Path and query as sent on the request line. */
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The whole request: request line, headers, body. */
  bytes: Buffer;
}

class Captured extends Error {
  constructor(readonly request: HttpRequest) {
    super('captured');
  }
}

/** A requestHandler for SDK clients: records the signed request and stops the call there. */
export const capturingHandler = {
  metadata: { handlerProtocol: 'http/1.1' },
  async handle(request: HttpRequest): Promise<never> {
    throw new Captured(request);
  },
  updateHttpClientConfig(): void {},
  httpHandlerConfigs(): Record<string, never> {
    return {};
  },
  destroy(): void {},
};

const escape = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function queryString(query: HttpRequest['query']): string {
  const parts: string[] = [];
  for (const k of Object.keys(query ?? {}).sort()) {
    const v = query?.[k];
    if (v === null || v === undefined) parts.push(escape(k));
    else if (Array.isArray(v)) for (const x of v) parts.push(`${escape(k)}=${escape(x)}`);
    else parts.push(`${escape(k)}=${escape(v)}`);
  }
  return parts.join('&');
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
    return Buffer.concat(chunks);
  }
  throw new Error(`cannot capture a request body of type ${typeof body}`);
}

/** Runs `send` (an SDK call on a client built with capturingHandler) and returns the signed request it produced. */
export async function capture(send: () => Promise<unknown>): Promise<RawRequest> {
  let request: HttpRequest;
  try {
    await send();
    throw new Error('the SDK call completed without reaching the capturing handler');
  } catch (e) {
    if (!(e instanceof Captured)) throw e;
    request = e.request;
  }
  const body = await bodyBytes(request.body);
  const qs = queryString(request.query);
  const target = `${request.path}${qs ? `?${qs}` : ''}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = String(v);
  if (headers['content-length'] === undefined && body.length > 0) headers['content-length'] = String(body.length);
  if (headers['transfer-encoding']) throw new Error('captured request is chunked; give the SDK a Buffer body');
  const head = [`${request.method} ${target} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  return { method: request.method, target, headers, body, bytes: Buffer.concat([Buffer.from(head, 'latin1'), body]) };
}
