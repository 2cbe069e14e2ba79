import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsCommand, CreateTrailCommand, DeleteTrailCommand, GetEventSelectorsCommand, GetInsightSelectorsCommand, GetTrailCommand,
  GetTrailStatusCommand, ListTagsCommand, ListTrailsCommand, PutEventSelectorsCommand, PutInsightSelectorsCommand, RemoveTagsCommand,
  StartLoggingCommand, StopLoggingCommand, UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { RunningEmulator } from '../../emulator/server.js';
import { clientConfig, freshEmulator } from '../helpers/emulator.js';
import { ACCOUNT, ctAs, deliver, failure, trailBucket } from './support.js';

describe('trail management', () => {
  let r: RunningEmulator;
  let arn: string;
  before(async () => {
    r = await freshEmulator({ cloudtrailDeliverySeconds: 0 });
    await trailBucket(r, 'mgmt-logs');
    arn = (await ctAs(r).send(new CreateTrailCommand({ Name: 'managed', S3BucketName: 'mgmt-logs' }))).TrailARN!;
  });
  after(() => r.stop());

  it('a new trail is not logging until StartLogging; StopLogging stops it (GetTrailStatus)', async () => {
    const ct = ctAs(r);
    const fresh = await ct.send(new GetTrailStatusCommand({ Name: 'managed' }));
    assert.equal(fresh.IsLogging, false);
    assert.equal(fresh.TimeLoggingStarted, '');
    await ct.send(new StartLoggingCommand({ Name: arn }));
    const started = await ct.send(new GetTrailStatusCommand({ Name: 'managed' }));
    assert.equal(started.IsLogging, true);
    assert.ok(started.StartLoggingTime instanceof Date);
    await deliver(r);
    const delivered = await ct.send(new GetTrailStatusCommand({ Name: 'managed' }));
    assert.ok(delivered.LatestDeliveryTime instanceof Date, 'the StartLogging event was delivered');
    assert.match(delivered.LatestDeliveryAttemptSucceeded ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    await ct.send(new StopLoggingCommand({ Name: 'managed' }));
    const stopped = await ct.send(new GetTrailStatusCommand({ Name: 'managed' }));
    assert.equal(stopped.IsLogging, false);
    assert.ok(stopped.StopLoggingTime instanceof Date);
  });

  it('an unknown trail is TrailNotFoundException, named as AWS names it', async () => {
    const f = await failure(ctAs(r).send(new GetTrailStatusCommand({ Name: 'nope-trail' })));
    assert.deepEqual(f, { code: 'TrailNotFoundException', status: 400,
      message: `Unknown trail: arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/nope-trail for the user: ${ACCOUNT}` });
    const g = await failure(ctAs(r).send(new GetTrailCommand({ Name: 'nope-trail' })));
    assert.equal(g.message, `Unknown trail: nope-trail for the user: ${ACCOUNT}`);
  });

  it('basic and advanced event selectors cannot be put together: InvalidEventSelectorsException', async () => {
    const f = await failure(ctAs(r).send(new PutEventSelectorsCommand({
      TrailName: 'managed',
      EventSelectors: [{ ReadWriteType: 'All' }],
      AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
    })));
    assert.equal(f.code, 'InvalidEventSelectorsException');
  });

  it('advanced selectors replace basic ones, and the trail then has custom selectors', async () => {
    const ct = ctAs(r);
    await ct.send(new PutEventSelectorsCommand({ TrailName: 'managed', EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }));
    const basic = await ct.send(new GetEventSelectorsCommand({ TrailName: 'managed' }));
    assert.equal(basic.EventSelectors?.[0].ReadWriteType, 'WriteOnly');
    await ct.send(new PutEventSelectorsCommand({ TrailName: 'managed', AdvancedEventSelectors: [{ Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }));
    const adv = await ct.send(new GetEventSelectorsCommand({ TrailName: 'managed' }));
    assert.equal(adv.EventSelectors, undefined);
    assert.deepEqual(adv.AdvancedEventSelectors, [{ Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }]);
    assert.equal((await ct.send(new GetTrailCommand({ Name: 'managed' }))).Trail?.HasCustomEventSelectors, true);
  });

  it('an advanced selector without eventCategory is refused: InvalidEventSelectorsException', async () => {
    const f = await failure(ctAs(r).send(new PutEventSelectorsCommand({ TrailName: 'managed', AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventName', Equals: ['PutObject'] }] }] })));
    assert.equal(f.code, 'InvalidEventSelectorsException');
  });

  it('Insights selectors: none is InsightNotEnabledException; put then get', async () => {
    const ct = ctAs(r);
    assert.equal((await failure(ct.send(new GetInsightSelectorsCommand({ TrailName: 'managed' })))).code, 'InsightNotEnabledException');
    await ct.send(new PutInsightSelectorsCommand({ TrailName: 'managed', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }] }));
    const got = await ct.send(new GetInsightSelectorsCommand({ TrailName: 'managed' }));
    assert.deepEqual(got.InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }]);
    assert.equal((await ct.send(new GetTrailCommand({ Name: 'managed' }))).Trail?.HasInsightSelectors, true);
    assert.equal((await failure(ct.send(new PutInsightSelectorsCommand({ TrailName: 'managed', InsightSelectors: [{ InsightType: 'Bogus' as 'ApiCallRateInsight' }] })))).code,
      'InvalidInsightSelectorsException');
  });

  it('tags: AddTags, ListTags, RemoveTags by trail ARN', async () => {
    const ct = ctAs(r);
    await ct.send(new AddTagsCommand({ ResourceId: arn, TagsList: [{ Key: 'owner', Value: 'lab' }, { Key: 'stage', Value: 'dev' }] }));
    await ct.send(new RemoveTagsCommand({ ResourceId: arn, TagsList: [{ Key: 'stage' }] }));
    const { ResourceTagList } = await ct.send(new ListTagsCommand({ ResourceIdList: [arn] }));
    assert.deepEqual(ResourceTagList, [{ ResourceId: arn, TagsList: [{ Key: 'owner', Value: 'lab' }] }]);
    assert.equal((await failure(ct.send(new AddTagsCommand({ ResourceId: 'managed', TagsList: [{ Key: 'k', Value: 'v' }] })))).code, 'CloudTrailARNInvalidException');
  });

  it('a trail can only be changed in its home Region: InvalidHomeRegionException', async () => {
    await ctAs(r).send(new UpdateTrailCommand({ Name: 'managed', IsMultiRegionTrail: true }));
    const f = await failure(ctAs(r, undefined, 'eu-west-1').send(new StopLoggingCommand({ Name: arn })));
    assert.equal(f.code, 'InvalidHomeRegionException');
  });

  it('ListTrails lists every trail of the account; DeleteTrail removes it', async () => {
    await trailBucket(r, 'second-logs');
    await ctAs(r, undefined, 'us-west-2').send(new CreateTrailCommand({ Name: 'second', S3BucketName: 'second-logs' }));
    const { Trails } = await ctAs(r).send(new ListTrailsCommand({}));
    assert.deepEqual(Trails?.map((t) => [t.Name, t.HomeRegion]).sort(), [['managed', 'us-east-1'], ['second', 'us-west-2']]);
    await ctAs(r, undefined, 'us-west-2').send(new DeleteTrailCommand({ Name: 'second' }));
    assert.deepEqual((await ctAs(r).send(new ListTrailsCommand({}))).Trails?.map((t) => t.Name), ['managed']);
  });

  it('a caller without cloudtrail permissions is refused: AccessDeniedException', async () => {
    const iam = new IAMClient(clientConfig(r));
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }));
    const f = await failure(ctAs(r, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }).send(new ListTrailsCommand({})));
    assert.deepEqual(f, { code: 'AccessDeniedException', status: 400,
      message: `User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: cloudtrail:ListTrails because no identity-based policy allows the cloudtrail:ListTrails action` });
  });
});
