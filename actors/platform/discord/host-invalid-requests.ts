/**
 * One host's invalid Discord requests, counted by every thread and worker
 * process of the host together, in Redis (a hash of time buckets per host,
 * host-window.ts): Discord bans by IP, so a window per thread would let a
 * host of many threads pass its limit many times over. Each thread adds its
 * own requests at once to what it decides on and hands them to Redis every
 * `syncMs`, reading the others' then; so the host stops within one sync of
 * its limit.
 */
import type { Redis } from 'ioredis';
import { blockedForMs, bucketOf, staleBuckets, windowTotal, type HostWindowShape } from './host-window.ts';

export interface HostInvalidRequestsOptions {
  redis: Redis;
  /** Names the host (its egress IP, as Discord counts). Default: os.hostname() (set by the caller). */
  hostId: string;
  /** Requests the host tolerates within the window before its clients refuse to send. */
  limit: number;
  /** Default 600 000 (Discord's 10 minutes). */
  windowMs?: number;
  /** Default 10 000. */
  bucketMs?: number;
  /** How often this thread hands its count over and reads the host's, ms. Default 1 000. */
  syncMs?: number;
  /** Key prefix (the client's own keyPrefix applies too). Default `discord:invalid:`. */
  prefix?: string;
}

export class HostInvalidRequests {
  readonly limit: number;
  readonly #redis: Redis;
  readonly #key: string;
  readonly #shape: HostWindowShape;
  /** The host's buckets as last read. */
  #host = new Map<number, number>();
  /** This thread's requests not handed to Redis yet, by bucket. */
  readonly #pending = new Map<number, number>();
  #timer: NodeJS.Timeout | null = null;
  #syncing: Promise<void> | null = null;

  constructor(o: HostInvalidRequestsOptions) {
    this.#redis = o.redis;
    this.#key = `${o.prefix ?? 'discord:invalid:'}${o.hostId}`;
    this.limit = o.limit;
    this.#shape = { limit: o.limit, windowMs: o.windowMs ?? 600_000, bucketMs: o.bucketMs ?? 10_000 };
    this.#timer = setInterval(() => void this.sync(), o.syncMs ?? 1_000);
    this.#timer.unref();
  }

  record(now: number = Date.now(), count = 1): void {
    const bucket = bucketOf(now, this.#shape.bucketMs);
    this.#pending.set(bucket, (this.#pending.get(bucket) ?? 0) + count);
  }

  /** The host's count as last read plus this thread's since. */
  count(now: number = Date.now()): number {
    return windowTotal(this.#known(), now, this.#shape);
  }

  /** 0 while the host is below the limit; else ms until it falls below. */
  blockedForMs(now: number = Date.now()): number {
    return blockedForMs(this.#known(), now, this.#shape);
  }

  /** Hands this thread's count to Redis and reads the host's; a failure keeps the count for the next try. */
  sync(now: number = Date.now()): Promise<void> {
    this.#syncing ??= this.#sync(now).finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #sync(now: number): Promise<void> {
    const handed = new Map(this.#pending);
    this.#pending.clear();
    const tx = this.#redis.multi();
    for (const [bucket, count] of handed) tx.hincrby(this.#key, String(bucket), count);
    tx.hgetall(this.#key);
    tx.pexpire(this.#key, this.#shape.windowMs * 2);
    let all: Record<string, string>;
    try {
      const answers = await tx.exec();
      all = (answers?.[handed.size]?.[1] ?? {}) as Record<string, string>;
    } catch {
      for (const [bucket, count] of handed) this.#pending.set(bucket, (this.#pending.get(bucket) ?? 0) + count);
      return;
    }
    const host = new Map<number, number>();
    for (const [field, value] of Object.entries(all)) host.set(Number(field), Number(value));
    this.#host = host;
    const stale = staleBuckets(host.keys(), now, this.#shape);
    if (stale.length > 0) await this.#redis.hdel(this.#key, ...stale.map(String)).catch(() => 0);
  }

  #known(): Map<number, number> {
    const known = new Map(this.#host);
    for (const [bucket, count] of this.#pending) known.set(bucket, (known.get(bucket) ?? 0) + count);
    return known;
  }
}
