import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.js';

/**
 * Buffers a request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before anything is read; a body that grows past it while streaming is refused as soon as it does.
 */
export async function readBody(req: IncomingMessage, limit: number, tooLarge: () => AwsError): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof AwsError) throw e;
    // The client closed the connection before its body was complete ("aborted"). Not an emulator failure:
    // the server's clientError handler has answered already, this answer goes nowhere.
    throw new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header', 400);
  }
  return Buffer.concat(chunks, size);
}
