/** The parts of a CloudTrail record the lab reads (AWS's record shape, eventVersion 1.x). */
export interface CloudTrailRecord {
  eventVersion?: string;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  eventID?: string;
  eventCategory?: string;
  managementEvent?: boolean;
  readOnly?: boolean;
  userIdentity?: {
    type?: string;
    principalId?: string;
    arn?: string;
    accountId?: string;
    invokedBy?: string;
    sessionContext?: { sessionIssuer?: { type?: string; arn?: string; userName?: string } };
  };
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  resources?: { ARN?: string; ARNPrefix?: string; type?: string; accountId?: string }[];
  [field: string]: unknown;
}

/** A record and where it was found: "LookupEvents" or the S3 key of the delivered log file. */
export interface FoundRecord {
  record: CloudTrailRecord;
  source: string;
}

/** One line per record for failure messages: when, what, who, on what, and how it ended. */
export function summarize(r: CloudTrailRecord): string {
  const who = r.userIdentity?.arn ?? (r.userIdentity?.accountId === 'anonymous' ? 'anonymous' : r.userIdentity?.type ?? '?');
  const service = (r.eventSource ?? '?').replace('.amazonaws.com', '');
  const on = r.resources?.map((x) => x.ARN ?? x.ARNPrefix).filter(Boolean).join(', ');
  const by = r.userIdentity?.invokedBy ? ` via ${r.userIdentity.invokedBy}` : '';
  const err = r.errorCode ? ` → ${r.errorCode}` : '';
  return `${r.eventTime ?? '?'} ${service}:${r.eventName ?? '?'} by ${who}${by}${on ? ` on ${on}` : ''}${err}`;
}
