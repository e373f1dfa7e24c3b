/**
 * A process starting while PostgreSQL or Redis does not answer waits for
 * it, in the same process, instead of exiting for pm2 to start it again: a
 * restart loop hides the reason among restart counts, and each round costs a
 * full start (logger, migrations, workers) for nothing. Only failures that
 * pass by themselves once the server is up are waited out (refused, reset,
 * timed out, starting up); a wrong password or a missing database fails at
 * once, as before. Each attempt is logged with the reason and the next
 * delay; a shutdown ends the wait at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isUnreachable } from './server-unreachable.ts';

export interface AwaitDependencyOptions {
  /** Names the server in the log, e.g. `PostgreSQL at DATABASE_URL`. */
  what: string;
  logger: Logger;
  /** Longest wait, ms, after which the last error is thrown; 0 waits without end. `STARTUP_WAIT_MS`, default 0. */
  limitMs: number;
  /** Ends the wait (the last error is thrown) when aborted. Default: none. */
  signal?: AbortSignal;
  /** Whether an error is worth waiting out. Default: the server could not be reached (server-unreachable.ts). */
  retryable?: (error: unknown) => boolean;
  /** First delay between attempts, ms; doubled each time up to {@link maxDelayMs}. Default 500. */
  initialDelayMs?: number;
  /** Longest delay between attempts, ms. Default 10 000. */
  maxDelayMs?: number;
}

/** Calls `open` until it succeeds, waiting between attempts while its failures are {@link AwaitDependencyOptions.retryable}. */
export async function awaitDependency<T>(open: () => Promise<T>, options: AwaitDependencyOptions): Promise<T> {
  const { what, logger, limitMs, signal, retryable = isUnreachable, initialDelayMs = 500, maxDelayMs = 10_000 } = options;
  const started = Date.now();
  let delayMs = initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const opened = await open();
      if (attempt > 1) logger.info({ attempts: attempt, waitedMs: Date.now() - started }, `${what} answers: starting`);
      return opened;
    } catch (error) {
      const waitedMs = Date.now() - started;
      const outOfTime = limitMs > 0 && waitedMs + delayMs > limitMs;
      if (!retryable(error) || signal?.aborted === true || outOfTime) {
        if (outOfTime) logger.error({ attempts: attempt, waitedMs, limitMs }, `${what} did not answer within STARTUP_WAIT_MS (${limitMs} ms): giving up`);
        throw error;
      }
      logger.warn({ err: error, attempt, waitedMs, retryInMs: delayMs }, `${what} does not answer: waiting for it before starting`);
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        throw error; // aborted: the shutdown under way decides the exit code
      }
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}
