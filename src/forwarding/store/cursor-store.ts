/**
 * Where each actor resumes: the last source message accepted into the queue,
 * per watched chat, in Redis. It moves only after the scheduler holds the
 * message's tasks, so a supervisor that dies in between catches the message
 * up again (its idempotency keys make the repeat a no-op), and never skips one.
 */
import type { Redis } from 'ioredis';
import type { ResumeCursor } from '../../../actors/actor-contract.ts';
import { laterMessageId } from '../routing/message-id-order.ts';

export class CursorStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  /** What this supervisor last wrote, so a message never moves a cursor backwards. */
  readonly #known = new Map<string, Map<string, string>>();
  /** Positions waiting for this tick's write, by account. */
  #pending = new Map<string, Map<string, string>>();
  #flushing: PromiseWithResolvers<void> | null = null;

  /** `prefix` namespaces the keys inside Redis (the client's own keyPrefix applies too). */
  constructor(redis: Redis, prefix = 'fwd:cursor:') {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async load(accountId: string): Promise<ResumeCursor> {
    const stored = await this.#redis.hgetall(this.#prefix + accountId);
    const known = this.#chats(accountId);
    for (const [chat, id] of Object.entries(stored)) known.set(chat, laterMessageId(id, known.get(chat)));
    return Object.fromEntries(known);
  }

  /**
   * Moves `chatId`'s position to `messageId` if that is later. Moves made in
   * one turn of the event loop go out together, one HSET per account: only
   * the latest position per chat matters, so a busy chat costs one write per
   * tick, not one per message. Resolves once Redis has it.
   */
  advance(accountId: string, chatId: string, messageId: string): Promise<void> {
    const known = this.#chats(accountId);
    const next = laterMessageId(messageId, known.get(chatId));
    if (next === known.get(chatId)) return Promise.resolve();
    known.set(chatId, next);
    const pending = this.#pending.get(accountId) ?? new Map<string, string>();
    pending.set(chatId, next);
    this.#pending.set(accountId, pending);
    if (!this.#flushing) {
      this.#flushing = Promise.withResolvers<void>();
      setImmediate(() => void this.#flush());
    }
    return this.#flushing.promise;
  }

  async #flush(): Promise<void> {
    const done = this.#flushing!;
    const batch = this.#pending;
    this.#flushing = null;
    this.#pending = new Map();
    try {
      const pipeline = this.#redis.pipeline();
      for (const [accountId, chats] of batch) pipeline.hset(this.#prefix + accountId, Object.fromEntries(chats));
      const replies = await pipeline.exec();
      const failed = replies?.find(([err]) => err !== null);
      if (failed) throw failed[0] as Error;
      done.resolve();
    } catch (err) {
      done.reject(err as Error);
    }
  }

  async forget(accountId: string): Promise<void> {
    this.#known.delete(accountId);
    await this.#redis.del(this.#prefix + accountId);
  }

  #chats(accountId: string): Map<string, string> {
    let chats = this.#known.get(accountId);
    if (!chats) {
      chats = new Map();
      this.#known.set(accountId, chats);
    }
    return chats;
  }
}
