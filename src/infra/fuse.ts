/**
 * "This is over" for something long-lived (a Telegram connection, a worker
 * thread) that many short calls give up on when it happens. Racing each call
 * against one long-pending promise (`Promise.race([call, over])`) leaks:
 * every race leaves a reaction on `over` that holds the call's result until
 * `over` settles, which is the connection's or the thread's whole life
 * (nodejs/node#17469); under load that was 150 MB of answered Telegram
 * requests per thread. A fuse keeps only the calls still waiting and lets
 * go of each as it settles.
 */
export class Fuse {
  #blown: Error | null = null;
  readonly #waiting = new Set<(error: Error) => void>();

  /** The error it blew with; null while intact. */
  get blown(): Error | null {
    return this.#blown;
  }

  /** Calls still waiting (for tests and gauges). */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Settles as `promise` does, or rejects with the fuse's error once it blows (at once if it has). */
  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.#blown !== null) {
      promise.catch(() => {});
      return Promise.reject(this.#blown);
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiting.add(reject);
      promise.then(
        (value) => {
          this.#waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiting.delete(reject);
          reject(error);
        },
      );
    });
  }

  /** Fails every waiting call, and every later one, with `error`; a second blow changes nothing. */
  blow(error: Error): void {
    if (this.#blown !== null) return;
    this.#blown = error;
    for (const reject of this.#waiting) reject(error);
    this.#waiting.clear();
  }
}
