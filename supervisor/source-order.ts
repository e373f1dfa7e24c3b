/**
 * Keeps a source chat's cursor behind every message of it not yet accepted.
 * Messages are accepted concurrently (Redis answers batches in any order, a
 * failed one is retried later), but the cursor names one position per chat:
 * moved for message n+1 while n still waits, it would let a restart skip n.
 * So each chat's moves run in the order its messages came, each once its own
 * message and all earlier ones are in Redis.
 */
export class SourceOrder {
  /** Per chat: settles once every message queued so far is accepted; rejects if one never was. */
  readonly #accepted = new Map<string, Promise<void>>();

  /**
   * Runs `move` once `accepted` and every message queued before it for
   * `key` are in Redis. If one of them is never accepted (the engine stopped
   * first), neither its move nor any later one of the chat runs: the cursor
   * stays before it, and the next start reads it again. A failed move does
   * not hold the later ones back (a cursor only moves forward).
   */
  after(key: string, accepted: Promise<void>, move: () => Promise<void>): Promise<void> {
    const before = this.#accepted.get(key);
    const all = before === undefined ? accepted : Promise.all([before, accepted]).then(() => {});
    this.#accepted.set(key, all);
    // Forgotten once accepted with nothing queued behind; a rejection stays, so nothing later moves past it.
    void all.then(() => {
      if (this.#accepted.get(key) === all) this.#accepted.delete(key);
    }, () => {});
    return all.then(move);
  }

  /** Chats with messages still waiting to be accepted (or one never accepted). */
  get pending(): number {
    return this.#accepted.size;
  }
}
