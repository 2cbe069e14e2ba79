import { readCredentialScope } from '../auth/sigv4.js';
import type { Emulator } from './emulator.js';
import type { RpcService } from './service.js';

type Headers = Record<string, string | string[] | undefined>;

export type Route =
  | { kind: 'admin' }
  | { kind: 'json'; service?: RpcService; prefix: string; operation: string }
  | { kind: 'query'; service?: RpcService; signingName?: string }
  | { kind: 's3' };

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * One endpoint, many services (DESIGN.md): JSON services by X-Amz-Target; query services (STS, IAM) by
 * the credential scope's service or, unsigned, by a form body / Action parameter; everything else is S3 REST.
 */
export function route(emulator: Emulator, method: string, path: string, rawQuery: string, headers: Headers): Route {
  if (path === '/_emulator' || path.startsWith('/_emulator/')) return { kind: 'admin' };
  const target = header(headers, 'x-amz-target');
  if (target) {
    const dot = target.lastIndexOf('.');
    const prefix = dot < 0 ? target : target.slice(0, dot);
    return { kind: 'json', service: emulator.byTargetPrefix(prefix), prefix, operation: dot < 0 ? '' : target.slice(dot + 1) };
  }
  const scope = readCredentialScope({ headers, rawQuery });
  const scoped = scope.signed === true ? scope.service : undefined;
  if (scoped && scoped !== 's3') {
    const service = emulator.bySigningName(scoped);
    if (service?.protocol === 'json') return { kind: 'json', service, prefix: service.targetPrefix ?? '', operation: '' };
    return { kind: 'query', service, signingName: scoped };
  }
  const contentType = header(headers, 'content-type') ?? '';
  const formPost = method === 'POST' && path === '/' && contentType.startsWith('application/x-www-form-urlencoded');
  if (!scoped && (formPost || /(^|&)Action=/.test(rawQuery))) return { kind: 'query' };
  return { kind: 's3' };
}
