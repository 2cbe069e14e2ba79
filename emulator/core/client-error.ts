import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { jsonError } from '../protocols/json.js';
import { queryError } from '../protocols/query.js';
import { restXmlError } from '../protocols/restxml.js';
import type { WireResponse } from '../protocols/wire.js';
import type { Emulator } from './emulator.js';
import { AwsError } from './errors.js';
import { requestId as newRequestId } from './ids.js';
import { route } from './route.js';

/**
 * Requests that Node's HTTP parser refuses before the pipeline sees them — a header section over the
 * limit, a body shorter than its Content-Length, broken chunked framing, an unknown method, a request
 * that never finished arriving — are answered in the protocol of the service they were meant for (found
 * by the same routing as any request, from the bytes received), never with Node's bare "400 Bad Request".
 *
 * S3's codes are its own (S3 API reference, Error responses; botocore s3 Error.Code list):
 * RequestHeaderSectionTooLarge "Your request header section exceeds the maximum allowed size." (400, with
 * MaxSizeAllowed — AWS allows 8192 bytes, the emulator Node's limit), IncompleteBody "You did not provide the
 * number of bytes specified by the Content-Length HTTP header" (400), RequestTimeout "Your socket connection
 * to the server was not read from or written to within the timeout period. Idle connections will be
 * closed." (400). The JSON and query services answer the common error MalformedHttpRequestException
 * ("Problems with the request at the HTTP level", 400 — Common Errors of the AWS API references); the
 * messages after that prefix, and S3's InvalidRequest for an unparsable request, are the emulator's wording.
 */
export function answerClientError(emulator: Emulator, err: Error & { code?: string; reason?: string; rawPacket?: Buffer },
  socket: Duplex, inflight: IncomingMessage | undefined, maxHeaderSize: number): void {
  if (err.code === 'ECONNRESET' || !socket.writable || socket.writableEnded) {
    socket.destroy();
    return;
  }
  const head = err.rawPacket ? parseHead(err.rawPacket) : undefined;
  const method = head?.method ?? inflight?.method ?? 'GET';
  const url = head?.url ?? inflight?.url ?? '/';
  const headers = head?.headers ?? inflight?.headers ?? {};
  const q = url.indexOf('?');
  let kind: string;
  let xmlns: string | undefined;
  try {
    const r = route(emulator, method, q < 0 ? url : url.slice(0, q), q < 0 ? '' : url.slice(q + 1), headers);
    kind = r.kind;
    xmlns = r.kind === 'query' ? r.service?.xmlns : undefined;
  } catch {
    kind = 's3';
  }
  const protocol = kind === 'json' ? 'json' : kind === 'query' ? 'query' : 'rest-xml';
  const id = newRequestId();
  const e = httpLevelError(err, protocol, maxHeaderSize);
  const response: WireResponse = protocol === 'json' ? jsonError(e, id)
    : protocol === 'query' ? queryError(e, id, xmlns ?? 'https://sts.amazonaws.com/doc/2011-06-15/')
      : emulator.rest ? emulator.rest.error(e, id, method) : restXmlError(e, id, id, method);
  const body = Buffer.from(response.body);
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`];
  for (const [k, v] of Object.entries(response.headers)) lines.push(`${k}: ${v}`);
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]), () => socket.destroy());
}

function httpLevelError(err: Error & { code?: string; reason?: string }, protocol: 'json' | 'query' | 'rest-xml', maxHeaderSize: number): AwsError {
  const s3 = protocol === 'rest-xml';
  const other = (detail: string) => new AwsError('MalformedHttpRequestException', `There are problems with the request at the HTTP level: ${detail}`, 400);
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return s3 ? new AwsError('RequestHeaderSectionTooLarge', 'Your request header section exceeds the maximum allowed size.', 400, { MaxSizeAllowed: String(maxHeaderSize) })
        : other(`the header section exceeds ${maxHeaderSize} bytes.`);
    case 'HPE_INVALID_EOF_STATE':
      return s3 ? new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header', 400)
        : other('the body is shorter than its Content-Length.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return s3 ? new AwsError('RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.', 400)
        : other('the request did not arrive in time.');
    default: {
      const reason = (err.reason ?? err.message).replace(/^Parse Error:?\s*/, '') || 'malformed request';
      return s3 ? new AwsError('InvalidRequest', `The request could not be parsed as HTTP/1.1: ${reason}.`, 400) : other(`${reason}.`);
    }
  }
}

/** Request line and headers of what arrived, as far as they go; enough to route. */
function parseHead(packet: Buffer): { method: string; url: string; headers: Record<string, string> } | undefined {
  const text = packet.subarray(0, 64 * 1024).toString('latin1');
  const lines = text.split('\r\n');
  const m = /^([A-Za-z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { method: m[1].toUpperCase(), url: m[2], headers };
}
