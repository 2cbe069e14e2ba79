const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * IAM and STS write dates inside CloudTrail responseElements in Java's legacy medium format, in UTC:
 * "Aug 1, 2024 1:37:41 PM" (a real CreateRole record, github.com/DataDog/stratus-red-team
 * aws.persistence.iam-create-backdoor-role.md) and "Oct 2, 2019 11:12:29 PM" (IAM User Guide,
 * cloudtrail-integration.md, AssumeRole example). Everywhere else CloudTrail uses ISO 8601.
 */
export function cloudTrailDate(d: Date): string {
  const h24 = d.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h12}:${mm}:${ss} ${h24 < 12 ? 'AM' : 'PM'}`;
}

/** IAM returns whole seconds ("2024-08-01T13:37:41Z"); keep stored dates that way. */
export const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
