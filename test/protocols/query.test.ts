import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueryInput, queryError, queryResponse } from '../../emulator/protocols/query.js';
import { AwsError } from '../../emulator/core/errors.js';
import { parseXml } from '../../emulator/protocols/xml.js';

const parse = (body: string) => parseQueryInput(new URLSearchParams(body));

describe('query protocol input', () => {
  test('Action and Version are taken out of the parameters', () => {
    const r = parse('Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(r.action, 'GetCallerIdentity');
    assert.equal(r.version, '2011-06-15');
    assert.deepEqual(r.params, {});
  });

  test('member.N lists become arrays ordered by N, not by arrival', () => {
    const r = parse('Action=X&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1');
    assert.deepEqual(r.params.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
  });

  test('member lists order numerically past 9', () => {
    const fields = Array.from({ length: 11 }, (_, i) => `L.member.${i + 1}=v${i + 1}`).join('&');
    assert.deepEqual(parse(`Action=X&${fields}`).params.L, Array.from({ length: 11 }, (_, i) => `v${i + 1}`));
  });

  test('entry.N.key/value pairs become a map', () => {
    const r = parse('Action=X&Attrs.entry.1.key=k1&Attrs.entry.1.value=v1&Attrs.entry.2.key=k2&Attrs.entry.2.value=v2');
    assert.deepEqual(r.params.Attrs, { k1: 'v1', k2: 'v2' });
  });

  test('URL-encoded policy documents arrive decoded', () => {
    const doc = '{"Version":"2012-10-17","Statement":[]}';
    const r = parse(`Action=X&PolicyDocument=${encodeURIComponent(doc)}`);
    assert.equal(r.params.PolicyDocument, doc);
  });
});

describe('query protocol output', () => {
  test('a result is wrapped in <OpResponse><OpResult> with the request id in ResponseMetadata', () => {
    const r = queryResponse('GetCallerIdentity', { Account: '000000000000' }, 'req-1', 'https://sts.amazonaws.com/doc/2011-06-15/');
    assert.equal(r.status, 200);
    assert.match(String(r.body), /<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><Account>000000000000<\/Account><\/GetCallerIdentityResult><ResponseMetadata><RequestId>req-1<\/RequestId><\/ResponseMetadata><\/GetCallerIdentityResponse>/);
  });

  test('arrays are written as <member> lists', () => {
    const r = queryResponse('ListUsers', { Users: [{ UserName: 'a' }, { UserName: 'b' }] }, 'r', 'ns');
    assert.match(String(r.body), /<Users><member><UserName>a<\/UserName><\/member><member><UserName>b<\/UserName><\/member><\/Users>/);
  });

  test('markup characters in text survive the round trip through an XML parser', () => {
    const doc = '{"a":"<&>\'"}';
    const r = queryResponse('X', { Doc: doc }, 'r', 'ns');
    const parsed = parseXml(String(r.body)) as { XResponse: { XResult: { Doc: string } } };
    assert.equal(parsed.XResponse.XResult.Doc, doc);
  });

  test('errors carry Type Sender for 4xx, Code, Message and RequestId', () => {
    const r = queryError(new AwsError('NoSuchEntity', 'The user with name bob cannot be found.', 404), 'req-2', 'ns');
    assert.equal(r.status, 404);
    assert.match(String(r.body), /<ErrorResponse xmlns="ns"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>The user with name bob cannot be found.<\/Message><\/Error><RequestId>req-2<\/RequestId><\/ErrorResponse>/);
  });
});
