import type { Emulator } from './core/emulator.js';
import { registerCloudTrail } from './cloudtrail/index.js';
import { registerIam } from './iam/index.js';
import { registerKms } from './kms/index.js';
import { registerS3 } from './s3/index.js';
import { registerSts } from './sts/index.js';

/** Every service the endpoint speaks. Each service module registers its operations and state here. */
export function registerServices(emulator: Emulator): void {
  registerIam(emulator);
  registerKms(emulator);
  registerSts(emulator);
  registerS3(emulator);
  registerCloudTrail(emulator);
}
