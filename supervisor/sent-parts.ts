/**
 * The parts a send split in several messages posted before it failed, by
 * task, so its retry resumes at the next part instead of posting them again
 * (webhook executions carry no nonce that would make a repost harmless).
 * Kept in this supervisor's memory and, with a Redis client, in Redis too,
 * so a retry after a restart of the supervisor, or on another one, resumes
 * as well. The Redis write goes out at once on the connection the task's
 * failure is then written on, so Redis holds the parts before it holds the
 * retry; a crash between the platform's answer and that write (a few ms)
 * still reposts them.
 */
import type { Redis } from 'ioredis';

export interface SentPartsOptions {
  /** Tasks remembered in memory at most; the oldest go first. Default 10 000. */
  max?: number;
  /** Key prefix in Redis (the client's own keyPrefix applies too). Default `fwd:parts:`. */
  prefix?: string;
  /** How long Redis keeps a record: longer than any retry waits. Default 7 days. */
  ttlMs?: number;
}

function isIdList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((id) => typeof id === 'string');
}

export class SentParts {
  readonly #byTask = new Map<string, string[]>();
  readonly #max: number;
  readonly #redis: Redis | null;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(redis: Redis | null = null, options: SentPartsOptions = {}) {
    this.#redis = redis;
    this.#max = options.max ?? 10_000;
    this.#prefix = options.prefix ?? 'fwd:parts:';
    this.#ttlMs = options.ttlMs ?? 7 * 24 * 60 * 60 * 1000;
  }

  /** Remembers the parts; the promise settles once Redis has them (it never rejects: memory still has them). */
  record(taskId: string, ids: readonly string[]): Promise<void> {
    this.#byTask.delete(taskId);
    this.#byTask.set(taskId, [...ids]);
    if (this.#byTask.size > this.#max) this.#byTask.delete(this.#byTask.keys().next().value!);
    if (this.#redis === null) return Promise.resolve();
    return this.#redis.set(this.#prefix + taskId, JSON.stringify(ids), 'PX', this.#ttlMs).then(() => {}, () => {});
  }

  /** The parts recorded for `taskId` by this process. */
  of(taskId: string): string[] | undefined {
    return this.#byTask.get(taskId);
  }

  /** The parts recorded for `taskId` here or, before a restart or on another supervisor, in Redis. */
  async load(taskId: string): Promise<string[] | undefined> {
    const known = this.#byTask.get(taskId);
    if (known !== undefined || this.#redis === null) return known;
    const stored = await this.#redis.get(this.#prefix + taskId);
    if (stored === null) return undefined;
    let ids: unknown;
    try {
      ids = JSON.parse(stored);
    } catch {
      return undefined;
    }
    if (!isIdList(ids)) return undefined;
    this.#byTask.set(taskId, ids);
    return ids;
  }

  /** The task was delivered: its record goes (a Redis one only when this process knew of it, so a delivery costs no extra write). */
  forget(taskId: string): void {
    const known = this.#byTask.delete(taskId);
    if (known && this.#redis !== null) void this.#redis.del(this.#prefix + taskId).catch(() => {});
  }
}
