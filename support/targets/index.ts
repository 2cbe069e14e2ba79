import type { TargetName } from '../parameters.js';
import { awsTarget } from './aws.js';
import { embeddedTarget } from './embedded.js';
import { localstackTarget } from './localstack.js';
import { motoTarget } from './moto.js';
import type { Target } from './types.js';

const TARGETS: Record<TargetName, Target> = {
  embedded: embeddedTarget,
  localstack: localstackTarget,
  moto: motoTarget,
  aws: awsTarget,
};

export function targetFor(name: TargetName): Target {
  return TARGETS[name];
}

export type { RunningTarget, Target, Connection, Timing } from './types.js';
