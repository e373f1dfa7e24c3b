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

  /** Moves `chatId`'s position to `messageId` if that is later. */
  async advance(accountId: string, chatId: string, messageId: string): Promise<void> {
    const known = this.#chats(accountId);
    const next = laterMessageId(messageId, known.get(chatId));
    if (next === known.get(chatId)) return;
    known.set(chatId, next);
    await this.#redis.hset(this.#prefix + accountId, chatId, next);
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
