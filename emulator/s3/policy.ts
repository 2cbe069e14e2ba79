import { AwsError } from '../core/errors.js';
import type { CallContext } from '../core/service.js';
import { validatePolicy } from '../policy/validate.js';

/**
 * PutBucketPolicy's checks, answered in S3's words (400 MalformedPolicy). Recorded/observed texts:
 * - "Policies must be valid JSON and the first byte must be '{'", "Missing required field Statement"
 *   (LS-SNAP test_bucket_policy_exc);
 * - "Invalid principal in policy", "Policy has invalid resource", "Action does not apply to any
 *   resource(s) in statement" (AWS CLI output quoted in public repositories, e.g. aws s3api
 *   put-bucket-policy with a user that does not exist yet);
 * - "Missing required field Principal" / "… Effect" (the same family, inference for the other fields).
 * The grammar itself (actions that exist, condition operators) is the shared policy validator's.
 */

const malformed = (message: string): AwsError => new AwsError('MalformedPolicy', message, 400);

/** s3 actions whose resource is an object ARN (Service Authorization Reference, Amazon S3, resource "object"). */
const OBJECT_ACTIONS = new Set(
  [
    'AbortMultipartUpload', 'DeleteObject', 'DeleteObjectTagging', 'DeleteObjectVersion', 'DeleteObjectVersionTagging', 'GetObject',
    'GetObjectAcl', 'GetObjectAttributes', 'GetObjectLegalHold', 'GetObjectRetention', 'GetObjectTagging', 'GetObjectTorrent',
    'GetObjectVersion', 'GetObjectVersionAcl', 'GetObjectVersionAttributes', 'GetObjectVersionForReplication', 'GetObjectVersionTagging',
    'GetObjectVersionTorrent', 'ListMultipartUploadParts', 'PutObject', 'PutObjectAcl', 'PutObjectLegalHold', 'PutObjectRetention',
    'PutObjectTagging', 'PutObjectVersionAcl', 'PutObjectVersionTagging', 'RestoreObject', 'ReplicateObject', 'ReplicateDelete',
    'ReplicateTags', 'BypassGovernanceRetention', 'ObjectOwnerOverrideToBucketOwner', 'InitiateReplication',
  ].map((a) => a.toLowerCase()),
);

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export async function checkBucketPolicy(ctx: CallContext, bucket: string, text: string): Promise<void> {
  if (!text.trimStart().startsWith('{')) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  const d = doc as Record<string, unknown>;
  if (d.Statement === undefined) throw malformed('Missing required field Statement');

  for (const raw of list(d.Statement)) {
    if (!raw || typeof raw !== 'object') throw malformed('Invalid policy syntax.');
    const s = raw as Record<string, unknown>;
    for (const field of ['Effect', 'Principal']) {
      if (s[field] === undefined && !(field === 'Principal' && s.NotPrincipal !== undefined)) throw malformed(`Missing required field ${field}`);
    }
    if (s.Action === undefined && s.NotAction === undefined) throw malformed('Missing required field Action');
    if (s.Resource === undefined && s.NotResource === undefined) throw malformed('Missing required field Resource');
    checkResourcesAndActions(bucket, s);
  }

  const problems = await validatePolicy(doc, {
    kind: 'resource',
    principalExists: (arn) => ctx.emulator.identity.principalExists(arn),
  });
  const first = problems[0];
  if (!first) return;
  const m = first.message;
  if (/Principal|principal/.test(m)) throw malformed('Invalid principal in policy');
  if (/Action/.test(m)) throw malformed('Policy has invalid action');
  if (/Resource/.test(m)) throw malformed('Policy has invalid resource');
  if (/Condition/.test(m)) throw malformed('Policy has an invalid condition key');
  throw malformed(m.replace(/^Statement \d+: /, ''));
}

/** Resources must be this bucket or its objects; at least one action must apply to one of them. */
function checkResourcesAndActions(bucket: string, s: Record<string, unknown>): void {
  const resources = list(s.Resource ?? s.NotResource).map(String);
  const kinds = new Set<'bucket' | 'object'>();
  for (const r of resources) {
    const m = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(r);
    if (!m || !globMatches(m[1]!, bucket)) throw malformed('Policy has invalid resource');
    kinds.add(m[2] === undefined ? 'bucket' : 'object');
  }
  if (s.NotAction !== undefined || s.NotResource !== undefined) return;
  const applies = list(s.Action).some((a) => {
    const action = String(a);
    if (action === '*') return true;
    const [service, name = ''] = action.split(':');
    if (service?.toLowerCase() !== 's3') throw malformed('Policy has invalid action');
    if (/[*?]/.test(name)) return true;
    return kinds.has(OBJECT_ACTIONS.has(name.toLowerCase()) ? 'object' : 'bucket');
  });
  if (!applies) throw malformed('Action does not apply to any resource(s) in statement');
}

function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}
