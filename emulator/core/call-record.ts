import type { Principal } from './principal.js';
import type { AuditNotes } from './service.js';

/**
 * One answered request, as the CloudTrail recorder sees it: emitted by the server after the response
 * is written, for allowed, denied and failed calls alike.
 */
export interface CallRecord {
  requestId: string;
  time: Date;
  /** 'kms.amazonaws.com', 's3.amazonaws.com', … */
  eventSource: string;
  /** The AWS operation name, e.g. 'GenerateDataKey'. */
  eventName: string;
  region: string;
  principal: Principal;
  sourceIp: string;
  userAgent: string;
  status: number;
  error?: { code: string; message: string };
  /** Header or presigned-URL SigV4, or none (anonymous). */
  authMethod?: 'AuthHeader' | 'QueryString';
  signatureVersion?: 'SigV4';
  readOnly?: boolean;
  audit: AuditNotes;
  bytesIn: number;
  bytesOut: number;
}
