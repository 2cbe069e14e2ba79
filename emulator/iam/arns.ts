// IAM is a global service: its ARNs have no region (IAM User Guide, reference_identifiers.html#identifiers-arns).
export const userArn = (account: string, path: string, name: string): string => `arn:aws:iam::${account}:user${path}${name}`;
export const roleArn = (account: string, path: string, name: string): string => `arn:aws:iam::${account}:role${path}${name}`;
export const policyArn = (account: string, path: string, name: string): string => `arn:aws:iam::${account}:policy${path}${name}`;

export interface ParsedPolicyArn {
  /** 12 digits, or 'aws' for AWS managed policies. */
  account: string;
  path: string;
  name: string;
}

/** arn:aws:iam::ACCT|aws:policy/[path/]name, or undefined when it is not a policy ARN. */
export function parsePolicyArn(arn: string): ParsedPolicyArn | undefined {
  const m = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[\u0021-\u007e]*\/)?)([\w+=,.@-]+)$/.exec(arn);
  return m ? { account: m[1], path: m[2], name: m[3] } : undefined;
}

/** Anything shaped like an ARN at all (IAM answers "Invalid ARN" otherwise). */
export const looksLikeArn = (value: string): boolean => /^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(value);
