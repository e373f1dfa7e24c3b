/**
 * Which chat a message of the common box belongs to. Telegram's
 * `updateDeleteMessages` names only message ids, never the chat: in private
 * chats and basic groups ids are numbered per account, so an id seen once in
 * a watched chat places a later delete of it. The index holds the most
 * recent `capacity` ids; a delete of a message older than that (or seen
 * before this client started) cannot be placed and is not reported. Pure.
 */

export class MessageChatIndex {
  readonly #capacity: number;
  readonly #chats = new Map<number, string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  remember(messageId: number, chatId: string): void {
    // Re-inserting moves the id to the young end, so eviction stays oldest-first.
    this.#chats.delete(messageId);
    this.#chats.set(messageId, chatId);
    if (this.#chats.size > this.#capacity) {
      const oldest = this.#chats.keys().next();
      if (oldest.done !== true) this.#chats.delete(oldest.value);
    }
  }

  chatOf(messageId: number): string | undefined {
    return this.#chats.get(messageId);
  }

  /** Forgets the messages of chats no longer watched. */
  retain(chatIds: ReadonlySet<string>): void {
    for (const [id, chatId] of this.#chats) if (!chatIds.has(chatId)) this.#chats.delete(id);
  }

  get size(): number {
    return this.#chats.size;
  }
}
