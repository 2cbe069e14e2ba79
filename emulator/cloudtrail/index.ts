import type { Emulator } from '../core/emulator.js';
import { AwsError } from '../core/errors.js';
import type { RpcService } from '../core/service.js';
import { operations, READ_ONLY } from './api.js';
import type { DeliveryReport } from './delivery.js';
import type { InsightRecord } from './insights.js';
import { Recorder } from './recorder.js';
import { CloudTrailState } from './state.js';

export { CloudTrailState } from './state.js';

export interface DeliverResult extends DeliveryReport {
  insights: Array<Pick<InsightRecord, 'eventID' | 'eventTime' | 'awsRegion' | 'recipientAccountId'> & { state: string; insightType: string }>;
}

/**
 * CloudTrail in the emulator: the API, the recorder that turns every answered call into records, and
 * delivery of log, Insights and digest files to S3 — every `cloudtrailDeliverySeconds` (0: never on a
 * timer) and on `POST /_emulator/cloudtrail/deliver`, which delivers everything pending now and returns
 * what it wrote.
 */
export function registerCloudTrail(emulator: Emulator): CloudTrailState {
  const state = emulator.track(new CloudTrailState(emulator));
  const recorder = new Recorder(state);

  const service: RpcService = {
    signingName: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    protocol: 'json',
    targetPrefix: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101',
    targetPrefixAliases: ['CloudTrail_20131101'],
    operations: operations(state),
    readOnly: READ_ONLY,
  };
  emulator.register(service);

  emulator.calls.on('call', (call) => {
    try {
      recorder.onCall(call);
    } catch (e) {
      // A recorder bug must not take the endpoint down; say so without the call's contents.
      process.stderr.write(`kms-lab emulator: CloudTrail could not record ${call.eventSource} ${call.eventName}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  });

  const deliver = (mode: 'admin' | 'timer'): DeliverResult => {
    const now = emulator.clock();
    const insights = recorder.publishInsights(now);
    const report = state.delivery.deliver(state.trails.all(), now, mode);
    return {
      ...report,
      insights: insights.map((r) => ({ eventID: r.eventID, eventTime: r.eventTime, awsRegion: r.awsRegion, recipientAccountId: r.recipientAccountId,
        state: r.insightDetails.state, insightType: r.insightDetails.insightType })),
    };
  };
  emulator.adminRoutes.set('POST /_emulator/cloudtrail/deliver', () => deliver('admin'));
  // LookupEvents' rate limit (AWS: 2 per second per account and Region); {"perSecond": 0} lifts it (benchmarks).
  emulator.adminRoutes.set('POST /_emulator/cloudtrail/lookup-rate', (body) => {
    const rate = body.perSecond;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw new AwsError('ValidationError', 'perSecond must be a number of LookupEvents requests per second, 0 or more (0 = no limit).');
    }
    state.lookupLimiter.setRate(rate);
    return { perSecond: rate };
  });

  const seconds = emulator.config.cloudtrailDeliverySeconds;
  if (seconds > 0) {
    const timer = setInterval(() => {
      try {
        deliver('timer');
      } catch (e) {
        process.stderr.write(`kms-lab emulator: CloudTrail delivery failed: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }, seconds * 1000);
    timer.unref();
  }
  return state;
}
