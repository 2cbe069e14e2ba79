import type { AnyActorName } from '../actors.js';
import type { EventExpectation, ExpectedPrincipal } from '../cloudtrail/match.js';
import type { LabWorld } from '../world.js';

/** CloudTrail event times and Last-Modified are whole seconds and come from different clocks. */
const TIME_TOLERANCE_MS = 2 * 60_000;

/** "kms:GenerateDataKey" → kms.amazonaws.com / GenerateDataKey. */
export function parseOperation(op: string): { service: string; eventSource: string; eventName: string } {
  const m = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(op);
  if (!m) throw new Error(`"${op}" is not an operation like kms:GenerateDataKey or s3:GetObject.`);
  return { service: m[1]!, eventSource: `${m[1]}.amazonaws.com`, eventName: m[2]! };
}

function principal(world: LabWorld, name: AnyActorName): ExpectedPrincipal {
  if (name === 'anonymous') return { kind: 'anonymous' };
  const a = world.actor(name);
  return { kind: 'role', label: `"${name}"`, roleArn: a.roleArn, sessionArn: a.sessionArn };
}

const QUOTED_OBJECT = /^"([^"]+)" in "([^"]+)"$/;

/**
 * The optional details of "CloudTrail eventually shows …, with:" as the feature writes them:
 *   | invoked by     | s3.amazonaws.com                                    |
 *   | for the object | "image.png" in "lab-data"                           |
 *   | at             | the Last-Modified time of "image.png" in "lab-data" |
 *   | error          | AccessDenied                                        |
 */
function applyDetails(world: LabWorld, exp: EventExpectation, details: Record<string, string>): void {
  for (const [field, raw] of Object.entries(details)) {
    const value = world.expand(raw.trim());
    switch (field.trim().toLowerCase()) {
      case 'invoked by':
        exp.invokedBy = value;
        break;
      case 'for the object': {
        const m = QUOTED_OBJECT.exec(value);
        if (!m) throw new Error(`"for the object" must read "<key>" in "<bucket>", not ${value}`);
        exp.encryptionContext = { 'aws:s3:arn': `${world.bucket(m[2]!).arn}/${m[1]}` };
        break;
      }
      case 'at': {
        const m = /Last-Modified time of "([^"]+)" in "([^"]+)"/.exec(value);
        if (!m) throw new Error(`"at" must read the Last-Modified time of "<key>" in "<bucket>", not ${value}`);
        const lastModified = world.object(m[2]!, m[1]!).head?.lastModified;
        if (!lastModified) throw new Error(`The Last-Modified time of "${m[1]}" was not kept; add "the Last-Modified time of … is kept for the audit" or upload it with a "has uploaded" step.`);
        exp.near = { time: lastModified, toleranceMs: TIME_TOLERANCE_MS, label: `the Last-Modified time of "${m[1]}"` };
        break;
      }
      case 'error':
        exp.errorCode = value;
        break;
      default:
        throw new Error(`Unknown detail "${field}"; use invoked by, for the object, at, error.`);
    }
  }
}

/** `"student" calling kms:GenerateDataKey on "myFirstKey"`: a KMS event on a key of this scenario. */
export function keyEvent(world: LabWorld, who: AnyActorName, op: string, keyLogical: string, details: Record<string, string> = {}): EventExpectation {
  const { eventSource, eventName } = parseOperation(op);
  const key = world.key(keyLogical);
  const exp: EventExpectation = {
    description: `${who === 'anonymous' ? 'an anonymous caller' : `"${who}"`} calling ${op} on "${keyLogical}" (${key.arn})`,
    eventSource,
    eventName,
    principal: principal(world, who),
    resourceArns: [key.arn],
    errorCode: null,
  };
  applyDetails(world, exp, details);
  return exp;
}

/** `anonymous calling s3:GetObject on "image.png" in "lab-data"`: an S3 object-level (data) event. */
export function objectEvent(world: LabWorld, who: AnyActorName, op: string, key: string, bucketLogical: string, errorCode: string | null = null): EventExpectation {
  const { eventSource, eventName } = parseOperation(op);
  const bucket = world.bucket(bucketLogical);
  return {
    description: `${who === 'anonymous' ? 'an anonymous visitor' : `"${who}"`} calling ${op} on "${key}" in "${bucketLogical}" (s3://${bucket.name}/${key})${errorCode ? `, refused with ${errorCode}` : ''}`,
    eventSource,
    eventName,
    principal: principal(world, who),
    requestParameters: { bucketName: bucket.name, key },
    errorCode,
  };
}
