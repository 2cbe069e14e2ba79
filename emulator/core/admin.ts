import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.js';
import type { Emulator } from './emulator.js';
import type { WireResponse } from '../protocols/wire.js';
import { VERSION } from './version.js';

/** Admin calls change the whole emulator, so only this machine may make them. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const json = (status: number, body: unknown): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** /_emulator/*: health, reset, accounts. Plain JSON, not an AWS protocol. */
export async function handleAdmin(emulator: Emulator, req: IncomingMessage, path: string, body: Buffer): Promise<WireResponse> {
  if (!isLoopback(req.socket.remoteAddress)) return json(403, { error: 'The admin API answers loopback clients only.' });
  const method = req.method ?? 'GET';
  try {
    if (path === '/_emulator/health' && method === 'GET') {
      return json(200, {
        status: 'ok',
        version: VERSION,
        region: emulator.config.region,
        services: [...emulator.services.map((s) => s.signingName), ...(emulator.rest ? [emulator.rest.signingName] : [])].sort(),
      });
    }
    if (path === '/_emulator/reset' && method === 'POST') {
      emulator.reset();
      return json(200, { reset: true });
    }
    if (path === '/_emulator/accounts' && method === 'GET') {
      return json(200, { accounts: [...emulator.identity.accounts.keys()] });
    }
    if (path === '/_emulator/accounts' && method === 'POST') {
      const input = parseJsonObject(body);
      const wanted = input.accountId;
      if (wanted !== undefined && typeof wanted !== 'string') return json(400, { error: 'accountId must be a string of 12 digits.' });
      const { accountId, credentials } = emulator.identity.createAccount(wanted);
      return json(201, { accountId, accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey });
    }
    const extra = emulator.adminRoutes.get(`${method} ${path}`);
    if (extra) return json(200, (await extra(parseJsonObject(body, `${method} ${path}`))) ?? {});
    return json(404, { error: `No admin operation ${method} ${path}. Try GET /_emulator/health, POST /_emulator/reset, GET|POST /_emulator/accounts.` });
  } catch (e) {
    if (e instanceof AwsError) return json(e.status === 409 ? 409 : 400, { error: e.message });
    throw e;
  }
}

function parseJsonObject(body: Buffer, route?: string): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const v = JSON.parse(body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* answered below */ }
  throw new AwsError('ValidationError', route ? `The request body of ${route} must be a JSON object.`
    : 'The request body must be a JSON object, e.g. {"accountId": "111122223333"}.');
}
