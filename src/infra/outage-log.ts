/**
 * Logs a connection's outage as one story rather than one line per failed
 * attempt: ioredis retries every few hundred ms, on every connection a
 * process holds, so a Redis down for a minute would otherwise write hundreds
 * of identical warnings and bury the lines that matter. One warning when the
 * failures start, a reminder every `repeatMs` while they go on, and one line
 * when the connection works again (or, where that cannot be seen, a failure
 * after `repeatMs` of quiet starts a new outage).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface OutageLogOptions {
  logger: Logger;
  /** The connection as the log names it, e.g. `Redis at REDIS_URL`. */
  what: string;
  /** ms between two reminders while the outage lasts. Default 30 000. */
  repeatMs?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

export class OutageLog {
  readonly #o: Required<OutageLogOptions>;
  /** When the current outage began; null while the connection works. */
  #since: number | null = null;
  #lastFailure = 0;
  #lastWarning = 0;
  #failures = 0;

  constructor(options: OutageLogOptions) {
    this.#o = { repeatMs: 30_000, now: Date.now, ...options };
  }

  /** One failed attempt (an `error` event, a command the connection failed). */
  failed(error: unknown): void {
    const err = error instanceof Error ? error.message : String(error);
    const now = this.#o.now();
    if (this.#since !== null && now - this.#lastFailure > this.#o.repeatMs) this.#since = null;
    this.#lastFailure = now;
    if (this.#since === null) {
      this.#since = now;
      this.#failures = 1;
      this.#lastWarning = now;
      this.#o.logger.warn({ err }, `${this.#o.what}: connection lost, reconnecting`);
      return;
    }
    this.#failures += 1;
    if (now - this.#lastWarning < this.#o.repeatMs) return;
    this.#lastWarning = now;
    this.#o.logger.warn({ err, downMs: now - this.#since, failures: this.#failures }, `${this.#o.what}: still unreachable, reconnecting`);
  }

  /** The connection works again (a `ready` event); says so once if it had failed. */
  recovered(): void {
    if (this.#since === null) return;
    const downMs = this.#o.now() - this.#since;
    this.#since = null;
    this.#o.logger.warn({ downMs, failures: this.#failures }, `${this.#o.what}: connected again`);
  }
}

/** Logs `redis`'s outages through an {@link OutageLog}; also serves as the client's `error` listener, without which ioredis would report each failure as unhandled. */
export function logOutages(redis: Redis, options: OutageLogOptions): OutageLog {
  const log = new OutageLog(options);
  redis.on('error', (error: Error) => log.failed(error));
  redis.on('ready', () => log.recovered());
  return log;
}
