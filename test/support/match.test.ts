import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mismatches, type EventExpectation } from '../../support/cloudtrail/match.js';

const anonymousGet: EventExpectation = {
  description: 'anonymous GetObject',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  principal: { kind: 'anonymous' },
  requestParameters: { bucketName: 'b', key: 'image.png' },
  errorCode: 'AccessDenied',
};

describe('CloudTrail record matching', () => {
  it('matches the lab\'s anonymous GetObject record (shape from the lab\'s own log)', () => {
    const r = {
      eventSource: 's3.amazonaws.com', eventName: 'GetObject', errorCode: 'AccessDenied', errorMessage: 'Access Denied',
      userIdentity: { type: 'AWSAccount', principalId: '', accountId: 'anonymous' },
      requestParameters: { bucketName: 'b', Host: 'b.s3.amazonaws.com', key: 'image.png' },
    };
    assert.deepEqual(mismatches(r, anonymousGet), []);
  });

  it('says why a record differs', () => {
    const r = { eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: { type: 'Root', arn: 'arn:aws:iam::1:root' }, requestParameters: { bucketName: 'b', key: 'other.png' } };
    assert.deepEqual(mismatches(r, anonymousGet), [
      'caller is arn:aws:iam::1:root, not anonymous',
      'requestParameters.key is other.png, not image.png',
      'errorCode is absent (it succeeded), not AccessDenied',
    ]);
  });

  it('checks the time window around the upload', () => {
    const exp: EventExpectation = { description: 'x', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', near: { time: new Date('2026-01-01T00:10:00Z'), toleranceMs: 60_000, label: 'Last-Modified' } };
    assert.deepEqual(mismatches({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', eventTime: '2026-01-01T00:10:30Z' }, exp), []);
    assert.match(mismatches({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', eventTime: '2026-01-01T00:20:00Z' }, exp)[0]!, /is 600 s from Last-Modified/);
  });
});
