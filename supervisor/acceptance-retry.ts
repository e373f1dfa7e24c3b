/**
 * What the engine does with a source message whose tasks Redis did not take
 * (a write that failed: disconnected past ioredis' retries, a script error):
 * tries again until Redis holds them, never drops them. Meanwhile the chat's
 * cursor waits (see SourceOrder), so if this supervisor dies first, the next
 * one reads the message again from the source. A retry enqueues the same
 * idempotency keys, which the scheduler recognises as the tasks it already
 * holds in memory and writes them as they are, in their original place.
 */
export interface AcceptanceRetryOptions {
  /** First wait between two tries, ms; doubles up to `maxDelayMs`. Default 200. */
  initialDelayMs?: number;
  /** Longest wait between two tries, ms. Default 5 000. */
  maxDelayMs?: number;
  /** True once the engine stops: no more tries, the promise rejects with the last error. */
  stopped(): boolean;
  /** Told of every failed try (to count and log it). */
  onFailure(error: unknown): void;
  /** Whether a failure is worth another try; one that is not rejects at once, untold. Default: every failure. */
  retryable?: (error: unknown) => boolean;
}

/** Resolves once `attempt` has succeeded; the first try runs synchronously, so the caller's enqueue order holds. */
export function acceptWithRetry(attempt: () => Promise<void>, options: AcceptanceRetryOptions): Promise<void> {
  const initial = options.initialDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5_000;
  const tryFrom = (first: Promise<void>, delayMs: number): Promise<void> => first.catch(async (error: unknown) => {
    if (options.retryable !== undefined && !options.retryable(error)) throw error;
    options.onFailure(error);
    if (options.stopped()) throw error;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (options.stopped()) throw error;
    return tryFrom(Promise.resolve().then(attempt), Math.min(max, delayMs * 2));
  });
  return tryFrom(attempt(), initial);
}
