/**
 * The parts a send split in several messages posted before it failed, by
 * task, so its retry resumes at the next part instead of posting them again
 * (webhook executions carry no nonce that would make a repost harmless).
 * Held in this supervisor's memory: a retry after a restart of the
 * supervisor, or on another one, starts again from the first part.
 */
export class SentParts {
  readonly #byTask = new Map<string, string[]>();
  readonly #max: number;

  /** @param max Tasks remembered at most; the oldest go first. Default 10 000. */
  constructor(max = 10_000) {
    this.#max = max;
  }

  record(taskId: string, ids: readonly string[]): void {
    this.#byTask.delete(taskId);
    this.#byTask.set(taskId, [...ids]);
    if (this.#byTask.size > this.#max) this.#byTask.delete(this.#byTask.keys().next().value!);
  }

  of(taskId: string): string[] | undefined {
    return this.#byTask.get(taskId);
  }

  forget(taskId: string): void {
    this.#byTask.delete(taskId);
  }
}
