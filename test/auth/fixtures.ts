/**
 * AWS's published SigV4 examples (S3 API reference: "Signature Calculations for the Authorization
 * Header", "… Query String Auth", "… Transferring Payload in Multiple Chunks") and small helpers.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { NodeSha256 } from '../../emulator/auth/crypto.js';
import type { IncomingSigned, SecretLookup } from '../../emulator/auth/sigv4.js';

export const EXAMPLE_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const EXAMPLE_NOW = new Date('2013-05-24T00:00:00Z');
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const CREDENTIAL = `${EXAMPLE_KEY}/20130524/us-east-1/s3/aws4_request`;

export const exampleLookup: SecretLookup = (id) => (id === EXAMPLE_KEY ? { secretAccessKey: EXAMPLE_SECRET } : undefined);

const authorization = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=${CREDENTIAL},SignedHeaders=${signedHeaders},Signature=${signature}`;

export const exampleGetObject = (): IncomingSigned => ({
  method: 'GET',
  path: '/test.txt',
  rawQuery: '',
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': EMPTY_SHA256,
    'x-amz-date': '20130524T000000Z',
    authorization: authorization(
      'host;range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    ),
  },
});

export const examplePutObject = (): IncomingSigned => ({
  method: 'PUT',
  path: '/test$file.text',
  rawQuery: '',
  body: Buffer.from('Welcome to Amazon S3.'),
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    date: 'Fri, 24 May 2013 00:00:00 GMT',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    authorization: authorization(
      'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    ),
  },
});

const exampleBucketGet = (rawQuery: string, signature: string): IncomingSigned => ({
  method: 'GET',
  path: '/',
  rawQuery,
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    'x-amz-content-sha256': EMPTY_SHA256,
    'x-amz-date': '20130524T000000Z',
    authorization: authorization('host;x-amz-content-sha256;x-amz-date', signature),
  },
});

export const exampleLifecycle = () => exampleBucketGet('lifecycle', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
export const exampleListObjects = () =>
  exampleBucketGet('max-keys=2&prefix=J', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');

export const examplePresignedGet = (path = '/test.txt'): IncomingSigned => ({
  method: 'GET',
  path,
  rawQuery:
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
  headers: { host: 'examplebucket.s3.amazonaws.com' },
});

export const CHUNK_SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
] as const;

const signedChunk = (size: number, signature: string) =>
  Buffer.concat([Buffer.from(`${size.toString(16)};chunk-signature=${signature}\r\n`), Buffer.alloc(size, 'a'), Buffer.from('\r\n')]);

/** 65536 + 1024 bytes of 'a' and the closing empty chunk: 66824 bytes on the wire. */
export const exampleChunkedBody = (): Buffer =>
  Buffer.concat([signedChunk(65536, CHUNK_SIGNATURES[0]), signedChunk(1024, CHUNK_SIGNATURES[1]), signedChunk(0, CHUNK_SIGNATURES[2])]);

/** The AWS CRT test vector: the same chunks, then trailers first/second/third signed after the final chunk. */
export const TRAILER_SIGNATURE = 'df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c';
export const exampleSignedTrailerBody = (trailerSignature = TRAILER_SIGNATURE): Buffer =>
  Buffer.concat([
    signedChunk(65536, CHUNK_SIGNATURES[0]),
    signedChunk(1024, CHUNK_SIGNATURES[1]),
    Buffer.from(
      `0;chunk-signature=${CHUNK_SIGNATURES[2]}\r\nfirst:1st\r\nsecond:2nd\r\nthird:3rd\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n`,
    ),
  ]);

export const exampleChunkedPut = (body = exampleChunkedBody()): IncomingSigned => ({
  method: 'PUT',
  path: '/examplebucket/chunkObject.txt',
  rawQuery: '',
  body,
  headers: {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
    authorization: authorization(
      'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
      '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    ),
  },
});

export interface SignOptions {
  service?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  signingDate?: Date;
  /** Presign instead of signing the Authorization header. */
  presignExpiresIn?: number;
}

/** Signs a request the way the AWS SDK for JavaScript does, and returns it as the emulator receives it. */
export async function sdkSigned(request: Omit<HttpRequest, 'protocol' | 'hostname'> & { host?: string }, o: SignOptions = {}): Promise<IncomingSigned> {
  const service = o.service ?? 's3';
  const signer = new SignatureV4({
    service,
    region: o.region ?? 'us-east-1',
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
    credentials: {
      accessKeyId: o.accessKeyId ?? EXAMPLE_KEY,
      secretAccessKey: o.secretAccessKey ?? EXAMPLE_SECRET,
      sessionToken: o.sessionToken,
    },
  });
  const host = request.host ?? 'example.amazonaws.com';
  // Like @aws-sdk/s3-request-presigner: an S3 presigned URL signs UNSIGNED-PAYLOAD (hoisted into the query).
  const presignS3 = o.presignExpiresIn !== undefined && service === 's3' ? { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } : {};
  const unsigned = { ...request, protocol: 'https:', hostname: host, headers: { host, ...presignS3, ...request.headers } } as HttpRequest;
  const signingDate = o.signingDate ?? EXAMPLE_NOW;
  const signed =
    o.presignExpiresIn !== undefined
      ? await signer.presign(unsigned, { signingDate, expiresIn: o.presignExpiresIn })
      : await signer.sign(unsigned, { signingDate });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  const body = signed.body === undefined ? undefined : Buffer.from(signed.body as string | Uint8Array);
  return { method: signed.method, path: signed.path, rawQuery: encodeQuery(signed.query ?? {}), headers, body };
}

function encodeQuery(query: Record<string, string | string[] | null>): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(query)
    .flatMap(([k, v]) => (v === null ? [enc(k)] : (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`)))
    .join('&');
}

/** Flip one byte of a copy of `buf`. */
export const flipByte = (buf: Uint8Array, at: number): Buffer => {
  const copy = Buffer.from(buf);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};
