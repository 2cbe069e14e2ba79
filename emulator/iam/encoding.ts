/**
 * IAM returns policy documents URL-encoded (RFC 3986) in GetRole, ListRoles, GetUserPolicy,
 * GetRolePolicy and GetPolicyVersion — "The policy document returned in this structure is URL-encoded
 * compliant with RFC 3986" (IAM API reference, GetRolePolicy). The text is kept as the caller sent
 * it, whitespace included: a real CreateRole record shows `%7B%0A%20%20%22Version%22%3A%20…`
 * (github.com/DataDog/stratus-red-team, docs/attack-techniques/AWS/aws.persistence.iam-create-backdoor-role.md,
 * "raw detonation logs"). Only the unreserved characters A-Z a-z 0-9 - . _ ~ stay as they are.
 */
export function iamEncode(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
