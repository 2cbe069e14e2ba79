import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountMasker, redact, registerSecret, scrubText } from '../../support/evidence.js';

describe('redaction (support/evidence.ts)', () => {
  it('masks access key ids in free text but for their last 4 characters', () => {
    assert.equal(scrubText('key ASIAQWERTYUIOPASDFGH was used'), 'key ****************DFGH was used');
  });

  it('removes SigV4 signatures and the Authorization and X-Amz-Security-Token values from free text', () => {
    const text = 'Authorization: AWS4-HMAC-SHA256 Credential=AKIAABCDEFGHIJKLMNOP/20261128/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=' + 'a'.repeat(64)
      + '\nX-Amz-Security-Token: FwoGZXIvYXdzEabcdefghijklmnopqrstuvwxyz0123456789';
    const out = scrubText(text);
    assert.doesNotMatch(out, /a{64}|AKIAABCDEFGHIJKLMNOP|FwoGZXIvYXdz/);
    assert.match(out, /Authorization: <redacted>/);
    assert.match(out, /X-Amz-Security-Token: <redacted>/);
  });

  it('removes STS session tokens wherever they appear', () => {
    assert.equal(scrubText('token IQoJb3JpZ2luX2VjEabcdefghijklmnopqrstuvwxyz== end'), 'token <redacted> end');
  });

  it('removes a registered secret wherever it appears, but never a short one', () => {
    registerSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    registerSecret('test');
    assert.equal(scrubText('secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY; the latest test'), 'secret=<redacted>; the latest test');
  });

  it('redacts credentials objects: secret and token removed, access key id masked', () => {
    const out = redact({ Credentials: { AccessKeyId: 'ASIAQWERTYUIOPASDFGH', SecretAccessKey: 'x'.repeat(40), SessionToken: 'y'.repeat(100), Expiration: new Date(0) } });
    assert.deepEqual(out, { Credentials: { AccessKeyId: '****************DFGH', SecretAccessKey: '<redacted>', SessionToken: '<redacted>', Expiration: '1970-01-01T00:00:00.000Z' } });
  });

  it('masks account ids consistently: the same id always the same mask, the caller\'s first', () => {
    const m = new AccountMasker(['111122223333']);
    const text = '{"recipientAccountId": "444455556666", "arn": "arn:aws:iam::111122223333:role/x", "key": "AWSLogs/444455556666/CloudTrail/x", "size": 1111222233334}';
    m.learn(text);
    assert.equal(m.mask(text), '{"recipientAccountId": "ACCOUNT-2", "arn": "arn:aws:iam::ACCOUNT-1:role/x", "key": "AWSLogs/ACCOUNT-2/CloudTrail/x", "size": 1111222233334}');
  });
});
