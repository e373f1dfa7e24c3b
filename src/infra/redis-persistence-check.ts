/**
 * Checks, when a process opens Redis and again after every reconnect (a
 * restarted or failed-over server may come back with other settings), that
 * the server keeps what is written to it (see redis-persistence-rules.ts):
 * one loud warning per unsafe setting, and a report the process shows on
 * its health answers and metrics. With REDIS_PERSISTENCE_CHECK=strict the
 * start is refused instead; a running process only ever warns.
 */
import { ReplyError, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisPersistenceUnsafeError } from '../errors/registry.ts';
import { persistenceProblems, summary, uncheckedMessage, type RedisPersistenceSettings } from './redis-persistence-rules.ts';

/** REDIS_PERSISTENCE_CHECK: `warn` (log and report), `strict` (also refuse to start), `off` (tests' throwaway servers). */
export type PersistenceCheckMode = 'warn' | 'strict' | 'off';

export interface RedisPersistenceReport {
  /**
   * `safe`: every setting read and fine; `unsafe`: one would lose or evict
   * data; `unknown`: the server would not say (CONFIG renamed or refused);
   * `off`: not checked.
   */
  status: 'safe' | 'unsafe' | 'unknown' | 'off';
  /** The warnings, one per problem (empty when safe or off). */
  problems: string[];
}

const OFF: RedisPersistenceReport = { status: 'off', problems: [] };

async function configValue(redis: Redis, name: string): Promise<string | null> {
  // One parameter per CONFIG GET: Redis before 7 takes only one.
  const reply = await redis.config('GET', name) as string[];
  const at = reply.indexOf(name);
  return at >= 0 ? reply[at + 1] ?? null : null;
}

/** The settings as the server reports them; rejects when CONFIG is refused (a ReplyError) or the connection fails. */
export async function readPersistenceSettings(redis: Redis): Promise<RedisPersistenceSettings> {
  const [appendonly, appendfsync, maxmemoryPolicy] = await Promise.all(
    ['appendonly', 'appendfsync', 'maxmemory-policy'].map((name) => configValue(redis, name)),
  );
  return { appendonly: appendonly ?? null, appendfsync: appendfsync ?? null, maxmemoryPolicy: maxmemoryPolicy ?? null };
}

export interface RedisPersistenceCheckOptions {
  mode: PersistenceCheckMode;
  logger: Logger;
  /** How the server is named in the log and a refusal, e.g. `Redis at REDIS_URL`. */
  what: string;
}

export class RedisPersistenceCheck {
  readonly #redis: Redis;
  readonly #o: RedisPersistenceCheckOptions;
  #report: RedisPersistenceReport = OFF;
  /** The last check's one-line account, for a strict refusal. */
  #reason = '';
  #running: Promise<void> | null = null;
  readonly #onReady = (): void => { void this.#recheck(); };

  constructor(redis: Redis, options: RedisPersistenceCheckOptions) {
    this.#redis = redis;
    this.#o = options;
  }

  /** The last check's outcome. */
  report(): RedisPersistenceReport {
    return this.#report;
  }

  /**
   * The first check, at start: warns per problem and, in strict mode,
   * throws {@link RedisPersistenceUnsafeError} unless the server is safe.
   * Then re-checks after each reconnect until {@link stop}.
   */
  async start(): Promise<RedisPersistenceReport> {
    if (this.#o.mode === 'off') return this.#report;
    this.#report = await this.#read(true) ?? OFF;
    this.#warn(this.#report);
    if (this.#o.mode === 'strict' && this.#report.status !== 'safe') {
      throw new RedisPersistenceUnsafeError({ redis: this.#o.what, reason: this.#reason });
    }
    this.#redis.on('ready', this.#onReady);
    return this.#report;
  }

  stop(): void {
    this.#redis.off('ready', this.#onReady);
  }

  /** null when the connection failed (a reconnect will check again); at start, that counts as unknown too. */
  async #read(atStart: boolean): Promise<RedisPersistenceReport | null> {
    try {
      const problems = persistenceProblems(await readPersistenceSettings(this.#redis));
      this.#reason = summary(problems);
      return { status: problems.length === 0 ? 'safe' : 'unsafe', problems: problems.map((p) => p.message) };
    } catch (error) {
      if (!(error instanceof ReplyError) && !atStart) return null;
      this.#reason = `its settings could not be read (${(error as Error).message}); REDIS_PERSISTENCE_CHECK=warn runs on a server that hides them`;
      return { status: 'unknown', problems: [uncheckedMessage((error as Error).message)] };
    }
  }

  /** After a reconnect: warns only when the outcome changed, so a flapping link does not repeat the same lines. */
  async #recheck(): Promise<void> {
    if (this.#running) return;
    this.#running = (async () => {
      const next = await this.#read(false);
      if (next === null) return;
      const changed = next.status !== this.#report.status || next.problems.join('\n') !== this.#report.problems.join('\n');
      this.#report = next;
      if (!changed) return;
      if (next.status === 'safe') this.#o.logger.info({ redis: this.#o.what }, 'Redis persistence settings are safe now');
      else this.#warn(next);
    })().finally(() => { this.#running = null; });
    await this.#running;
  }

  #warn(report: RedisPersistenceReport): void {
    for (const problem of report.problems) this.#o.logger.warn({ redis: this.#o.what, persistence: report.status }, problem);
  }
}
