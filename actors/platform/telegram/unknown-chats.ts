/**
 * Chats a session looked for among its dialogs and did not find (it left
 * them, was removed, or a pair names a chat it never joined). A send to one
 * fails as permanent; without this memory every later send to it would read
 * the dialogs again, page after page, and draw a FLOOD_WAIT on
 * `messages.getDialogs` that also holds back the account's good chats. A miss
 * is believed for `retryMs`, then looked up again (the account may have
 * joined since). Pure: the clock is passed in.
 */
export class UnknownChats {
  readonly #retryMs: number;
  readonly #max: number;
  readonly #missedAt = new Map<string, number>();

  /** `max`: most chats remembered; the oldest miss is forgotten first. */
  constructor(retryMs: number, max = 256) {
    this.#retryMs = retryMs;
    this.#max = max;
  }

  /** Whether `chatId` was looked for in vain less than `retryMs` ago. */
  known(chatId: string, now: number): boolean {
    const at = this.#missedAt.get(chatId);
    if (at === undefined) return false;
    if (now - at < this.#retryMs) return true;
    this.#missedAt.delete(chatId);
    return false;
  }

  missed(chatId: string, now: number): void {
    this.#missedAt.delete(chatId);
    this.#missedAt.set(chatId, now);
    if (this.#missedAt.size > this.#max) this.#missedAt.delete(this.#missedAt.keys().next().value!);
  }

  get size(): number {
    return this.#missedAt.size;
  }
}
