import type { CallRecord } from '../core/call-record.js';
import { ctTime, lookupUsername, userIdentity, type UserIdentity } from './user-identity.js';

/**
 * CallRecord → CloudTrail record. Pure: no clock, no randomness (ids are passed in), no state.
 *
 * Field set and order follow the lab's real record (/work/shared/seed/000_ceabfa6cfed72b48.txt, eventVersion
 * 1.11): eventVersion, userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress,
 * userAgent, errorCode, errorMessage, requestParameters, responseElements, additionalEventData, requestID,
 * eventID, readOnly, resources, eventType, managementEvent, recipientAccountId, [sharedEventID],
 * eventCategory, [tlsDetails]. Field meanings: docs.aws.amazon.com/awscloudtrail/latest/userguide/
 * cloudtrail-event-reference-record-contents.html ("record contents" below).
 */
export const EVENT_VERSION = '1.11';

export interface RecordResource {
  accountId?: string;
  type: string;
  ARN?: string;
  /** List calls name a key prefix rather than an object (seed: ListObjects → `{"type":"AWS::S3::Object","ARNPrefix":"arn:aws:s3:::bucket/"}`). */
  ARNPrefix?: string;
}

export type EventCategory = 'Management' | 'Data' | 'Insight';

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: RecordResource[];
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
}

const S3 = 's3.amazonaws.com';
const KMS = 'kms.amazonaws.com';

/**
 * S3 object-level operations, which CloudTrail records as data events ("Amazon S3 object-level API activity
 * (for example, GetObject, DeleteObject, and PutObject API operations)" — CT-UG logging-data-events-with-
 * cloudtrail; the seed shows ListObjects as `eventCategory: "Data"`, `managementEvent: false`). Used only
 * when the S3 module has not said so itself in `audit.eventCategory`.
 */
export const S3_DATA_EVENTS: ReadonlySet<string> = new Set([
  'AbortMultipartUpload', 'CompleteMultipartUpload', 'CopyObject', 'CreateMultipartUpload', 'DeleteObject', 'DeleteObjects',
  'DeleteObjectTagging', 'GetObject', 'GetObjectAcl', 'GetObjectAttributes', 'GetObjectLegalHold', 'GetObjectRetention',
  'GetObjectTagging', 'GetObjectTorrent', 'HeadObject', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListParts',
  'PutObject', 'PutObjectAcl', 'PutObjectLegalHold', 'PutObjectRetention', 'PutObjectTagging', 'RestoreObject',
  'SelectObjectContent', 'UploadPart', 'UploadPartCopy',
]);

/** CloudTrail logs a ListObjectsV2 request as eventName "ListObjects" with `list-type: "2"` in its parameters (seed). */
const EVENT_NAME_ALIASES: Readonly<Record<string, string>> = { 'ListObjectsV2': 'ListObjects' };

const READ_PREFIXES = /^(Get|List|Describe|Head|Lookup|Select)/;

export interface Classification {
  category: 'Management' | 'Data';
  readOnly: boolean;
}

export function classify(call: CallRecord): Classification {
  const category = call.audit.eventCategory
    ?? (call.eventSource === S3 && S3_DATA_EVENTS.has(call.eventName) ? 'Data' : 'Management');
  const readOnly = call.audit.readOnly ?? call.readOnly ?? READ_PREFIXES.test(call.eventName);
  return { category, readOnly };
}

// ---- secrets --------------------------------------------------------------------------------------

/**
 * Keys that never reach a record whatever a service put in its audit notes (DESIGN.md: secrets never reach a
 * log). KMS omits Plaintext and ciphertext from its records (KMS-DG ct-decrypt / logging-using-cloudtrail);
 * AWS itself logs AssumeRole's sessionToken, which this emulator deliberately does not.
 */
const SECRET_KEYS = new Set(['plaintext', 'secretaccesskey', 'sessiontoken', 'password', 'privatekey', 'privatekeyplaintext',
  'secretstring', 'secretbinary', 'ciphertextblob', 'ciphertextforrecipient', 'signature', 'x-amz-security-token']);

export function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return undefined;
  if (v instanceof Date) return ctTime(v);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_KEYS.has(k.toLowerCase()) || x === undefined) continue;
      const r = redact(x);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return v;
}

const redactObject = (v: Record<string, unknown> | null | undefined): Record<string, unknown> | null =>
  v ? (redact(v) as Record<string, unknown>) : null;

// ---- resources ---------------------------------------------------------------------------------------

function s3ParamsOf(call: CallRecord): { bucket?: string; key?: string } {
  const p = call.audit.requestParameters ?? {};
  const bucket = typeof p.bucketName === 'string' ? p.bucketName : undefined;
  const key = typeof p.key === 'string' ? p.key : undefined;
  return { bucket, key };
}

/**
 * Resources as the service named them, in AWS's member order (accountId, type, ARN). An S3 object
 * resource whose ARN ends in "/" is a prefix and is written as ARNPrefix (seed, ListObjects). When the S3
 * module names no resources for a data event, they are derived from bucketName/key: the object, then its
 * bucket with the owner's account (CT-UG S3 data event examples).
 */
export function resourcesOf(call: CallRecord, category: 'Management' | 'Data', bucketOwner?: string): RecordResource[] | undefined {
  const given = call.audit.resources;
  if (given && given.length > 0) {
    return given.map((r): RecordResource => {
      const prefix = r.type === 'AWS::S3::Object' && r.ARN.endsWith('/') && !r.accountId;
      return { ...(r.accountId ? { accountId: r.accountId } : {}), type: r.type, ...(prefix ? { ARNPrefix: r.ARN } : { ARN: r.ARN }) };
    });
  }
  if (call.eventSource !== S3 || category !== 'Data') return undefined;
  const { bucket, key } = s3ParamsOf(call);
  if (!bucket) return undefined;
  const bucketRes: RecordResource = bucketOwner
    ? { accountId: bucketOwner, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }
    : { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` };
  if (key === undefined) return [bucketRes, { type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/` }];
  return [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }, bucketRes];
}

// ---- recipients ----------------------------------------------------------------------------------------

const isAccount = (s: string | undefined): s is string => !!s && /^\d{12}$/.test(s);

/**
 * Which accounts receive the record. AWS: "Generally, both API callers and resource owners can receive
 * events" (CT-UG logging-data-events-with-cloudtrail, "Logging data events for S3 objects in other AWS
 * accounts"); KMS: cross-account operations "are logged in both the caller account and the KMS key owner
 * account. However, cross-account AWS KMS requests that are rejected because access is denied are logged only
 * in the caller's account" (KMS-DG logging-using-cloudtrail). So: the caller's account (not for the anonymous
 * caller or an AWS service) plus the resource owner — `audit.recipientAccountId`, else the accounts named in
 * `audit.resources`, else (S3) the bucket's owner — except a denied cross-account KMS call.
 */
export function recipientsOf(call: CallRecord, bucketOwner?: string): string[] {
  const out = new Set<string>();
  if (isAccount(call.principal.accountId)) out.add(call.principal.accountId);
  let owners: string[] = [];
  if (isAccount(call.audit.recipientAccountId)) owners = [call.audit.recipientAccountId];
  else if (call.audit.resources?.some((r) => isAccount(r.accountId))) owners = call.audit.resources.map((r) => r.accountId).filter(isAccount);
  else if (isAccount(bucketOwner)) owners = [bucketOwner];
  const deniedKms = call.eventSource === KMS && !!call.error && /^AccessDenied/.test(call.error.code);
  const crossAccount = owners.some((o) => o !== call.principal.accountId);
  if (!(deniedKms && crossAccount && out.size > 0)) for (const o of owners) out.add(o);
  return [...out];
}

// ---- the record ----------------------------------------------------------------------------------------

/** S3's additionalEventData, in the seed's member order; CipherSuite only exists over TLS. */
function s3AdditionalEventData(call: CallRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (call.signatureVersion) out.SignatureVersion = call.signatureVersion;
  out.bytesTransferredIn = call.bytesIn;
  if (call.authMethod) out.AuthenticationMethod = call.authMethod;
  const given = call.audit.additionalEventData ?? {};
  if (given['x-amz-id-2'] !== undefined) out['x-amz-id-2'] = given['x-amz-id-2'];
  out.bytesTransferredOut = call.bytesOut;
  return { ...out, ...given };
}

export interface RecordIds {
  eventId: string;
  recipientAccountId: string;
  /** Present when the same call is delivered to more than one account (record contents, sharedEventID). */
  sharedEventId?: string;
  /** The bucket owner, for S3 calls whose audit notes don't name one. */
  bucketOwner?: string;
}

export function toRecord(call: CallRecord, ids: RecordIds): CloudTrailRecord {
  const { category, readOnly } = classify(call);
  const invokedBy = call.audit.invokedBy;
  // "For services in AWS, only the DNS name is displayed" (sourceIPAddress); for events AWS originates
  // userAgent is "the event source of the calling service" (record contents; KMS-DG S3 example).
  const serviceCaller = call.principal.kind === 'service' ? (call.principal.servicePrincipal ?? invokedBy) : invokedBy;
  let userAgent = serviceCaller ?? call.userAgent;
  // S3 writes the user agent in brackets (seed: "[Mozilla/5.0 (Windows NT 10.0; …)]").
  if (!serviceCaller && call.eventSource === S3 && userAgent && !userAgent.startsWith('[')) userAgent = `[${userAgent}]`;
  userAgent = userAgent.slice(0, 1024); // "maximum size of 1 KB; content exceeding that limit is truncated"

  const additional = call.eventSource === S3 ? s3AdditionalEventData(call) : call.audit.additionalEventData;
  const resources = resourcesOf(call, category, ids.bucketOwner);

  const record: CloudTrailRecord = {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentity(call.principal, invokedBy),
    eventTime: ctTime(call.time),
    eventSource: call.eventSource,
    eventName: (call.eventSource === S3 ? EVENT_NAME_ALIASES[call.eventName] : undefined) ?? call.eventName,
    awsRegion: call.region,
    sourceIPAddress: serviceCaller ?? call.sourceIp,
    userAgent,
  } as CloudTrailRecord;
  if (call.error) {
    record.errorCode = call.error.code;
    record.errorMessage = call.error.message;
  }
  record.requestParameters = redactObject(call.audit.requestParameters);
  // "For readOnly APIs, this field is null" (record contents, responseElements).
  record.responseElements = readOnly ? null : redactObject(call.audit.responseElements);
  if (additional && Object.keys(additional).length > 0) record.additionalEventData = redact(additional) as Record<string, unknown>;
  record.requestID = call.requestId;
  record.eventID = ids.eventId;
  record.readOnly = readOnly;
  if (resources) record.resources = resources;
  record.eventType = 'AwsApiCall';
  record.managementEvent = category === 'Management';
  record.recipientAccountId = ids.recipientAccountId;
  if (ids.sharedEventId) record.sharedEventID = ids.sharedEventId;
  record.eventCategory = category;
  // tlsDetails: "not present if the API call was made by an AWS service on your behalf" (record contents);
  // the emulator speaks plain HTTP, so there is never a TLS version or cipher suite to report.
  return record;
}

// ---- what LookupEvents shows of a record ----------------------------------------------------------------

export interface LookupFields {
  username?: string;
  accessKeyId?: string;
  resources: Array<{ ResourceType: string; ResourceName: string }>;
}

/**
 * Event history's summary fields (API_LookupEvents `Event`): Username (see lookupUsername), AccessKeyId, and
 * Resources as {ResourceType, ResourceName} — the record's resources, S3 buckets by name (as the console's
 * Event history shows them), everything else by ARN.
 */
export function lookupFields(call: CallRecord, record: CloudTrailRecord): LookupFields {
  const resources = (record.resources ?? []).flatMap((r) => {
    const arn = r.ARN ?? r.ARNPrefix;
    if (!arn) return [];
    const name = r.type === 'AWS::S3::Bucket' ? arn.replace(/^arn:aws:s3:::/, '') : arn;
    return [{ ResourceType: r.type, ResourceName: name }];
  });
  return { username: lookupUsername(call.principal), accessKeyId: call.principal.accessKeyId, resources };
}
