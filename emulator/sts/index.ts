import type { Emulator } from '../core/emulator.js';
import type { RpcService } from '../core/service.js';
import { assumeRole } from './assume-role.js';
import { getCallerIdentity } from './get-caller-identity.js';
import { getSessionToken } from './get-session-token.js';

/** STS on the query protocol (API version 2011-06-15). Its sessions live in the identity store. */
export const stsService: RpcService = {
  signingName: 'sts',
  eventSource: 'sts.amazonaws.com',
  protocol: 'query',
  apiVersion: '2011-06-15',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: {
    GetCallerIdentity: getCallerIdentity,
    AssumeRole: assumeRole,
    GetSessionToken: getSessionToken,
  },
  // CloudTrail marks GetCallerIdentity read-only; GetSessionToken likewise changes nothing lasting
  // (an inference: no captured record says so).
  readOnly: new Set(['GetCallerIdentity', 'GetSessionToken']),
};

export function registerSts(emulator: Emulator): void {
  emulator.register(stsService);
  // Temporary credentials expire on the emulator's clock, which tests move forward.
  emulator.identity.clock = () => emulator.clock();
}
