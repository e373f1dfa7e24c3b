/** Exponential retry delays with additive jitter. */

export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  baseMs: number;
  /** Longest delay before jitter is added, ms. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Jitter adds up to this fraction of the delay, so retries of many tasks failed together spread out. */
  jitter: number;
}

/**
 * Delay before retrying a task that has been attempted `attempts` times (>= 1):
 * `min(maxMs, baseMs * factor^(attempts - 1))`, plus `random() * jitter` of it.
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, attempts - 1);
  const delay = Math.min(policy.maxMs, policy.baseMs * policy.factor ** exponent);
  return Math.round(delay + delay * policy.jitter * random());
}
