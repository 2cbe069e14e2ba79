import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { checksumOf } from '../../emulator/auth/checksums.js';
import { decodeAwsChunked, verifySigV4 } from '../../emulator/auth/sigv4.js';
import type { VerifyOk } from '../../emulator/auth/sigv4.js';
import { EXAMPLE_NOW, exampleChunkedBody, exampleChunkedPut, exampleLookup, sdkSigned } from './fixtures.js';

const DATA = Buffer.from('hello, aws-chunked world');

/** A verified STREAMING-UNSIGNED-PAYLOAD-TRAILER request, as the JS SDK sends stream uploads. */
async function unsignedTrailerRequest(decodedLength = DATA.length): Promise<VerifyOk> {
  const req = await sdkSigned({
    method: 'PUT',
    path: '/bucket/key',
    headers: {
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(decodedLength),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    },
  });
  const ok = await verifySigV4(req, exampleLookup, { now: EXAMPLE_NOW });
  assert.ok(ok.ok);
  return ok;
}

const frame = (parts: Buffer[], trailer: string) =>
  Buffer.concat([...parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]), Buffer.from(`0\r\n${trailer}`)]);

test('de-frames unsigned chunks and returns the trailers', async () => {
  const crc = checksumOf('x-amz-checksum-crc32', DATA)!;
  const body = frame([DATA.subarray(0, 10), DATA.subarray(10)], `x-amz-checksum-crc32:${crc}\r\n\r\n`);
  const r = await decodeAwsChunked(body, await unsignedTrailerRequest());
  assert.ok(r.ok);
  assert.deepEqual(r.data, DATA);
  assert.deepEqual(r.trailers, { 'x-amz-checksum-crc32': crc });
});

test('an x-amz-checksum-crc32 trailer that does not match the data is a checksum mismatch', async () => {
  const wrong = checksumOf('x-amz-checksum-crc32', Buffer.from('other'))!;
  const r = await decodeAwsChunked(frame([DATA], `x-amz-checksum-crc32:${wrong}\r\n\r\n`), await unsignedTrailerRequest());
  assert.ok(!r.ok);
  assert.deepEqual([r.kind, r.facts?.checksumAlgorithm], ['checksum-mismatch', 'CRC32']);
});

test('crc32c, sha1 and sha256 trailers are verified too', async () => {
  const ok = await unsignedTrailerRequest();
  for (const name of ['x-amz-checksum-crc32c', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256']) {
    const good = await decodeAwsChunked(frame([DATA], `${name}:${checksumOf(name, DATA)}\r\n\r\n`), ok);
    const bad = await decodeAwsChunked(frame([DATA], `${name}:${checksumOf(name, Buffer.from('x'))}\r\n\r\n`), ok);
    assert.ok(good.ok, name);
    assert.equal(bad.ok, false, name);
  }
});

test('a body without the final CRLF after the last chunk (no trailer) is accepted', async () => {
  const r = await decodeAwsChunked(frame([DATA], ''), await unsignedTrailerRequest());
  assert.ok(r.ok);
  assert.deepEqual(r.data, DATA);
});

test('a decoded length different from x-amz-decoded-content-length is a malformed body', async () => {
  const r = await decodeAwsChunked(frame([DATA], '\r\n'), await unsignedTrailerRequest(DATA.length + 1));
  assert.ok(!r.ok);
  assert.equal(r.kind, 'malformed-body');
});

test('a chunk that declares more bytes than the body holds is a malformed body', async () => {
  const body = Buffer.from('ff\r\nshort\r\n0\r\n\r\n');
  const r = await decodeAwsChunked(body, await unsignedTrailerRequest(5));
  assert.deepEqual([r.ok, !r.ok && r.kind], [false, 'malformed-body']);
});

test('a signed chunk stream truncated before its final chunk is a malformed body', async () => {
  const req = exampleChunkedPut();
  const ok = await verifySigV4(req, exampleLookup, { now: EXAMPLE_NOW });
  assert.ok(ok.ok);
  const r = await decodeAwsChunked(exampleChunkedBody().subarray(0, 65700), ok);
  assert.deepEqual([r.ok, !r.ok && r.kind], [false, 'malformed-body']);
});

test('a non-streaming payload is returned as it is', async () => {
  const ok = { ...(await unsignedTrailerRequest()), payloadHash: 'UNSIGNED-PAYLOAD' };
  const r = await decodeAwsChunked(DATA, ok);
  assert.ok(r.ok);
  assert.equal(r.data, DATA);
});

test('checksums match the algorithms\' published check values for "123456789"', () => {
  const check = Buffer.from('123456789');
  const be = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  assert.equal(checksumOf('x-amz-checksum-crc32', check), be('cbf43926'));
  assert.equal(checksumOf('x-amz-checksum-crc32c', check), be('e3069283'));
  assert.equal(checksumOf('x-amz-checksum-crc64nvme', check), be('ae8b14860a799888'));
  assert.equal(checksumOf('x-amz-checksum-sha256', check), createHash('sha256').update(check).digest('base64'));
  assert.equal(crc32(check), 0xcbf43926);
});
