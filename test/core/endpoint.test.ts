import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { freshEmulator } from '../helpers/emulator.js';
import type { RunningEmulator } from '../../emulator/server.js';

let running: RunningEmulator;
before(async () => { running = await freshEmulator(); });
after(async () => { await running.stop(); });

const post = (path: string, headers: Record<string, string>, body: string | Buffer = '') =>
  request(running.url + path, { method: 'POST', headers, body });

describe('the admin API', () => {
  test('health answers JSON with the version and the registered services', async () => {
    const r = await request(`${running.url}/_emulator/health`);
    assert.equal(r.statusCode, 200);
    const body = (await r.body.json()) as { status: string; version: string; services: string[] };
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.ok(Array.isArray(body.services));
  });

  test('POST /_emulator/accounts creates an account and returns its root credentials', async () => {
    const r = await post('/_emulator/accounts', { 'content-type': 'application/json' }, JSON.stringify({ accountId: '111122223333' }));
    assert.equal(r.statusCode, 201);
    const body = (await r.body.json()) as { accountId: string; accessKeyId: string; secretAccessKey: string };
    assert.equal(body.accountId, '111122223333');
    assert.match(body.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(body.secretAccessKey.length, 40);
  });

  test('creating an account that exists is refused with 409', async () => {
    await post('/_emulator/accounts', {}, JSON.stringify({ accountId: '444455556666' })).then((r) => r.body.dump());
    const r = await post('/_emulator/accounts', {}, JSON.stringify({ accountId: '444455556666' }));
    assert.equal(r.statusCode, 409);
    assert.match(((await r.body.json()) as { error: string }).error, /already exists/);
  });

  test('an account id that is not 12 digits is refused with 400 and says why', async () => {
    const r = await post('/_emulator/accounts', {}, JSON.stringify({ accountId: '12' }));
    assert.equal(r.statusCode, 400);
    assert.match(((await r.body.json()) as { error: string }).error, /12 digits/);
  });

  test('without an account id a fresh 12-digit one is chosen', async () => {
    const r = await post('/_emulator/accounts', {}, '');
    assert.equal(r.statusCode, 201);
    assert.match(((await r.body.json()) as { accountId: string }).accountId, /^\d{12}$/);
  });

  test('reset forgets created accounts but keeps the bootstrap one', async () => {
    await post('/_emulator/accounts', {}, JSON.stringify({ accountId: '777788889999' })).then((r) => r.body.dump());
    const reset = await post('/_emulator/reset', {});
    assert.equal(reset.statusCode, 200);
    await reset.body.dump();
    const list = (await (await request(`${running.url}/_emulator/accounts`)).body.json()) as { accounts: string[] };
    assert.deepEqual(list.accounts, ['000000000000']);
  });

  test('an unknown admin path is 404 and lists what exists', async () => {
    const r = await request(`${running.url}/_emulator/nope`);
    assert.equal(r.statusCode, 404);
    assert.match(((await r.body.json()) as { error: string }).error, /_emulator\/health/);
  });
});

describe('routing and protocol errors', () => {
  test('an unknown JSON service target gets UnknownOperationException', async () => {
    const r = await post('/', { 'x-amz-target': 'NoSuchService_20200101.DoThing', 'content-type': 'application/x-amz-json-1.1' }, '{}');
    assert.equal(r.statusCode, 400);
    assert.equal(r.headers['x-amzn-errortype'], 'UnknownOperationException');
    assert.equal(((await r.body.json()) as { __type: string }).__type, 'UnknownOperationException');
  });

  test('an unsigned query call to an unknown API version gets InvalidAction', async () => {
    const r = await post('/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=DoThing&Version=1999-01-01');
    assert.equal(r.statusCode, 400);
    const text = await r.body.text();
    assert.match(text, /<Code>InvalidAction<\/Code>/);
    assert.match(text, /Could not find operation DoThing for version 1999-01-01/);
  });

  test('a body over the limit is refused with an error before it is buffered', async () => {
    const small = await freshEmulator({ maxRpcBodyBytes: 1024 });
    try {
      const r = await request(small.url + '/', {
        method: 'POST',
        headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' },
        body: Buffer.alloc(64 * 1024, 0x20),
      });
      assert.equal(r.statusCode, 413);
      await r.body.dump();
    } finally {
      await small.stop();
    }
  });

  test('the emulator keeps answering after a refused body', async () => {
    const r = await request(`${running.url}/_emulator/health`);
    assert.equal(r.statusCode, 200);
    await r.body.dump();
  });
});
