import { randomUUID } from 'node:crypto';
import type { Emulator, StatefulService } from '../core/emulator.js';
import { Delivery } from './delivery.js';
import { DigestKeys } from './digest.js';
import { InsightsModel } from './insights.js';
import { EventStore } from './store.js';
import { RateLimiter } from './throttle.js';
import { TrailRegistry } from './trails.js';

/** Everything CloudTrail keeps, for all accounts and Regions; cleared by POST /_emulator/reset. */
export class CloudTrailState implements StatefulService {
  readonly trails = new TrailRegistry();
  readonly events = new EventStore();
  readonly keys: DigestKeys;
  readonly delivery: Delivery;
  readonly insights = new InsightsModel(randomUUID);
  /** LookupEvents: two requests per second per account and Region (API_LookupEvents). */
  readonly lookupLimiter = new RateLimiter(2);

  constructor(readonly emulator: Emulator) {
    this.keys = new DigestKeys(() => emulator.clock());
    this.delivery = new Delivery(emulator, this.keys);
  }

  reset(): void {
    this.trails.reset();
    this.events.reset();
    this.delivery.reset();
    this.insights.reset();
    this.lookupLimiter.reset();
    // The signing keys survive a reset, as AWS's Regional keys outlive any account's trails.
  }
}
