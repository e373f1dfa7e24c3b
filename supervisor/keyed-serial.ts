/**
 * One operation at a time per key, in call order: a session's stop must never
 * overtake the start it follows, and a user's placements must land one after
 * another so they share a worker. `busy(key)` tells whether an operation runs,
 * so events the operation itself causes are not mistaken for failures.
 */
export class KeyedSerial {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #running = new Set<string>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const step = async (): Promise<T> => {
      this.#running.add(key);
      try {
        return await fn();
      } finally {
        this.#running.delete(key);
      }
    };
    const next = previous.then(step, step);
    const settled = next.catch(() => {});
    this.#tails.set(key, settled);
    // Forget keys with nothing queued, so the map does not grow with every session ever seen.
    void settled.then(() => {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    });
    return next;
  }

  busy(key: string): boolean {
    return this.#running.has(key);
  }
}
