import { AwsError } from './errors.js';
import type { CallContext, RpcService } from './service.js';
import { jsonError, jsonResponse, parseJsonInput } from '../protocols/json.js';
import { parseQueryInput, queryError, queryResponse } from '../protocols/query.js';
import type { WireResponse } from '../protocols/wire.js';

const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Which operation a JSON or query request names, before it is authenticated. */
export function rpcOperationName(protocol: 'json' | 'query', jsonOperation: string, body: Buffer, rawQuery: string): string {
  if (protocol === 'json') return jsonOperation;
  return formFields(body, rawQuery).get('Action') ?? '';
}

export function formFields(body: Buffer, rawQuery: string): URLSearchParams {
  const fields = new URLSearchParams(rawQuery);
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) fields.append(k, v);
  return fields;
}

/** Unknown-operation errors as each protocol gives them. */
export function unknownOperation(protocol: 'json' | 'query', operation: string, version?: string): AwsError {
  if (protocol === 'json') return new AwsError('UnknownOperationException', '');
  return new AwsError('InvalidAction', `Could not find operation ${operation} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
}

/** Parses the input, runs the operation and writes the protocol's response (or error). */
export async function invokeRpc(service: RpcService, operation: string, body: Buffer, rawQuery: string, ctx: CallContext): Promise<WireResponse> {
  try {
    const fn = Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined;
    if (service.protocol === 'json') {
      if (!fn) throw unknownOperation('json', operation);
      return jsonResponse(await fn(parseJsonInput(body), ctx), ctx.requestId);
    }
    const input = parseQueryInput(formFields(body, rawQuery));
    if (!fn) throw unknownOperation('query', input.action, input.version);
    return queryResponse(operation, await fn(input.params, ctx), ctx.requestId, service.xmlns ?? STS_XMLNS);
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    return rpcError(service.protocol, e, ctx.requestId, service.xmlns);
  }
}

export function rpcError(protocol: 'json' | 'query', err: AwsError, requestId: string, xmlns = STS_XMLNS): WireResponse {
  return protocol === 'json' ? jsonError(err, requestId) : queryError(err, requestId, xmlns);
}
