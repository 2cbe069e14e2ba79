import type { IdentityStore } from '../identity/store.js';
import { validatePolicy } from '../policy/validate.js';
import { limitExceeded, malformedPolicy } from './errors.js';

/*
 * What IAM refuses in a policy document, with the MalformedPolicyDocument text AWS gives:
 * - "Syntax errors in policy." — PutUserPolicy/CreatePolicy with text that is not a policy
 *   (github.com/aws/aws-cli/issues/3501, github.com/99designs/iamy/issues/74);
 * - "This policy contains invalid Json" — CreateRole with a trust policy that is not JSON (localstack
 *   IAM snapshot test_create_role_with_malformed_assume_role_policy_document, recorded against AWS);
 * - "Policy document should not specify a principal." (github.com/hashicorp/terraform/issues/13449);
 * - "Policy statement must contain actions." (github.com/aws/aws-cdk/issues/9633);
 * - "Policy statement must contain resources." (github.com/hashicorp/terraform/issues/17987);
 * - "Actions/Condition can contain only one colon." (github.com/garnaat/kappa/issues/111);
 * - `Resource X must be in ARN format or "*".` (github.com/trussworks/terraform-aws-s3-anti-virus/issues/21);
 * - "Statement IDs (SID) in a single policy must be unique." (IAM's text for duplicate Sids; from memory
 *   of AWS answers, not re-verified here);
 * - trust policies: "Has prohibited field Resource" (github.com/kubernetes-sigs/external-dns/issues/3085),
 *   "AssumeRole policy may only specify STS AssumeRole actions." (github.com/hashicorp/terraform-provider-aws/issues/32872,
 *   caused by the unknown action sts:TagSessions), `Invalid principal in policy: "AWS":"<arn>"` for a
 *   principal that does not exist (github.com/opstrace/opstrace/issues/88), and the statement-without-
 *   principal text (github.com/terraform-aws-modules/terraform-aws-iam/issues/47).
 * IAM does NOT refuse unknown actions in identity policies: AWS accepted "apigatway:PUT" in
 * PutUserPolicy/PutRolePolicy (localstack IAM snapshot TestIAMPolicyEncoding). Anything else the shared
 * validator finds is answered with IAM's generic "Syntax errors in policy.".
 */

type Json = Record<string, unknown>;

const SYNTAX = 'Syntax errors in policy.';
/** Action-existence findings of the shared validator, which IAM itself does not make for identity policies. */
const ACTION_EXISTENCE = /unknown service prefix|is not a known .* action|matches no .* action/;
/** The STS actions a trust policy may grant (STS API reference; session tags and source identity docs). */
const TRUST_ACTIONS = ['assumerole', 'assumerolewithsaml', 'assumerolewithwebidentity', 'tagsession', 'setsourceidentity', 'setcontext'];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function statements(doc: unknown): Json[] {
  if (!isObject(doc) || doc.Statement === undefined) throw malformedPolicy(SYNTAX);
  const all = list(doc.Statement);
  if (all.length === 0 || !all.every(isObject)) throw malformedPolicy(SYNTAX);
  return all as Json[];
}

function parse(text: string, invalidJson: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw malformedPolicy(invalidJson);
  }
}

/** Inline and managed policies attached to users and roles. */
export async function checkIdentityPolicy(text: string): Promise<void> {
  const doc = parse(text, SYNTAX);
  const all = statements(doc);
  const sids = all.map((s) => s.Sid).filter((sid) => typeof sid === 'string' && sid !== '');
  if (new Set(sids).size !== sids.length) throw malformedPolicy('Statement IDs (SID) in a single policy must be unique.');
  for (const s of all) {
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformedPolicy('Policy document should not specify a principal.');
    if (s.Action === undefined && s.NotAction === undefined) throw malformedPolicy('Policy statement must contain actions.');
    if (s.Resource === undefined && s.NotResource === undefined) throw malformedPolicy('Policy statement must contain resources.');
    for (const action of list(s.Action ?? s.NotAction)) {
      if (typeof action !== 'string') throw malformedPolicy(SYNTAX);
      if (action === '*') continue;
      const colons = action.split(':').length - 1;
      if (colons === 0) throw malformedPolicy('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
      if (colons > 1) throw malformedPolicy('Actions/Condition can contain only one colon.');
    }
    for (const resource of list(s.Resource ?? s.NotResource)) {
      if (typeof resource !== 'string') throw malformedPolicy(SYNTAX);
      if (resource !== '*' && !resource.startsWith('arn:')) throw malformedPolicy(`Resource ${resource} must be in ARN format or "*".`);
    }
  }
  const problems = (await validatePolicy(doc, { kind: 'identity' })).filter((p) => !ACTION_EXISTENCE.test(p.message));
  if (problems.length > 0) throw malformedPolicy(SYNTAX);
}

function trustAction(action: unknown): boolean {
  if (typeof action !== 'string') return false;
  if (action === '*') return true;
  const m = /^sts:(.+)$/i.exec(action);
  if (!m) return false;
  const re = new RegExp('^' + m[1].toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return TRUST_ACTIONS.some((a) => re.test(a));
}

/** A role's trust policy (CreateRole, UpdateAssumeRolePolicy). Principals must exist, as on AWS. */
export async function checkTrustPolicy(text: string, identity: IdentityStore): Promise<void> {
  const doc = parse(text, 'This policy contains invalid Json');
  for (const s of statements(doc)) {
    if (s.Resource !== undefined) throw malformedPolicy('Has prohibited field Resource');
    if (s.NotResource !== undefined) throw malformedPolicy('Has prohibited field NotResource');
    if (!list(s.Action ?? s.NotAction).every(trustAction)) throw malformedPolicy('AssumeRole policy may only specify STS AssumeRole actions.');
    const principal = s.Principal ?? s.NotPrincipal;
    if (principal === undefined) {
      throw malformedPolicy('Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!');
    }
    if (isObject(principal)) {
      for (const value of list(principal.AWS)) {
        if (typeof value !== 'string' || !awsPrincipalOk(value, identity)) throw malformedPolicy(`Invalid principal in policy: "AWS":${JSON.stringify(value)}`);
      }
    }
  }
  const problems = await validatePolicy(doc, { kind: 'trust', principalExists: (arn) => identity.principalExists(arn) });
  if (problems.length > 0) throw malformedPolicy(SYNTAX);
}

function awsPrincipalOk(value: string, identity: IdentityStore): boolean {
  if (value === '*' || /^\d{12}$/.test(value) || /^arn:aws:iam::\d{12}:root$/.test(value)) return true;
  // Unique ids (AROA…, AIDA…) stand where a principal was deleted after the policy was written.
  if (/^A[A-Z0-9]{15,}$/.test(value)) return true;
  return identity.principalExists(value);
}

/** IAM counts policy size without whitespace (IAM quotas: "IAM does not count white space"). */
export const policySize = (text: string): number => text.replace(/\s/g, '').length;

/**
 * Quotas (IAM User Guide, reference_iam-quotas.html): trust policy 2048 characters, inline policies of
 * a user 2048 and of a role 10240 in aggregate, managed policy 6144.
 */
export function checkTrustPolicySize(text: string): void {
  if (policySize(text) > 2048) throw limitExceeded('Cannot exceed quota for ACLSizePerRole: 2048');
}

export function checkManagedPolicySize(text: string): void {
  if (policySize(text) > 6144) throw limitExceeded('Cannot exceed quota for PolicySize: 6144');
}

export function checkInlineAggregate(kind: 'user' | 'role', name: string, documents: Iterable<string>): void {
  const limit = kind === 'user' ? 2048 : 10240;
  let total = 0;
  for (const d of documents) total += policySize(d);
  if (total > limit) throw limitExceeded(`Maximum policy size of ${limit} bytes exceeded for ${kind} ${name}`);
}
