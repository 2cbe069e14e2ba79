import type { AwsError } from '../core/errors.js';
import { toXml } from './xml.js';
import type { WireResponse } from './wire.js';

// S3's REST-XML errors: <Error><Code/><Message/>…extra…<RequestId/><HostId/></Error>.
export function restXmlError(err: AwsError, requestId: string, hostId: string, method = 'GET'): WireResponse {
  const headers: Record<string, string> = { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId };
  // HEAD responses carry no body; the SDK reads the status and headers only.
  if (method === 'HEAD') return { status: err.status, headers, body: '' };
  headers['content-type'] = 'application/xml';
  return {
    status: err.status,
    headers,
    body: toXml('Error', { Code: err.code, Message: err.message, ...err.extra, RequestId: requestId, HostId: hostId }, { flatLists: true }),
  };
}
