/**
 * Messages handed over in one turn of the event loop, sent together at the
 * end of it (or at `flush`): the IPC channel and the thread ports batch this
 * way, since each send costs a serialization frame, a write or a wake-up of
 * the receiver however small the message.
 */
export class TurnOutbox<T> {
  readonly #send: (items: T[]) => void;
  #queued: T[] = [];
  #scheduled: NodeJS.Immediate | null = null;

  /** `send` gets the queued items in the order they were pushed, never an empty list. */
  constructor(send: (items: T[]) => void) {
    this.#send = send;
  }

  /** Items waiting for the end of the turn. */
  get size(): number {
    return this.#queued.length;
  }

  push(item: T): void {
    this.#queued.push(item);
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Sends what is queued now. */
  flush(): void {
    if (this.#scheduled !== null) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    if (this.#queued.length === 0) return;
    const items = this.#queued;
    this.#queued = [];
    this.#send(items);
  }
}
