/**
 * A bounded cache of recent messages, counted in bytes so the client can
 * report what it holds (`trackedBytes`). Oldest entries go first.
 */

/** Bookkeeping a cache entry costs beyond its key and payload (Map slot, entry object), bytes. */
export const ENTRY_OVERHEAD_BYTES = 64;

interface Entry<V> {
  value: V;
  bytes: number;
}

export class MessageCache<V> {
  readonly maxBytes: number;
  readonly maxEntries: number;
  readonly #entries = new Map<string, Entry<V>>();
  #bytes = 0;

  constructor(maxBytes: number, maxEntries: number) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /** Bytes held: per entry, `payloadBytes` + the key's length + ENTRY_OVERHEAD_BYTES. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Adds (or refreshes) an entry, evicting the oldest to stay within bounds; an entry larger than the cache is not kept. */
  set(key: string, value: V, payloadBytes: number): void {
    this.delete(key);
    const bytes = payloadBytes + key.length + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxBytes || this.maxEntries === 0) return;
    while (this.#bytes + bytes > this.maxBytes || this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key)?.value;
  }

  delete(key: string): void {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
