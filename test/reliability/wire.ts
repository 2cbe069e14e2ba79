import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { NodeSha256 } from '../../emulator/auth/crypto.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { ROOT, type Creds } from '../helpers/emulator.js';

/**
 * Raw HTTP for the reliability tests: requests signed exactly as sent (any body, any path), sent with
 * node:http or as bytes on a node:net socket, each with a deadline; and the shape checks of what came back.
 */

export type Protocol = 'json' | 'query' | 'rest-xml';

export interface RawRequest {
  method: string;
  /** Already %-encoded path. */
  path: string;
  /** Raw query string without '?'. */
  query?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What a request ended in: an answer, a closed connection without one, or the deadline. */
export type Outcome = { kind: 'answer'; response: RawResponse } | { kind: 'closed'; error: string } | { kind: 'timeout' };

export const DEADLINE_MS = 5_000;

const SIGNING_NAMES: Record<string, string> = { json: 'kms', query: 'sts', 'rest-xml': 's3' };

/** Signs a request with SigV4 as the SDKs do (header auth), for `service` ('kms', 'cloudtrail', 'sts', 'iam', 's3'). */
export async function sign(r: RunningEmulator, service: string, req: RawRequest, creds: Creds = ROOT, date?: Date): Promise<RawRequest> {
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(req.query ?? '')) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers: Record<string, string> = { host: new URL(r.url).host, ...(req.headers ?? {}) };
  if (service === 's3') headers['x-amz-content-sha256'] ??= createHash('sha256').update(body).digest('hex');
  const signed = await signer.sign({ method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: req.path, query, headers, body },
    { signingDate: date ?? new Date() });
  return { ...req, headers: signed.headers as Record<string, string>, body };
}

/** Sends a request with node:http (which still refuses what it can't put on the wire, e.g. a raw space in the path). */
export function send(r: RunningEmulator, req: RawRequest, deadline = DEADLINE_MS): Promise<Outcome> {
  const url = new URL(r.url);
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers = { ...(req.headers ?? {}) };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length);
    const cr = httpRequest({ host: url.hostname, port: url.port, method: req.method, path: req.path + (req.query ? `?${req.query}` : ''), headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ kind: 'answer', response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } }));
        res.on('error', (e) => finish({ kind: 'closed', error: e.message }));
      });
    const timer = setTimeout(() => {
      cr.destroy();
      finish({ kind: 'timeout' });
    }, deadline);
    cr.on('error', (e) => finish({ kind: 'closed', error: (e as NodeJS.ErrnoException).code ?? e.message }));
    cr.end(body);
  });
}

/**
 * Writes raw bytes on a fresh TCP connection, half-closes it (the client has said everything), and reads
 * until the server closes or the deadline. Returns the first HTTP response in what came back.
 */
export function sendRaw(r: RunningEmulator, bytes: Buffer, opts: { halfClose?: boolean; deadline?: number } = {}): Promise<Outcome> {
  const url = new URL(r.url);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const parsed = parseHttpResponse(all);
      resolve(parsed ? { kind: 'answer', response: parsed } : { kind: 'closed', error: all.length ? `unparsable answer: ${all.subarray(0, 80).toString('latin1')}` : 'closed without an answer' });
    };
    const timer = setTimeout(() => {
      if (chunks.length) return finish();
      done = true;
      socket.destroy();
      resolve({ kind: 'timeout' });
    }, opts.deadline ?? DEADLINE_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.write(bytes, () => {
      if (opts.halfClose ?? true) socket.end();
    });
  });
}

function parseHttpResponse(all: Buffer): RawResponse | undefined {
  const sep = all.indexOf('\r\n\r\n');
  if (sep < 0) return undefined;
  const head = all.subarray(0, sep).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = all.subarray(sep + 4);
  if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(m[1]), headers, body };
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, removeNSPrefix: true });

/**
 * The AWS error a response carries, read the way the SDKs read it for each protocol; undefined when the
 * answer is not AWS-shaped. JSON: x-amzn-ErrorType or `__type`, with a message. Query: <ErrorResponse><Error>
 * with Type, Code and Message. S3: <Error> with Code and Message (HEAD answers carry no body).
 */
export function awsError(protocol: Protocol, res: RawResponse, method = 'GET'): { code: string; message: string } | undefined {
  const text = res.body.toString('utf8');
  if (protocol === 'json') {
    const type = res.headers['x-amzn-errortype'];
    try {
      const j = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
      const code = (typeof type === 'string' ? type : j.__type)?.split(':')[0].split('#').pop();
      const message = j.message ?? j.Message;
      return code && typeof message === 'string' ? { code, message } : undefined;
    } catch {
      return undefined;
    }
  }
  // S3 answers HEAD without a body: its request id headers and the status are all there is.
  if (protocol === 'rest-xml' && method === 'HEAD' && res.body.length === 0) {
    if (typeof res.headers['x-amz-request-id'] !== 'string' || typeof res.headers['x-amz-id-2'] !== 'string') return undefined;
    return { code: res.status === 501 ? 'NotImplemented' : String(res.status), message: '' };
  }
  let doc: Record<string, any>;
  try {
    doc = xml.parse(text, true) as Record<string, any>;
  } catch {
    return undefined;
  }
  const e = protocol === 'query' ? doc.ErrorResponse?.Error : doc.Error;
  if (!e || typeof e.Code !== 'string' || typeof e.Message !== 'string') return undefined;
  if (protocol === 'query' && e.Type !== 'Sender' && e.Type !== 'Receiver') return undefined;
  return { code: e.Code, message: e.Message };
}

export { SIGNING_NAMES };
