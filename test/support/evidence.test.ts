import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceAttachment, maskAccessKeyId, redact } from '../../support/evidence.js';

describe('evidence redaction', () => {
  it('never lets a secret through', () => {
    const out = JSON.stringify(redact({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE12345WXYZ', SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG', SessionToken: 'FwoGZXIvYXdzEJr' },
      headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=…, Signature=abc', 'X-Amz-Security-Token': 'tok' },
      Plaintext: new Uint8Array(32),
      url: 'http://h/b/k?X-Amz-Credential=AKIA%2F&X-Amz-Signature=deadbeef',
    }));
    for (const secret of ['wJalrXUtnFEMI', 'FwoGZXIvYXdzEJr', 'Signature=abc', 'tok"', 'deadbeef', 'ASIAEXAMPLE12345']) assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    assert.ok(out.includes('****************WXYZ'));
    assert.ok(out.includes('http://h/b/k?<signed query redacted>'));
  });

  it('handles cycles, class instances and objects that describe themselves', () => {
    const a: Record<string, unknown> = { name: 'x' };
    a.self = a;
    const actor = { clients: { kms: new (class KMSClient {})() }, toJSON: () => ({ actor: 'student', roleArn: 'arn:aws:iam::1:role/r' }) };
    assert.deepEqual(redact({ a, actor, when: new Date(0) }), { a: { name: 'x', self: '<cycle>' }, actor: { actor: 'student', roleArn: 'arn:aws:iam::1:role/r' }, when: '1970-01-01T00:00:00.000Z' });
  });

  it('builds a JSON attachment with a file name', () => {
    const { json, fileName, item } = evidenceAttachment('kms:Encrypt answered', { CiphertextBlob: new Uint8Array(5) });
    assert.equal(fileName, 'kms-encrypt-answered.json');
    assert.deepEqual(item.data, { CiphertextBlob: '<5 bytes>' });
    assert.equal(JSON.parse(json).label, 'kms:Encrypt answered');
    assert.equal(maskAccessKeyId('abc'), '****');
  });
});
