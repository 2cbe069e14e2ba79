import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback } from '../../emulator/core/admin.js';

test('the admin API accepts IPv4 loopback, IPv6 loopback and IPv4-mapped loopback', () => {
  for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(a), true, a);
});

test('the admin API refuses any other address', () => {
  for (const a of ['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '', undefined]) assert.equal(isLoopback(a), false, String(a));
});
