import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/kms-lab.mjs', import.meta.url));
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

test('kms-lab --help lists the emulator subcommand', () => {
  const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: kms-lab/);
  assert.match(r.stdout, /emulator \[options\]/);
});

test('kms-lab emulator prints exactly one line when ready and stops cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (l) => lines.push(l));
  const [first] = (await once(rl, 'line')) as [string];
  assert.match(first, /^kms-lab emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
  const url = first.slice(first.indexOf('http'));
  const health = await fetch(`${url}/_emulator/health`);
  assert.equal(health.status, 200);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  assert.deepEqual(lines, [first]);
});

test('kms-lab emulator refuses a port that is not a number, saying why', () => {
  const r = spawnSync(process.execPath, [BIN, 'emulator', '--port', 'abc'], { encoding: 'utf8', env });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /must be a port number/);
});

test('kms-lab emulator says which port is taken when it cannot listen', async () => {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const port = first.split(':').pop()!;
  try {
    const r = spawnSync(process.execPath, [BIN, 'emulator', '--port', port], { encoding: 'utf8', env, timeout: 20_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
