/**
 * Publishes cluster events (session transitions) to the Redis `events`
 * stream in batches: ten thousand actors starting must not mean ten thousand
 * round trips, and a slow Redis must never hold up a state change.
 */
import type { Redis } from 'ioredis';
import { keys } from '../src/cluster/redis-keys.ts';

/** The stream is recent history for operators, not an archive. */
export const EVENTS_MAXLEN = 10_000;
const FLUSH_EVERY_MS = 100;
/** Past this many waiting events the oldest are dropped rather than grow without bound while Redis is away. */
const MAX_PENDING = 50_000;

export class EventBuffer {
  readonly #redis: Redis;
  readonly #onError: (err: unknown) => void;
  #pending: Array<Record<string, unknown> & { type: string }> = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(redis: Redis, onError: (err: unknown) => void) {
    this.#redis = redis;
    this.#onError = onError;
  }

  push(event: Record<string, unknown> & { type: string }): void {
    if (this.#closed) return;
    this.#pending.push(event);
    if (this.#pending.length > MAX_PENDING) this.#pending.splice(0, this.#pending.length - MAX_PENDING);
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.#flushing = this.#flushing.then(() => this.#flush());
    }, FLUSH_EVERY_MS);
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const { type, ...body } of batch) {
      pipeline.xadd(keys.events(), 'MAXLEN', '~', EVENTS_MAXLEN, '*', 'type', type, 'body', JSON.stringify(body));
    }
    await pipeline.exec().catch(this.#onError);
  }

  /** Flushes what is waiting; later pushes are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#flushing = this.#flushing.then(() => this.#flush());
    await this.#flushing;
  }
}
