#!/usr/bin/env node
// npm test: typecheck, then unit/integration tests (node:test under tsx), then the Cucumber features on the
// embedded emulator. Ends with one line "N passed, N failed" over everything that ran.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

function find(dir, suffix) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p, suffix));
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

function run(cmd, args, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    let text = '';
    if (capture) child.stdout.on('data', (d) => { text += d; process.stdout.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

let passed = 0, failed = 0, ok = true;

if (!only || only === 'typecheck') {
  const t = await run('npx', ['tsc', '--noEmit', '-p', '.']);
  if (t.code !== 0) { ok = false; failed++; console.log('typecheck: FAILED'); } else { passed++; console.log('typecheck: ok'); }
}

if (!only || only === 'unit') {
  const files = find('test', '.test.ts');
  // Two files at a time: most of the time is spent waiting on spawned processes and sockets, and one at a
  // time (node's default on 2 cores) keeps the whole run near CI's 15-minute budget.
  const r = await run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { capture: true });
  const p = /^ℹ pass (\d+)/m.exec(r.text), f = /^ℹ fail (\d+)/m.exec(r.text);
  passed += Number(p?.[1] ?? 0); failed += Number(f?.[1] ?? 0);
  if (r.code !== 0) { ok = false; if (!f || f[1] === '0') failed++; }
}

if ((!only || only === 'features') && find('features', '.feature').length > 0) {
  const r = await run('npx', ['cucumber-js'], { capture: true });
  const m = /^(\d+) passed, (\d+) failed/m.exec(r.text);
  passed += Number(m?.[1] ?? 0); failed += Number(m?.[2] ?? 0);
  if (r.code !== 0) { ok = false; if (!m || m[2] === '0') failed++; }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
