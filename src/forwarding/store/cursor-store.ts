/**
 * Where each actor resumes: the last source message accepted into the queue,
 * per watched chat, in Redis. It moves only after the scheduler holds the
 * message's tasks, so a supervisor that dies in between catches the message
 * up again (its idempotency keys make the repeat a no-op), and never skips one.
 */
import type { Redis } from 'ioredis';
import type { ResumeCursor } from '../../runtime-contracts/actor-contract.ts';
import { WriteBatcher } from '../../scheduler/store/write-batcher.ts';
import { laterMessageId } from '../routing/message-id-order.ts';

interface CursorMove {
  accountId: string;
  chatId: string;
  messageId: string;
}

export class CursorStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  /** What this supervisor last wrote, so a message never moves a cursor backwards. */
  readonly #known = new Map<string, Map<string, string>>();
  /** Moves made within a few ms go out together, and those made while a write is on the wire in the next. */
  readonly #writes = new WriteBatcher<CursorMove>({ write: (moves) => this.#write(moves), lingerMs: 5, maxInFlight: 1 });

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
   * Moves `chatId`'s position to `messageId` if that is later. Moves made
   * within a few ms go out together, one HSET per account: only the latest
   * position per chat matters, so a busy chat costs one write per batch, not
   * one per message. Resolves once Redis has it.
   */
  advance(accountId: string, chatId: string, messageId: string): Promise<void> {
    const known = this.#chats(accountId);
    const next = laterMessageId(messageId, known.get(chatId));
    if (next === known.get(chatId)) return Promise.resolve();
    known.set(chatId, next);
    return this.#writes.push({ accountId, chatId, messageId: next });
  }

  /** Resolves once every move made so far is in Redis. */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  /** One HSET per account, each chat at its latest position in the batch; sent before it returns. */
  #write(moves: CursorMove[]): Promise<void> {
    const byAccount = new Map<string, Record<string, string>>();
    for (const m of moves) {
      const chats = byAccount.get(m.accountId) ?? {};
      chats[m.chatId] = laterMessageId(m.messageId, chats[m.chatId]);
      byAccount.set(m.accountId, chats);
    }
    const pipeline = this.#redis.pipeline();
    for (const [accountId, chats] of byAccount) pipeline.hset(this.#prefix + accountId, chats);
    return pipeline.exec().then((replies) => {
      const failed = replies?.find(([err]) => err !== null);
      if (failed) throw failed[0] as Error;
    });
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
