import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SELECTORS, parseSelectors, selects } from '../../emulator/cloudtrail/selectors.js';
import type { CloudTrailRecord } from '../../emulator/cloudtrail/record.js';

const record = (r: Partial<CloudTrailRecord>): CloudTrailRecord =>
  ({ eventType: 'AwsApiCall', userIdentity: { type: 'Root' }, readOnly: false, eventCategory: 'Management', eventSource: 'kms.amazonaws.com', eventName: 'CreateKey', ...r }) as CloudTrailRecord;
const getObject = (key: string, readOnly = true) => record({
  eventCategory: 'Data', eventSource: 's3.amazonaws.com', eventName: readOnly ? 'GetObject' : 'PutObject', readOnly,
  resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::bucket-3/${key}` }, { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::bucket-3' }],
});

// CT-UG logging-data-events-with-cloudtrail, "Logging data events for specific S3 objects": bucket-3,
// prefix my-images, Write only.
describe('event selectors', () => {
  it('the default selectors log all management events and no data events', () => {
    assert.equal(selects(DEFAULT_SELECTORS, record({ readOnly: true })), true);
    assert.equal(selects(DEFAULT_SELECTORS, getObject('a.jpg')), false);
  });

  it('a basic S3 data resource with a prefix and WriteOnly logs writes under that prefix only', () => {
    const sel = parseSelectors({ EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: false,
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::bucket-3/my-images'] }] }] });
    assert.equal(selects(sel, getObject('my-images/example.jpg', false)), true, 'DeleteObject/PutObject under my-images is logged');
    assert.equal(selects(sel, getObject('my-videos/example.avi', false)), false, 'another prefix is not');
    assert.equal(selects(sel, getObject('my-images/example.jpg', true)), false, 'GetObject is a Read event');
    assert.equal(selects(sel, record({})), false, 'management events are excluded');
  });

  it('ExcludeManagementEventSources keeps KMS events out', () => {
    const sel = parseSelectors({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, ExcludeManagementEventSources: ['kms.amazonaws.com'] }] });
    assert.equal(selects(sel, record({})), false);
    assert.equal(selects(sel, record({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' })), true);
  });

  it('advanced selectors: NotEquals on eventSource excludes KMS', () => {
    const sel = parseSelectors({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }] }] });
    assert.equal(selects(sel, record({})), false);
    assert.equal(selects(sel, record({ eventSource: 's3.amazonaws.com', eventName: 'CreateBucket' })), true);
  });

  it('advanced selectors: readOnly and resources.ARN StartsWith select S3 reads of one bucket', () => {
    const sel = parseSelectors({ AdvancedEventSelectors: [{ FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
      { Field: 'readOnly', Equals: ['true'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::bucket-3/'] },
    ] }] });
    assert.equal(selects(sel, getObject('x')), true);
    assert.equal(selects(sel, getObject('x', false)), false);
  });

  it('refuses more than five basic selectors and an unsupported data resource type', () => {
    const six = Array.from({ length: 6 }, () => ({ ReadWriteType: 'All' }));
    assert.throws(() => parseSelectors({ EventSelectors: six }), { code: 'InvalidEventSelectorsException' });
    assert.throws(() => parseSelectors({ EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::AccessPoint', Values: [] }] }] }), { code: 'InvalidEventSelectorsException' });
  });
});
