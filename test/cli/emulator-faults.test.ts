import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// `kms-lab emulator --faults FILE`: the file is what PUT /_emulator/faults takes; a bad file is refused
// before the endpoint is announced, with the file and the reason, and exit code 1.

const BIN = fileURLToPath(new URL('../../bin/kms-lab.mjs', import.meta.url));
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const dir = mkdtempSync(join(tmpdir(), 'kms-lab-faults-'));
const file = (name: string, content: string): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const refused = (path: string) => spawnSync(process.execPath, [BIN, 'emulator', '--port', '0', '--faults', path], { encoding: 'utf8', env, timeout: 20_000 });

describe('kms-lab emulator --faults FILE', () => {
  it('starts with the file\'s rules in force and says so after the listening line', async () => {
    const path = file('chaos.json', JSON.stringify({ seed: 7, rules: [{ service: '*', probability: 0.2, fault: 'throttling' }] }));
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--faults', path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const rl = createInterface({ input: child.stdout });
      const lines: string[] = [];
      rl.on('line', (l) => lines.push(l));
      await once(rl, 'line');
      while (lines.length < 2) await once(rl, 'line');
      assert.match(lines[0], /^kms-lab emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(lines[1], /^fault injection on: 1 rule\(s\), seed 7; GET http:.*\/_emulator\/faults shows how often each fired$/);
      const url = lines[0].slice(lines[0].indexOf('http'));
      const status = (await (await fetch(`${url}/_emulator/faults`)).json()) as { seed: number; rules: Array<{ fault: string }> };
      assert.equal(status.seed, 7);
      assert.deepEqual(status.rules.map((x) => x.fault), ['throttling']);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('refuses a file that does not exist', () => {
    const r = refused(join(dir, 'missing.json'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--faults: cannot read the fault file .*missing\.json: no such file\./);
  });

  it('refuses a file that is not JSON', () => {
    const r = refused(file('broken.json', '{"rules": ['));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--faults: the fault file .*broken\.json is not valid JSON/);
  });

  it('refuses rules that are invalid, naming the file and the member', () => {
    const r = refused(file('typo.json', JSON.stringify({ rules: [{ service: 'kms', probability: 0.2, fault: 'throttle' }] })));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--faults .*typo\.json: rules\[0\]\.fault must be one of throttling, internalError, serviceUnavailable, latency, dropConnection; got "throttle"\./);
    assert.equal(r.stdout, '');
  });
});
