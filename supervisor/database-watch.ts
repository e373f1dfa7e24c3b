/**
 * Tells when PostgreSQL stops answering, while it lasts, as the Redis stall
 * watch does for Redis: one `select 1` at a time on the pool the engine
 * uses; unanswered (or refused) for `stallAfterMs`, the database counts as
 * unreachable until a probe comes back. Meanwhile sends wait for their
 * message links and new accounts or pairs are not picked up; the supervisor's
 * `/health` answers 503 and the outage is logged and published as
 * `database-unreachable` / `database-reachable` events (Redis still works).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Sql } from '../src/db/raw-sql.ts';
import { publishClusterEvent } from './scale-out.ts';
import { UnansweredWatch } from './redis-stall-watch.ts';

export interface DatabaseHealth {
  /** How long PostgreSQL has not answered, ms; null while it answers. */
  unreachableForMs: number | null;
  /** Outages since this supervisor started. */
  outages: number;
  /** The last outage that ended: when (ms since the epoch) and how long it lasted. */
  lastOutage: { endedAt: number; unreachableMs: number } | null;
}

export interface DatabaseWatchOptions {
  /** ms between two checks. Default 250. */
  intervalMs?: number;
  /** A probe unanswered this long means the database is unreachable, ms. Default 1 000. */
  stallAfterMs?: number;
}

export class DatabaseWatch {
  readonly #watch: UnansweredWatch;
  #outages = 0;
  #lastOutage: DatabaseHealth['lastOutage'] = null;

  constructor(deps: { sql: Sql; redis: Redis; supervisorId: string; logger: Logger }, options: DatabaseWatchOptions = {}) {
    const { sql, redis, supervisorId, logger } = deps;
    this.#watch = new UnansweredWatch(() => sql.all('select 1'), {
      ...options,
      onStall: ({ stalled, stalledMs }) => {
        if (stalled) this.#outages += 1;
        else this.#lastOutage = { endedAt: Date.now(), unreachableMs: stalledMs };
        if (stalled) logger.warn({ unreachableMs: stalledMs }, 'PostgreSQL is not answering: sends wait for their message links, account and pair changes wait');
        else logger.warn({ unreachableMs: stalledMs }, 'PostgreSQL answers again');
        void publishClusterEvent(redis, stalled ? 'database-unreachable' : 'database-reachable', { supervisorId, unreachableMs: stalledMs, at: Date.now() })
          .catch((err: unknown) => logger.warn({ err }, 'could not publish a database event'));
      },
    });
  }

  start(): void {
    this.#watch.start();
  }

  stop(): void {
    this.#watch.stop();
  }

  health(): DatabaseHealth {
    return { unreachableForMs: this.#watch.stalledForMs(), outages: this.#outages, lastOutage: this.#lastOutage };
  }
}
