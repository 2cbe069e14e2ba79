import { invalidEventSelectors, invalidInsightSelectors } from './errors.js';
import type { CloudTrailRecord } from './record.js';

/**
 * Which events a trail logs: basic event selectors or advanced event selectors (never both), and Insights
 * selectors. Rules from API_PutEventSelectors / API_AdvancedFieldSelector (botocore cloudtrail service-2.json
 * documentation) and CT-UG logging-data-events-with-cloudtrail / logging-management-events-with-cloudtrail:
 * - "You can use either AdvancedEventSelectors or EventSelectors, but not both. If you apply
 *   AdvancedEventSelectors to a trail, any existing EventSelectors are overwritten."
 * - basic: up to five selectors; data resources AWS::S3::Object, AWS::Lambda::Function, AWS::DynamoDB::Table,
 *   at most 250 values; `arn:aws:s3` (or `arn:aws:s3:::`) selects every bucket, `arn:aws:s3:::bucket/prefix`
 *   selects by prefix; ExcludeManagementEventSources accepts kms.amazonaws.com and rdsdata.amazonaws.com.
 * - advanced: every selector needs an `eventCategory` field selector; `eventCategory` and `resources.type`
 *   only support Equals; an event is logged when every field selector of one selector matches; at most 500
 *   values across all selectors.
 * - default (no custom selectors): all management events, read and write, no data events.
 * Validation messages are the emulator's own wording.
 */

export interface DataResource { Type?: string; Values?: string[] }
export interface EventSelector {
  ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  IncludeManagementEvents?: boolean;
  DataResources?: DataResource[];
  ExcludeManagementEventSources?: string[];
}
export type Operator = 'Equals' | 'StartsWith' | 'EndsWith' | 'NotEquals' | 'NotStartsWith' | 'NotEndsWith';
export type FieldSelector = { Field: string } & Partial<Record<Operator, string[]>>;
export interface AdvancedEventSelector { Name?: string; FieldSelectors: FieldSelector[] }
export interface InsightSelector { InsightType: 'ApiCallRateInsight' | 'ApiErrorRateInsight'; EventCategories?: string[] }

export type Selectors =
  | { kind: 'basic'; selectors: EventSelector[] }
  | { kind: 'advanced'; selectors: AdvancedEventSelector[] };

export const DEFAULT_SELECTORS: Selectors = {
  kind: 'basic',
  selectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
};

const OPERATORS: readonly Operator[] = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'];
const BASIC_TYPES = new Set(['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table']);
const EXCLUDABLE_SOURCES = new Set(['kms.amazonaws.com', 'rdsdata.amazonaws.com']);
const ADVANCED_FIELDS = new Set(['eventCategory', 'eventSource', 'eventName', 'eventType', 'readOnly', 'resources.type', 'resources.ARN',
  'errorCode', 'userIdentity.arn', 'sessionCredentialFromConsole', 'vpcEndpointId']);
const CATEGORIES = new Set(['Management', 'Data', 'NetworkActivity']);

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

// ---- validation ----------------------------------------------------------------------------------------

export function parseSelectors(input: { EventSelectors?: unknown; AdvancedEventSelectors?: unknown }): Selectors {
  const basic = input.EventSelectors;
  const advanced = input.AdvancedEventSelectors;
  if (basic !== undefined && advanced !== undefined) {
    throw invalidEventSelectors('You can use either AdvancedEventSelectors or EventSelectors, but not both.');
  }
  if (advanced !== undefined) return { kind: 'advanced', selectors: parseAdvanced(advanced) };
  if (basic !== undefined) return { kind: 'basic', selectors: parseBasic(basic) };
  throw invalidEventSelectors('Specify either EventSelectors or AdvancedEventSelectors.');
}

function parseBasic(v: unknown): EventSelector[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 5) throw invalidEventSelectors('A trail can have from one to five event selectors.');
  let values = 0;
  return v.map((raw, i): EventSelector => {
    if (!raw || typeof raw !== 'object') throw invalidEventSelectors(`Event selector ${i + 1} is not an object.`);
    const s = raw as Record<string, unknown>;
    const rw = s.ReadWriteType ?? 'All';
    if (rw !== 'ReadOnly' && rw !== 'WriteOnly' && rw !== 'All') throw invalidEventSelectors(`ReadWriteType ${String(rw)} is not valid; use ReadOnly, WriteOnly or All.`);
    const include = s.IncludeManagementEvents ?? true;
    if (typeof include !== 'boolean') throw invalidEventSelectors('IncludeManagementEvents must be a boolean.');
    const exclude = s.ExcludeManagementEventSources ?? [];
    if (!isStringArray(exclude) || exclude.some((x) => !EXCLUDABLE_SOURCES.has(x))) {
      throw invalidEventSelectors('ExcludeManagementEventSources can only contain kms.amazonaws.com and rdsdata.amazonaws.com.');
    }
    const resources = s.DataResources ?? [];
    if (!Array.isArray(resources)) throw invalidEventSelectors('DataResources must be a list.');
    const dataResources = resources.map((r): DataResource => {
      const d = (r ?? {}) as Record<string, unknown>;
      if (typeof d.Type !== 'string' || !BASIC_TYPES.has(d.Type)) {
        throw invalidEventSelectors(`Data resource type ${String(d.Type)} is not valid for basic event selectors; use AWS::S3::Object, AWS::Lambda::Function or AWS::DynamoDB::Table, or advanced event selectors.`);
      }
      const vals = d.Values ?? [];
      if (!isStringArray(vals)) throw invalidEventSelectors('DataResources Values must be a list of ARNs.');
      for (const x of vals) {
        if (d.Type === 'AWS::S3::Object' && !/^arn:aws:s3(:::.*)?$/.test(x)) throw invalidEventSelectors(`Value ${x} is not a valid S3 ARN for AWS::S3::Object; use arn:aws:s3 or arn:aws:s3:::bucket/prefix.`);
      }
      values += vals.length;
      return { Type: d.Type, Values: vals };
    });
    if (values > 250) throw invalidEventSelectors('A trail can have at most 250 data resources across all event selectors.');
    return { ReadWriteType: rw, IncludeManagementEvents: include, DataResources: dataResources, ExcludeManagementEventSources: exclude };
  });
}

function parseAdvanced(v: unknown): AdvancedEventSelector[] {
  if (!Array.isArray(v) || v.length === 0) throw invalidEventSelectors('AdvancedEventSelectors must contain at least one selector.');
  let values = 0;
  const out = v.map((raw, i): AdvancedEventSelector => {
    const s = (raw ?? {}) as Record<string, unknown>;
    const name = s.Name === undefined ? undefined : String(s.Name);
    const label = name ? `Advanced event selector "${name}"` : `Advanced event selector ${i + 1}`;
    if (!Array.isArray(s.FieldSelectors) || s.FieldSelectors.length === 0) throw invalidEventSelectors(`${label} has no FieldSelectors.`);
    const fields = s.FieldSelectors.map((f): FieldSelector => {
      const fs = (f ?? {}) as Record<string, unknown>;
      if (typeof fs.Field !== 'string' || !ADVANCED_FIELDS.has(fs.Field)) throw invalidEventSelectors(`${label}: field ${String(fs.Field)} is not supported.`);
      const out: FieldSelector = { Field: fs.Field };
      let any = false;
      for (const op of OPERATORS) {
        if (fs[op] === undefined) continue;
        if (!isStringArray(fs[op]) || fs[op].length === 0) throw invalidEventSelectors(`${label}: ${fs.Field} ${op} must be a non-empty list of strings.`);
        if ((fs.Field === 'eventCategory' || fs.Field === 'resources.type') && op !== 'Equals') throw invalidEventSelectors(`${label}: ${fs.Field} only supports the Equals operator.`);
        out[op] = fs[op] as string[];
        values += (fs[op] as string[]).length;
        any = true;
      }
      if (!any) throw invalidEventSelectors(`${label}: field ${fs.Field} has no operator.`);
      if (fs.Field === 'readOnly' && (out.Equals ?? []).some((x) => x !== 'true' && x !== 'false')) throw invalidEventSelectors(`${label}: readOnly can only equal true or false.`);
      return out;
    });
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals || category.Equals.some((c) => !CATEGORIES.has(c))) {
      throw invalidEventSelectors(`${label} must have an eventCategory field selector that Equals Management, Data or NetworkActivity.`);
    }
    if (category.Equals.includes('Data') && !fields.some((f) => f.Field === 'resources.type')) {
      throw invalidEventSelectors(`${label} selects data events, so it needs a resources.type field selector.`);
    }
    return name === undefined ? { FieldSelectors: fields } : { Name: name, FieldSelectors: fields };
  });
  if (values > 500) throw invalidEventSelectors('A trail can have at most 500 values across all advanced event selectors.');
  return out;
}

export function parseInsightSelectors(v: unknown): InsightSelector[] {
  if (!Array.isArray(v)) throw invalidInsightSelectors('InsightSelectors must be a list.');
  const seen = new Set<string>();
  return v.map((raw): InsightSelector => {
    const s = (raw ?? {}) as Record<string, unknown>;
    if (s.InsightType !== 'ApiCallRateInsight' && s.InsightType !== 'ApiErrorRateInsight') {
      throw invalidInsightSelectors(`Insight type ${String(s.InsightType)} is not valid; use ApiCallRateInsight or ApiErrorRateInsight.`);
    }
    if (seen.has(s.InsightType)) throw invalidInsightSelectors(`Insight type ${s.InsightType} is listed twice.`);
    seen.add(s.InsightType);
    return isStringArray(s.EventCategories) ? { InsightType: s.InsightType, EventCategories: s.EventCategories } : { InsightType: s.InsightType };
  });
}

// ---- matching ------------------------------------------------------------------------------------------

const arnsOf = (r: CloudTrailRecord, type?: string): string[] =>
  (r.resources ?? []).filter((x) => type === undefined || x.type === type).map((x) => x.ARN ?? x.ARNPrefix ?? '').filter(Boolean);

function basicMatches(s: EventSelector, r: CloudTrailRecord): boolean {
  const rw = s.ReadWriteType ?? 'All';
  if ((rw === 'ReadOnly' && !r.readOnly) || (rw === 'WriteOnly' && r.readOnly)) return false;
  if (r.eventCategory === 'Management') {
    return (s.IncludeManagementEvents ?? true) && !(s.ExcludeManagementEventSources ?? []).includes(r.eventSource);
  }
  for (const d of s.DataResources ?? []) {
    const arns = arnsOf(r, d.Type);
    if (arns.length === 0) continue;
    for (const v of d.Values ?? []) {
      if (v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || v === 'arn:aws:lambda' || v === 'arn:aws:dynamodb') return true;
      if (arns.some((a) => a.startsWith(v))) return true;
    }
  }
  return false;
}

function fieldValues(field: string, r: CloudTrailRecord): string[] {
  switch (field) {
    case 'eventCategory': return [r.eventCategory];
    case 'eventSource': return [r.eventSource];
    case 'eventName': return [r.eventName];
    case 'eventType': return [r.eventType];
    case 'readOnly': return [String(r.readOnly)];
    case 'resources.type': return (r.resources ?? []).map((x) => x.type);
    case 'resources.ARN': return arnsOf(r);
    case 'errorCode': return r.errorCode ? [r.errorCode] : [];
    case 'userIdentity.arn': return r.userIdentity.arn ? [r.userIdentity.arn] : [];
    case 'sessionCredentialFromConsole': return ['false'];
    default: return [];
  }
}

function fieldMatches(f: FieldSelector, r: CloudTrailRecord): boolean {
  const values = fieldValues(f.Field, r);
  const some = (pred: (v: string, x: string) => boolean, xs?: string[]) => values.some((v) => (xs ?? []).some((x) => pred(v, x)));
  if (f.Equals && !some((v, x) => v === x, f.Equals)) return false;
  if (f.StartsWith && !some((v, x) => v.startsWith(x), f.StartsWith)) return false;
  if (f.EndsWith && !some((v, x) => v.endsWith(x), f.EndsWith)) return false;
  if (f.NotEquals && some((v, x) => v === x, f.NotEquals)) return false;
  if (f.NotStartsWith && some((v, x) => v.startsWith(x), f.NotStartsWith)) return false;
  if (f.NotEndsWith && some((v, x) => v.endsWith(x), f.NotEndsWith)) return false;
  return true;
}

/** Whether a trail with these selectors logs this record. */
export function selects(sel: Selectors, r: CloudTrailRecord): boolean {
  if (sel.kind === 'basic') return sel.selectors.some((s) => basicMatches(s, r));
  return sel.selectors.some((s) => s.FieldSelectors.every((f) => fieldMatches(f, r)));
}

/** Whether the trail logs management events of a kind (Insights prerequisites: write events for call rate, any for error rate). */
export function logsManagement(sel: Selectors, readOnly: boolean | 'any'): boolean {
  const probe = (ro: boolean): CloudTrailRecord => ({ eventCategory: 'Management', readOnly: ro, eventSource: 'x.amazonaws.com', eventName: 'X',
    eventType: 'AwsApiCall', userIdentity: { type: 'Root' } } as CloudTrailRecord);
  if (readOnly === 'any') return selects(sel, probe(true)) || selects(sel, probe(false));
  return selects(sel, probe(readOnly));
}
