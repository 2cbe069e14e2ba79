import pRetry, { AbortError } from 'p-retry';

/**
 * IAM is eventually consistent on AWS: a role seconds old may not be assumable yet, and a key policy naming it
 * may be refused as "invalid principals". Retries such calls for up to `windowMs` (0 on local targets = one try).
 */
export async function retryWhileConsistencyLags<T>(fn: () => Promise<T>, isLag: (e: unknown) => boolean, windowMs: number): Promise<T> {
  if (windowMs <= 0) return fn();
  return pRetry(
    async () => {
      try {
        return await fn();
      } catch (e) {
        if (!isLag(e)) throw new AbortError(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    },
    { retries: Infinity, minTimeout: 1000, maxTimeout: 8000, factor: 2, randomize: true, maxRetryTime: windowMs },
  );
}

export function errorCode(e: unknown): string {
  const err = e as { Code?: string; name?: string } | undefined;
  return err?.Code ?? err?.name ?? '';
}
