// Its own module so that `kms-lab cleanup --help` and option parsing don't load the AWS SDK clients.

/** "24h", "90m", "7d", "3600s" → milliseconds. */
export function parseAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not an age; use e.g. 90m, 24h or 7d.`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
