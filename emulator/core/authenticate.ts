import { authError, type WireProtocol } from '../auth/errors.js';
import { decodeAwsChunked, verifySigV4, type IncomingSigned, type VerifyOk } from '../auth/sigv4.js';
import type { Emulator } from './emulator.js';
import { ANONYMOUS, type Principal } from './principal.js';

export interface Authenticated {
  principal: Principal;
  /** Absent for S3's anonymous requests. */
  sigv4?: VerifyOk;
  /** The payload, de-framed when it was sent aws-chunked. */
  body: Buffer;
  trailers: Record<string, string>;
}

/**
 * request → auth: verifies SigV4 against the identity store and says who is calling. Only S3 accepts
 * an unsigned request (as the anonymous principal); every other service answers with its own
 * "missing authentication" error.
 */
export async function authenticate(
  emulator: Emulator,
  req: IncomingSigned & { body: Buffer },
  protocol: WireProtocol,
  service: string,
): Promise<Authenticated> {
  const signed = req.headers['authorization'] !== undefined || /(^|&)X-Amz-(Algorithm|Signature|Credential)=/i.test(req.rawQuery);
  if (!signed) {
    if (protocol === 'rest-xml') return { principal: ANONYMOUS, body: req.body, trailers: {} };
    throw authError(protocol, service, { ok: false, kind: 'missing', detail: 'no Authorization header or presigned query' });
  }
  const result = await verifySigV4(req, (id) => emulator.identity.lookupSecret(id));
  if (!result.ok) throw authError(protocol, service, result);

  let body = req.body;
  let trailers: Record<string, string> = {};
  if (result.payloadHash.startsWith('STREAMING-')) {
    const decoded = await decodeAwsChunked(req.body, result);
    if (!decoded.ok) throw authError(protocol, service, decoded);
    body = decoded.data;
    trailers = decoded.trailers;
  }
  return { principal: emulator.identity.principalFor(result.accessKeyId), sigv4: result, body, trailers };
}
