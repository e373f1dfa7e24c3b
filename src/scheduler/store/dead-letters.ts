/**
 * Dead letters of one shard: tasks that failed permanently or ran out of
 * attempts, each with its last error, reason and time of death, kept until an
 * operator replays or purges them. Oldest first everywhere.
 */
import type { Redis } from 'ioredis';
import { InvalidOptionError } from '../../errors/registry.ts';
import type { ScheduledTask } from '../core/task.ts';
import type { OwnerKeys } from './scheduler-keys.ts';
import { ownerKeys } from './scheduler-keys.ts';
import { storeScripts } from './store-scripts.ts';
import type { DeadLetter } from './task-codec.ts';
import { decodeDeadLetter, decodeTask, encodeTask, replayedTask } from './task-codec.ts';

/** Which dead letters an operation is about. */
export type DeadLetterSelection = readonly string[] | 'all';

export interface DeadLetterPage {
  /** Most letters returned, 1 to 10 000. Default 100. */
  limit?: number;
  /** Letters skipped, oldest first. Default 0. */
  offset?: number;
}

export interface ReplayOptions {
  /** `enqueuedAt` the replayed tasks get (their wait and aging start again). Default: the original. */
  enqueuedAt?: number;
}

export interface DeadLetterReplay {
  /** Now pending again, attempts reset, each with its new seq (behind everything pending), in that order. */
  replayed: ScheduledTask[];
  /** The dead letters behind `replayed`, as they were, index for index. */
  letters: DeadLetter[];
  /** Asked for but not dead letters (unknown, or replayed or purged meanwhile). */
  missing: string[];
  /** Left as dead letters because a pending task has the same id. */
  conflicting: string[];
}

export interface PurgeReport {
  /** How many dead letters were deleted. */
  purged: number;
  /** Asked for by id but not dead letters (unknown, or replayed or purged meanwhile). */
  missing: string[];
}

const PAGE = 1_000;
const MAX_LIMIT = 10_000;

function checkSelection(selection: unknown): asserts selection is DeadLetterSelection {
  if (selection === 'all') return;
  if (!Array.isArray(selection) || !selection.every((id) => typeof id === 'string' && id !== '')) {
    throw new InvalidOptionError({ option: 'selection', message: "selection must be 'all' or an array of non-empty task ids" });
  }
}

export class DeadLetters {
  readonly #redis: Redis;
  readonly #owner: string;
  readonly #chunk: number;
  readonly #keys: OwnerKeys;

  /** Usually reached as `TaskStore.deadLetters`. */
  constructor(redis: Redis, options: { owner: string; scriptChunkSize: number }) {
    this.#redis = redis;
    this.#owner = options.owner;
    this.#chunk = options.scriptChunkSize;
    this.#keys = ownerKeys(this.#owner);
  }

  count(): Promise<number> {
    return this.#redis.zcard(this.#keys[4]);
  }

  async get(id: string): Promise<DeadLetter | null> {
    const json = await this.#redis.hget(this.#keys[3], id);
    return json === null ? null : decodeDeadLetter(this.#owner, id, json);
  }

  /** A page of dead letters, oldest first. */
  async list(page: DeadLetterPage = {}): Promise<DeadLetter[]> {
    const limit = page.limit ?? 100;
    const offset = page.offset ?? 0;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)) {
      throw new InvalidOptionError({ option: 'limit', message: `limit must be an integer from 1 to ${MAX_LIMIT}` });
    }
    if (!(Number.isInteger(offset) && offset >= 0)) {
      throw new InvalidOptionError({ option: 'offset', message: 'offset must be a non-negative integer' });
    }
    return (await this.#page(offset, limit)).entries.map(([id, json]) => decodeDeadLetter(this.#owner, id, json));
  }

  /**
   * Moves dead letters back to pending with attempts, backoff and error reset,
   * each atomically and only if nobody replayed or purged it meanwhile, and
   * returns the tasks: the CALLER enqueues them in its in-memory scheduler
   * (`DurableScheduler.replayDeadLetters` does).
   */
  async replay(selection: DeadLetterSelection, options: ReplayOptions = {}): Promise<DeadLetterReplay> {
    checkSelection(selection);
    const found = selection === 'all' ? await this.#all() : await this.#byIds(selection);
    const out: DeadLetterReplay = {
      replayed: [],
      letters: [],
      missing: selection === 'all' ? [] : selection.filter((id) => !found.has(id)),
      conflicting: [],
    };
    const entries = [...found];
    const redis = storeScripts(this.#redis);
    for (let from = 0; from < entries.length; from += this.#chunk) {
      const chunk = entries.slice(from, from + this.#chunk);
      const letters = chunk.map(([id, json]) => decodeDeadLetter(this.#owner, id, json));
      const tasks = letters.map((letter) => encodeTask(replayedTask(letter.task, options.enqueuedAt)));
      const args = chunk.flatMap(([id, json], i) => [id, json, tasks[i]!, letters[i]!.task.pairId]);
      const seqs = await redis.schedDeadReplay(...this.#keys, ...args);
      seqs.forEach((seq, i) => {
        const id = chunk[i]![0];
        if (seq > 0) {
          out.replayed.push(decodeTask(this.#owner, id, seq, tasks[i]!));
          out.letters.push(letters[i]!);
        } else if (seq === 0) out.missing.push(id);
        else out.conflicting.push(id);
      });
    }
    return out;
  }

  /** Deletes dead letters for good; returns how many there were. */
  async purge(selection: DeadLetterSelection): Promise<PurgeReport> {
    checkSelection(selection);
    const [, , , dead, deadOrder] = this.#keys;
    if (selection === 'all') {
      const replies = await this.#redis.multi().hlen(dead).del(dead, deadOrder).exec();
      return { purged: Number(replies?.[0]?.[1] ?? 0), missing: [] };
    }
    const redis = storeScripts(this.#redis);
    const missing: string[] = [];
    for (let from = 0; from < selection.length; from += this.#chunk) {
      missing.push(...await redis.schedDeadRemove(dead, deadOrder, ...selection.slice(from, from + this.#chunk)));
    }
    return { purged: selection.length - missing.length, missing };
  }

  /** Letters at [offset, offset + limit); `full` when the index had that many (there may be more). */
  async #page(offset: number, limit: number): Promise<{ entries: Array<[string, string]>; full: boolean }> {
    const flat = await storeScripts(this.#redis).schedDeadPage(this.#keys[3], this.#keys[4], offset, limit);
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < flat.length; i += 2) if (flat[i + 1] !== null) entries.push([flat[i]!, flat[i + 1]!]);
    return { entries, full: flat.length === limit * 2 };
  }

  /** Every dead letter as read now, oldest first; one that appears twice while paging is kept once. */
  async #all(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let offset = 0; ; offset += PAGE) {
      const { entries, full } = await this.#page(offset, PAGE);
      for (const [id, json] of entries) out.set(id, json);
      if (!full) return out;
    }
  }

  async #byIds(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(ids)];
    for (let from = 0; from < unique.length; from += this.#chunk) {
      const chunk = unique.slice(from, from + this.#chunk);
      const jsons = await this.#redis.hmget(this.#keys[3], ...chunk);
      jsons.forEach((json, i) => {
        if (json !== null) out.set(chunk[i]!, json);
      });
    }
    return out;
  }
}
