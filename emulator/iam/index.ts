import type { Emulator } from '../core/emulator.js';
import type { RpcService } from '../core/service.js';
import { accessKeyOperations, accessKeyReadOnly } from './access-keys.js';
import { attachmentOperations, attachmentReadOnly } from './attachments.js';
import { inlinePolicyOperations, inlinePolicyReadOnly } from './inline-policies.js';
import { managedPolicyOperations, managedPolicyReadOnly } from './managed-policies.js';
import { roleOperations, roleReadOnly } from './roles.js';
import { userOperations, userReadOnly } from './users.js';

/**
 * IAM on the query protocol (API version 2010-05-08). Its state is the identity store's, which
 * /_emulator/reset already clears, so IAM keeps none of its own.
 */
export const iamService: RpcService = {
  signingName: 'iam',
  eventSource: 'iam.amazonaws.com',
  protocol: 'query',
  apiVersion: '2010-05-08',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  operations: {
    ...userOperations,
    ...accessKeyOperations,
    ...roleOperations,
    ...inlinePolicyOperations,
    ...managedPolicyOperations,
    ...attachmentOperations,
  },
  readOnly: new Set([...userReadOnly, ...accessKeyReadOnly, ...roleReadOnly, ...inlinePolicyReadOnly, ...managedPolicyReadOnly, ...attachmentReadOnly]),
};

export function registerIam(emulator: Emulator): void {
  emulator.register(iamService);
}
