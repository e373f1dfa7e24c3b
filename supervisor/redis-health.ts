/**
 * Redis as one supervisor sees it: the stall watch on its own connection,
 * how many stalls there were and how long the last one lasted (its status
 * snapshot and `/health` show them). Both ends of a stall are logged and put
 * on the events stream, since while it lasts nothing else reaches Redis.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisHealth } from '../src/cluster/status-snapshot.ts';
import type { EventBuffer } from './event-buffer.ts';
import { RedisStallWatch } from './redis-stall-watch.ts';

export class RedisHealthWatch {
  readonly #watch: RedisStallWatch;
  readonly #supervisorId: string;
  readonly #log: Logger;
  readonly #events: () => EventBuffer | null;
  #stalls = 0;
  #lastStall: RedisHealth['lastStall'] = null;

  /** `events`: where stalls are announced; null while there is none yet. */
  constructor(redis: Redis, supervisorId: string, log: Logger, events: () => EventBuffer | null) {
    this.#supervisorId = supervisorId;
    this.#log = log;
    this.#events = events;
    this.#watch = new RedisStallWatch(redis, { onStall: (e) => this.#onStall(e) });
  }

  start(): void {
    this.#watch.start();
  }

  stop(): void {
    this.#watch.stop();
  }

  /** How long the current stall has lasted, ms; null while Redis answers. */
  stalledForMs(): number | null {
    return this.#watch.stalledForMs();
  }

  health(): RedisHealth {
    return { stalledForMs: this.stalledForMs(), stalls: this.#stalls, lastStall: this.#lastStall };
  }

  #onStall(e: { stalled: boolean; stalledMs: number }): void {
    if (e.stalled) this.#stalls += 1;
    else this.#lastStall = { endedAt: Date.now(), stalledMs: e.stalledMs };
    if (e.stalled) this.#log.warn({ stalledMs: e.stalledMs }, 'Redis is not answering: forwarding waits, nothing new is accepted until it does');
    else this.#log.warn({ stalledMs: e.stalledMs }, 'Redis answers again after a stall');
    this.#events()?.push({ type: e.stalled ? 'redis-stall' : 'redis-stall-ended', supervisorId: this.#supervisorId, stalledMs: e.stalledMs, at: Date.now() });
  }
}
