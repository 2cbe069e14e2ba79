import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './authenticate.js';
import { handleAdmin } from './admin.js';
import { readBody } from './body.js';
import type { CallRecord } from './call-record.js';
import type { Emulator } from './emulator.js';
import { AwsError } from './errors.js';
import { requestId as newRequestId } from './ids.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { route } from './route.js';
import { formFields, invokeRpc, rpcError, rpcOperationName, unknownOperation } from './rpc.js';
import type { AuditNotes, CallContext, RpcService } from './service.js';
import { restXmlError } from '../protocols/restxml.js';
import type { WireResponse } from '../protocols/wire.js';

const QUERY_VERSIONS: Record<string, string> = { '2011-06-15': 'sts', '2010-05-08': 'iam' };

interface Outcome {
  response: WireResponse;
  /** Present when the request named a known operation: the recorder writes a CloudTrail record for it. */
  call?: { eventSource: string; eventName: string; ctx: CallContext; authMethod?: 'AuthHeader' | 'QueryString'; readOnly?: boolean };
  /** An injected dropped connection: the socket is closed without an answer, and nothing is recorded. */
  drop?: true;
}

const DROPPED: Outcome = { response: { status: 0, headers: {}, body: '' }, drop: true };

/**
 * request → auth → service → response → audit. One function per stage so that each stays readable;
 * nothing here knows any operation's semantics.
 */
export async function handleRequest(emulator: Emulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  const started = emulator.clock();
  let bytesIn = 0;

  let outcome: Outcome;
  try {
    const r = route(emulator, method, path, rawQuery, req.headers);
    if (r.kind === 'admin') {
      const body = await readBody(req, emulator.config.maxRpcBodyBytes, () => new AwsError('RequestEntityTooLarge', 'Request body too large', 413));
      outcome = { response: await handleAdmin(emulator, req, path, body) };
    } else if (r.kind === 's3') {
      outcome = await handleRest(emulator, req, method, path, rawQuery, requestId, started, (n) => (bytesIn = n));
    } else {
      outcome = await handleRpc(emulator, req, r, rawQuery, requestId, started, (n) => (bytesIn = n));
    }
  } catch (e) {
    outcome = { response: internalFailure(e, requestId) };
  }

  if (outcome.drop) {
    res.destroy();
    return;
  }
  write(req, res, outcome.response);
  if (outcome.call) {
    const { call } = outcome;
    res.once('finish', () => emulator.calls.emit('call', callRecord(call, outcome.response, started, bytesIn)));
  }
}

type RpcRoute = { kind: 'json' | 'query'; service?: RpcService; operation?: string; signingName?: string };

async function handleRpc(emulator: Emulator, req: IncomingMessage, r: RpcRoute, rawQuery: string, requestId: string, now: Date,
  setBytesIn: (n: number) => void): Promise<Outcome> {
  const protocol = r.kind;
  const tooLarge = () => new AwsError(protocol === 'json' ? 'SerializationException' : 'RequestEntityTooLarge',
    `Request body exceeds the emulator's limit of ${emulator.config.maxRpcBodyBytes} bytes.`, 413);
  let body: Buffer;
  try {
    body = await readBody(req, emulator.config.maxRpcBodyBytes, tooLarge);
  } catch (e) {
    if (e instanceof AwsError) return { response: rpcError(protocol, e, requestId, r.service?.xmlns) };
    throw e;
  }
  setBytesIn(body.length);
  let service = r.service;
  const version = protocol === 'query' ? formFields(body, rawQuery).get('Version') ?? undefined : undefined;
  if (!service && version) service = emulator.byApiVersion(version) ?? (QUERY_VERSIONS[version] ? emulator.bySigningName(QUERY_VERSIONS[version]) : undefined);
  const operation = rpcOperationName(protocol, r.operation ?? '', body, rawQuery);
  if (!service) return { response: rpcError(protocol, unknownOperation(protocol, operation, version), requestId) };

  let principal: Principal;
  let authMethod: 'AuthHeader' | 'QueryString' | undefined;
  try {
    const auth = await authenticate(emulator, { method: req.method ?? 'POST', path: (req.url ?? '/').split('?')[0], rawQuery, headers: req.headers, body },
      protocol, service.signingName);
    principal = auth.principal;
    authMethod = auth.sigv4?.mode === 'query' ? 'QueryString' : 'AuthHeader';
    body = auth.body;
  } catch (e) {
    if (e instanceof AwsError) return { response: rpcError(protocol, e, requestId, service.xmlns) };
    throw e;
  }
  const ctx = context(emulator, req, requestId, principal, regionOf(req, rawQuery, emulator), now);
  // Injected faults stand in for the service's answer and are recorded like any failed call.
  const fault = await emulator.faults.inject(service.signingName, protocol, operation);
  if (fault === 'drop') return DROPPED;
  const response = fault ? rpcError(protocol, fault, requestId, service.xmlns) : await invokeRpc(service, operation, body, rawQuery, ctx);
  return {
    response,
    call: { eventSource: service.eventSource, eventName: operation, ctx, authMethod, readOnly: service.readOnly?.has(operation) },
  };
}

async function handleRest(emulator: Emulator, req: IncomingMessage, method: string, path: string, rawQuery: string, requestId: string,
  now: Date, setBytesIn: (n: number) => void): Promise<Outcome> {
  const s3 = emulator.rest;
  if (!s3) return { response: restXmlError(new AwsError('NotImplemented', 'S3 is not available in this emulator build.', 501), requestId, requestId, method) };
  const hostId = requestId;
  let body: Buffer;
  try {
    body = await readBody(req, emulator.config.maxS3BodyBytes, () =>
      new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, { MaxSizeAllowed: String(emulator.config.maxS3BodyBytes) }));
  } catch (e) {
    if (e instanceof AwsError) return { response: s3.error(e, requestId, method) };
    throw e;
  }
  setBytesIn(body.length);
  const query = new URLSearchParams(rawQuery);
  const eventName = s3.operationOf({ method, path, rawQuery, query, headers: req.headers });
  let principal: Principal = ANONYMOUS;
  let authMethod: 'AuthHeader' | 'QueryString' | undefined;
  let trailers: Record<string, string> = {};
  const region = regionOf(req, rawQuery, emulator);
  try {
    const auth = await authenticate(emulator, { method, path, rawQuery, headers: req.headers, body }, 'rest-xml', 's3');
    principal = auth.principal;
    authMethod = auth.sigv4 ? (auth.sigv4.mode === 'query' ? 'QueryString' : 'AuthHeader') : undefined;
    body = auth.body;
    trailers = auth.trailers;
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    const ctx = context(emulator, req, requestId, principal, region, now);
    return { response: s3.error(e, hostId, method), call: { eventSource: s3.eventSource, eventName, ctx, authMethod } };
  }
  const ctx = context(emulator, req, requestId, principal, region, now);
  const fault = await emulator.faults.inject(s3.signingName, 'rest-xml', eventName);
  if (fault === 'drop') return DROPPED;
  if (fault) return { response: s3.error(fault, hostId, method), call: { eventSource: s3.eventSource, eventName, ctx, authMethod } };
  const response = await s3.handle({ method, path, rawQuery, query, headers: req.headers, body, trailers, authMethod }, ctx);
  return { response, call: { eventSource: s3.eventSource, eventName, ctx, authMethod } };
}

function regionOf(req: IncomingMessage, rawQuery: string, emulator: Emulator): string {
  const auth = String(req.headers['authorization'] ?? '');
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth) ?? /X-Amz-Credential=[^&]*?%2F\d{8}%2F([^%&]+)%2F/i.exec(rawQuery);
  return m ? m[1] : emulator.config.region;
}

function context(emulator: Emulator, req: IncomingMessage, requestId: string, principal: Principal, region: string, now: Date): CallContext {
  const audit: AuditNotes = {};
  return {
    requestId,
    principal,
    region,
    sourceIp: normaliseIp(req.socket.remoteAddress),
    userAgent: String(req.headers['user-agent'] ?? ''),
    now,
    emulator,
    headers: req.headers,
    secureTransport: false,
    audit,
  };
}

const normaliseIp = (ip: string | undefined): string => (ip ?? '').replace(/^::ffff:/, '');

function callRecord(call: NonNullable<Outcome['call']>, response: WireResponse, started: Date, bytesIn: number): CallRecord {
  const error = response.status >= 300 ? errorOf(response) : undefined;
  return {
    requestId: call.ctx.requestId,
    time: started,
    eventSource: call.eventSource,
    eventName: call.eventName,
    region: call.ctx.region,
    principal: call.ctx.principal,
    sourceIp: call.ctx.sourceIp,
    userAgent: call.ctx.userAgent,
    status: response.status,
    error,
    authMethod: call.authMethod,
    signatureVersion: call.authMethod ? 'SigV4' : undefined,
    readOnly: call.ctx.audit.readOnly ?? call.readOnly,
    audit: call.ctx.audit,
    bytesIn,
    bytesOut: typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length,
  };
}

/** The error code and message, read back from what was written (the writer is the single source). */
function errorOf(response: WireResponse): { code: string; message: string } | undefined {
  const text = response.body.toString();
  const type = response.headers['x-amzn-errortype'];
  if (type) {
    try {
      const j = JSON.parse(text) as { message?: string; Message?: string };
      return { code: type, message: j.message ?? j.Message ?? '' };
    } catch { return { code: type, message: '' }; }
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '';
  return code ? { code, message } : { code: String(response.status), message: '' };
}

function internalFailure(e: unknown, requestId: string): WireResponse {
  // Unexpected: a bug in the emulator. Say so on stderr (without request contents, which may hold secrets).
  process.stderr.write(`kms-lab emulator: internal error on request ${requestId}: ${e instanceof Error ? e.stack : String(e)}\n`);
  return { status: 500, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' },
    body: JSON.stringify({ __type: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure.' }) };
}

function write(req: IncomingMessage, res: ServerResponse, r: WireResponse): void {
  if (res.headersSent) return;
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  // A refused body was not read to its end: the connection cannot carry another request.
  const close = req.complete ? {} : { connection: 'close' };
  // A HEAD answer announces the length of what GET would send (a writer sets content-length) and sends nothing.
  const length = r.headers['content-length'] ?? String(body.length);
  res.writeHead(r.status, { ...r.headers, ...close, 'content-length': length });
  res.end(req.method === 'HEAD' ? undefined : body);
}
